"""The shared Lambda layer, bundled locally with pip (no Docker).

The layer holds the runtime dependencies of pyproject.toml ``[project].dependencies`` as
manylinux wheels for the python3.12 / arm64 Lambda runtime, plus the ``shared/`` package:
``<out>/python/<packages>`` and ``<out>/python/shared`` (Lambda puts ``/opt/python`` on the path).

Also runnable on its own: ``python -m infra.bundling <empty-or-new-dir>``.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import jsii

from infra.paths import PYPROJECT, SHARED

PLATFORM = "manylinux2014_aarch64"
IMPLEMENTATION = "cp"
PYTHON_VERSION = "3.12"
# Named because BundlingOptions needs an image; never pulled: local bundling succeeds first.
BUILD_IMAGE = "public.ecr.aws/sam/build-python3.12"
SKIPPED = shutil.ignore_patterns("__pycache__", "*.pyc")


class LayerBuildError(RuntimeError):
    """pip could not install the layer's dependencies."""


def runtime_dependencies(pyproject: Path = PYPROJECT) -> list[str]:
    """The pinned requirements the functions run with (pyproject.toml [project].dependencies)."""
    with pyproject.open("rb") as f:
        project = tomllib.load(f)["project"]
    return [str(requirement) for requirement in project["dependencies"]]


def pip_install_command(target: Path, requirements: Sequence[str]) -> list[str]:
    return [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-input",
        "--no-compile",  # .pyc of the local interpreter would be dead weight on 3.12
        "--target",
        str(target),
        "--platform",
        PLATFORM,
        "--implementation",
        IMPLEMENTATION,
        "--python-version",
        PYTHON_VERSION,
        "--only-binary=:all:",
        *requirements,
    ]


def _shared_files() -> list[Path]:
    return sorted(
        path
        for path in SHARED.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    )


def layer_hash() -> str:
    """Changes when a pin, the target platform or any file of shared/ changes."""
    digest = hashlib.sha256()
    for part in (PLATFORM, IMPLEMENTATION, PYTHON_VERSION, *runtime_dependencies()):
        digest.update(part.encode() + b"\0")
    for path in _shared_files():
        digest.update(path.relative_to(SHARED).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def build_layer(output_dir: Path) -> None:
    """Install the dependencies and copy shared/ into ``output_dir/python``."""
    target = output_dir / "python"
    target.mkdir(parents=True, exist_ok=True)
    command = pip_install_command(target, runtime_dependencies())
    try:
        subprocess.run(command, check=True)  # noqa: S603 - fixed argv, our own pinned requirements
    except subprocess.CalledProcessError as exc:
        raise LayerBuildError(
            f"pip could not build the layer (exit {exc.returncode}): {' '.join(command)}"
        ) from exc
    shutil.copytree(SHARED, target / "shared", ignore=SKIPPED)


@jsii.implements(cdk.ILocalBundling)
class LocalLayerBundler:
    """CDK asks this first and only falls back to Docker when it returns False."""

    def try_bundle(self, output_dir: str, *, image: cdk.DockerImage, **options: Any) -> bool:
        # image/options describe the Docker build this replaces; pip needs none of them.
        build_layer(Path(output_dir))
        return True


def layer_code() -> cdk.aws_lambda.Code:
    """The layer's code asset: bundled locally at synth (skipped with ``aws:cdk:bundling-stacks``
    = [] in tests), keyed by ``layer_hash()`` so an unchanged layer is not rebuilt."""
    return cdk.aws_lambda.Code.from_asset(
        str(SHARED),
        asset_hash_type=cdk.AssetHashType.CUSTOM,
        asset_hash=layer_hash(),
        bundling=cdk.BundlingOptions(
            image=cdk.DockerImage.from_registry(BUILD_IMAGE),
            local=LocalLayerBundler(),
        ),
    )


def main(argv: Sequence[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m infra.bundling OUTPUT_DIR", file=sys.stderr)
        return 2
    output = Path(argv[0])
    if output.exists() and any(output.iterdir()):
        print(f"{output} is not empty", file=sys.stderr)
        return 2
    build_layer(output)
    print(f"layer built in {output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
