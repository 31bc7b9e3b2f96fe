"""Really bundles the layer the way `cdk synth` does: CDK calls the local bundler through jsii,
which pip-installs the arm64 wheels and copies shared/ (tens of seconds on a cold pip cache)."""

import importlib.metadata
import os
import urllib.error
import urllib.request

import aws_cdk as cdk
import pytest
from packaging.requirements import Requirement

from infra.bundling import PYTHON_VERSION, canonical, locked_requirements, runtime_interpreter
from infra.constructs.layer import shared_layer

pytestmark = pytest.mark.infra

ELF_MACHINE_AARCH64 = 183


def _index_reachable() -> bool:
    index = os.environ.get("PIP_INDEX_URL", "https://pypi.org/simple").rstrip("/")
    try:
        with urllib.request.urlopen(f"{index}/pip/", timeout=10):  # noqa: S310 - our index URL
            return True
    except (urllib.error.URLError, OSError):
        return False


def _elf_machine(path):
    header = path.read_bytes()[:20]
    return int.from_bytes(header[18:20], "little")


def test_local_bundler_builds_the_layer_for_arm64(tmp_path):
    if not _index_reachable():
        pytest.skip("the package index is unreachable: cannot pip-install the layer")
    outdir = tmp_path / "cdk.out"
    app = cdk.App(outdir=str(outdir))  # no bundling-stacks context: bundling runs
    shared_layer(cdk.Stack(app, "LayerProbe"), "Layer")
    app.synth()

    [asset] = [p for p in outdir.glob("asset.*") if p.is_dir()]
    python = asset / "python"
    assert (python / "shared" / "__init__.py").is_file()
    assert (python / "shared" / "topology.py").is_file()
    assert (python / "pydantic").is_dir()
    assert (python / "aws_lambda_powertools").is_dir()
    # the clients' service models without documentation, beside python/ (AWS_DATA_PATH)
    model = asset / "botocore-models" / "dynamodb" / "2012-08-10" / "service-2.json"
    assert model.is_file()
    assert '"documentation"' not in model.read_text()
    # bytecode of the runtime's Python only (none of the local interpreter's)
    compiled = {p.name.split(".")[-2] for p in python.rglob("*.pyc")}
    if runtime_interpreter() is not None:
        assert compiled == {"cpython-312"}
        assert (python / "shared" / "__pycache__" / "topology.cpython-312.pyc").is_file()
    else:
        assert compiled == set()
    extensions = list(python.rglob("*.so"))
    assert extensions, "expected compiled wheels (pydantic-core, cryptography)"
    assert {_elf_machine(so) for so in extensions} == {ELF_MACHINE_AARCH64}
    # exactly the lock's packages, and their dependencies are all among them (installed with
    # --no-deps, a package missing from the lock would be missing from the layer)
    installed = {
        canonical(d.metadata["Name"]): d
        for d in importlib.metadata.distributions(path=[str(python)])
    }
    locked = {line.split("==")[0]: line.split("==")[1] for line in locked_requirements()}
    assert {name: d.version for name, d in installed.items()} == locked
    lambda_env = {
        "python_version": PYTHON_VERSION,
        "platform_machine": "aarch64",
        "sys_platform": "linux",
        "platform_system": "Linux",
        "extra": "",
    }
    for name, dist in installed.items():
        for spec in dist.requires or []:
            requirement = Requirement(spec)
            if requirement.marker is None or requirement.marker.evaluate(lambda_env):
                assert canonical(requirement.name) in installed, (name, spec)
