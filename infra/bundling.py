"""The Lambda layer, bundled locally with pip (no Docker): the runtime dependencies from
pyproject.toml, as manylinux wheels for the python3.12 arm64 runtime, plus ``shared/``."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import jsii

from infra.paths import PYPROJECT, SHARED

PLATFORM = "manylinux2014_aarch64"
PYTHON_VERSION = "3.12"


def runtime_dependencies() -> list[str]:
    with PYPROJECT.open("rb") as f:
        return list(tomllib.load(f)["project"]["dependencies"])


def layer_hash() -> str:
    """Changes when a dependency pin or any file of shared/ changes."""
    digest = hashlib.sha256("\n".join(runtime_dependencies()).encode())
    for path in sorted(SHARED.rglob("*.py")):
        digest.update(str(path.relative_to(SHARED)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def build_layer(output_dir: Path) -> None:
    target = output_dir / "python"
    target.mkdir(parents=True, exist_ok=True)
    subprocess.run(  # noqa: S603 - fixed argv, our own pinned requirements
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--target",
            str(target),
            "--platform",
            PLATFORM,
            "--implementation",
            "cp",
            "--python-version",
            PYTHON_VERSION,
            "--only-binary=:all:",
            *runtime_dependencies(),
        ],
        check=True,
    )
    shutil.copytree(SHARED, target / "shared", ignore=shutil.ignore_patterns("__pycache__"))


@jsii.implements(cdk.ILocalBundling)
class LocalLayerBundler:
    """CDK calls this before it would fall back to Docker; returning True means done."""

    def try_bundle(self, output_dir: str, options: Any) -> bool:
        build_layer(Path(output_dir))
        return True


def layer_code() -> cdk.aws_lambda.Code:
    return cdk.aws_lambda.Code.from_asset(
        str(SHARED),
        asset_hash_type=cdk.AssetHashType.CUSTOM,
        asset_hash=layer_hash(),
        bundling=cdk.BundlingOptions(
            # Never pulled: local bundling succeeds first.
            image=cdk.DockerImage.from_registry("public.ecr.aws/sam/build-python3.12"),
            local=LocalLayerBundler(),  # type: ignore[arg-type]  # jsii passes options positionally
        ),
    )
