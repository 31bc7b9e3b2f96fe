"""The layer bundler's inputs, without running pip (see test_layer_bundling.py for that)."""

import tomllib

import pytest

from infra import bundling
from infra.paths import PYPROJECT

pytestmark = pytest.mark.infra


def test_runtime_dependencies_are_the_pyproject_project_dependencies():
    with PYPROJECT.open("rb") as f:
        project = tomllib.load(f)["project"]
    deps = bundling.runtime_dependencies()
    assert deps == project["dependencies"]
    names = {d.split("==")[0].lower() for d in deps}
    assert {"pydantic", "aws-lambda-powertools"} <= names
    assert not names & {"aws-cdk-lib", "cdk-nag", "pytest", "moto"}  # extras stay out


def test_pip_installs_manylinux_arm64_cp312_wheels_only(tmp_path):
    command = bundling.pip_install_command(tmp_path / "python", ["pydantic==2.14.3"])
    assert command[1:4] == ["-m", "pip", "install"]
    joined = " ".join(command)
    for flag in (
        f"--target {tmp_path / 'python'}",
        "--platform manylinux2014_aarch64",
        "--implementation cp",
        "--python-version 3.12",
        "--only-binary=:all:",
    ):
        assert flag in joined
    assert command[-1] == "pydantic==2.14.3"


def test_layer_hash_follows_shared_sources_but_not_bytecode(tmp_path, monkeypatch):
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "__init__.py").write_text("")
    monkeypatch.setattr(bundling, "SHARED", shared)
    first = bundling.layer_hash()

    (shared / "__pycache__").mkdir()
    (shared / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"\0")
    assert bundling.layer_hash() == first

    (shared / "__init__.py").write_text("VERSION = 2\n")
    assert bundling.layer_hash() != first


def test_cli_refuses_a_non_empty_output_dir(tmp_path, capsys):
    (tmp_path / "keep.txt").write_text("x")
    assert bundling.main([str(tmp_path)]) == 2
    assert "not empty" in capsys.readouterr().err
