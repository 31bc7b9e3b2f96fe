"""The layer bundler's inputs, without running pip (see test_layer_bundling.py for that)."""

import ast
import gzip
import json
import re
import tomllib

import pytest

from infra import bundling
from infra.paths import FUNCTIONS, PYPROJECT, SHARED

pytestmark = pytest.mark.infra


def test_runtime_dependencies_are_the_pyproject_project_dependencies():
    with PYPROJECT.open("rb") as f:
        project = tomllib.load(f)["project"]
    deps = bundling.runtime_dependencies()
    assert deps == project["dependencies"]
    names = {d.split("==")[0].lower() for d in deps}
    assert {"pydantic", "aws-lambda-powertools"} <= names
    assert not names & {"aws-cdk-lib", "cdk-nag", "pytest", "moto"}  # extras stay out


def test_lock_pins_every_runtime_dependency_at_its_pyproject_version():
    locked = dict(line.split("==") for line in bundling.locked_requirements())
    for requirement in bundling.runtime_dependencies():
        name, version = requirement.split("==")
        assert locked.get(bundling.canonical(name)) == version, requirement


def test_lock_pins_exact_versions_only_and_more_than_the_direct_dependencies():
    lines = bundling.locked_requirements()
    assert all(re.fullmatch(r"[a-z0-9-]+==[A-Za-z0-9.+!_-]+", line) for line in lines)
    names = {line.split("==")[0] for line in lines}
    # the transitive packages are pinned too (botocore under boto3, pydantic-core under pydantic)
    assert {"botocore", "pydantic-core", "typing-extensions", "anyio"} <= names
    assert len(names) == len(lines)  # one pin per package


def test_a_lock_line_that_is_not_an_exact_pin_is_refused(tmp_path):
    lock = tmp_path / "requirements-layer.lock"
    lock.write_text("# comment\nboto3==1.0\nbotocore>=1.0\n")
    with pytest.raises(bundling.LockFileError, match=":3: not name==version"):
        bundling.locked_requirements(lock)


def test_lock_text_lists_what_pip_would_install_sorted_and_canonical():
    report = {
        "install": [
            {"metadata": {"name": "Typing_Extensions", "version": "4.1"}},
            {"metadata": {"name": "PyJWT", "version": "2.0"}},
        ]
    }
    text = bundling.lock_text(report)
    assert text.startswith("#")
    assert [line for line in text.splitlines() if not line.startswith("#")] == [
        "pyjwt==2.0",
        "typing-extensions==4.1",
    ]


def test_layer_is_installed_from_the_lock_without_resolving(tmp_path):
    command = bundling.pip_install_command(tmp_path, bundling.locked_requirements())
    assert "--no-deps" in command
    assert command[-len(bundling.locked_requirements()) :] == bundling.locked_requirements()


def test_layer_hash_follows_the_lock(tmp_path, monkeypatch):
    lock = tmp_path / "requirements-layer.lock"
    lock.write_text("boto3==1.0\n")
    monkeypatch.setattr(bundling, "LAYER_LOCK", lock)
    first = bundling.layer_hash()
    lock.write_text("boto3==1.0\nbotocore==1.1\n")
    assert bundling.layer_hash() != first


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


def test_bytecode_share_counts_modules_with_the_runtimes_bytecode_beside_them(tmp_path):
    # Given a bundle of three modules: one compiled for the runtime, one for another Python
    for name in ("a", "b", "c"):
        (tmp_path / "pkg").mkdir(exist_ok=True)
        (tmp_path / "pkg" / f"{name}.py").write_text("X = 1\n")
    cache = tmp_path / "pkg" / "__pycache__"
    cache.mkdir()
    (cache / "a.cpython-312.pyc").write_bytes(b"\0")
    (cache / "b.cpython-311.pyc").write_bytes(b"\0")
    # When the share is counted
    # Then only the runtime's bytecode counts, out of every module
    assert bundling.bytecode_share(tmp_path) == (1, 3)


def test_a_bundled_function_ships_the_runtimes_bytecode_and_no_local_cache(tmp_path):
    # Given a function folder with a local interpreter's cache in it
    source = tmp_path / "src"
    (source / "__pycache__").mkdir(parents=True)
    (source / "handler.py").write_text("def handler(event, context):\n    return None\n")
    (source / "__pycache__" / "handler.cpython-311.pyc").write_bytes(b"\0")
    # When it is bundled
    out = tmp_path / "out"
    bundling.bundle_function(source, out)
    # Then the local cache is gone, and every module has the runtime's bytecode if it is here
    assert not (out / "__pycache__" / "handler.cpython-311.pyc").exists()
    compiled = 1 if bundling.runtime_interpreter() is not None else 0
    assert bundling.bytecode_share(out) == (compiled, 1)


def test_service_models_are_written_without_documentation_but_with_every_name(tmp_path):
    # Given a botocore data folder with a DynamoDB model full of prose, where a member happens
    # to be called "documentation"
    model = {
        "metadata": {"apiVersion": "2012-08-10", "serviceId": "DynamoDB"},
        "documentation": "<p>Amazon DynamoDB</p>",
        "operations": {
            "GetItem": {"name": "GetItem", "input": {"shape": "In"}, "documentation": "<p>x</p>"}
        },
        "shapes": {
            "In": {
                "type": "structure",
                "members": {
                    "documentation": {"shape": "S", "documentation": "<p>a field</p>"},
                    "Key": {"shape": "S", "documentationUrl": "https://example.com"},
                },
                "documentation": "<p>input</p>",
            },
            "S": {"type": "string", "enum": ["a", "b"]},
        },
    }
    source = tmp_path / "data" / "dynamodb" / "2012-08-10" / "service-2.json.gz"
    source.parent.mkdir(parents=True)
    source.write_bytes(gzip.compress(json.dumps(model).encode()))
    # When the layer's service models are written from it
    written = bundling.write_service_models(tmp_path / "data", tmp_path / "models")
    # Then the model is there, uncompressed, with every prose field gone and every name kept
    assert written == [tmp_path / "models" / "dynamodb" / "2012-08-10" / "service-2.json"]
    assert json.loads(written[0].read_text()) == {
        "metadata": {"apiVersion": "2012-08-10", "serviceId": "DynamoDB"},
        "operations": {"GetItem": {"name": "GetItem", "input": {"shape": "In"}}},
        "shapes": {
            "In": {
                "type": "structure",
                "members": {"documentation": {"shape": "S"}, "Key": {"shape": "S"}},
            },
            "S": {"type": "string", "enum": ["a", "b"]},
        },
    }


def test_no_service_model_found_is_a_build_error(tmp_path):
    # Given a botocore data folder without the clients' models / Then the build stops
    with pytest.raises(bundling.LayerBuildError, match="no service model"):
        bundling.write_service_models(tmp_path, tmp_path / "models")


@pytest.mark.parametrize("packed", [False, True])
def test_endpoint_data_is_written_with_only_the_clients_services(tmp_path, packed):
    # Given a botocore data folder with a model and endpoint data for more services than the
    # functions' clients, plain or gzipped as botocore ships it
    source = tmp_path / "data" / "sqs" / "2012-11-05" / "service-2.json.gz"
    source.parent.mkdir(parents=True)
    source.write_bytes(gzip.compress(b'{"metadata": {"apiVersion": "2012-11-05"}}'))
    partition = {
        "partition": "aws",
        "regions": {"us-east-1": {"description": "US East (N. Virginia)"}},
        "defaults": {"hostname": "{service}.{region}.{dnsSuffix}"},
        "services": {
            "sqs": {"endpoints": {"us-east-1": {}}},
            "dynamodb": {"endpoints": {"us-east-1": {}, "local": {"hostname": "localhost"}}},
            "s3": {"endpoints": {"us-east-1": {}}},
            "ec2": {"endpoints": {"us-east-1": {}}},
        },
    }
    endpoints = {"version": 3, "partitions": [partition, {**partition, "partition": "aws-cn"}]}
    body = json.dumps(endpoints).encode()
    if packed:
        (tmp_path / "data" / "endpoints.json.gz").write_bytes(gzip.compress(body))
    else:
        (tmp_path / "data" / "endpoints.json").write_bytes(body)
    # When the layer's service models are written from it
    written = bundling.write_service_models(tmp_path / "data", tmp_path / "models")
    # Then the endpoint data is there, plain JSON, every partition whole but for the services
    # no client of the functions uses
    assert tmp_path / "models" / "endpoints.json" in written
    trimmed = json.loads((tmp_path / "models" / "endpoints.json").read_text())
    assert trimmed["version"] == 3
    assert [p["partition"] for p in trimmed["partitions"]] == ["aws", "aws-cn"]
    for kept in trimmed["partitions"]:
        assert kept["regions"] == partition["regions"]
        assert kept["defaults"] == partition["defaults"]
        assert kept["services"] == {
            "sqs": partition["services"]["sqs"],
            "dynamodb": partition["services"]["dynamodb"],
        }


def test_the_layers_botocore_keeps_the_data_of_the_clients_services_only(tmp_path):
    # Given a botocore data folder with more services than the functions build clients of
    data = tmp_path / "data"
    for service in ("dynamodb", "ec2", "s3", "secretsmanager", "sqs"):
        (data / service / "2020-01-01").mkdir(parents=True)
        (data / service / "2020-01-01" / "service-2.json.gz").write_bytes(b"")
    (data / "endpoints.json").write_text("{}")
    (data / "partitions.json").write_text("{}")
    # When the layer's botocore data is pruned
    removed = bundling.prune_service_data(data)
    # Then only the clients' service folders are left, and the files beside them
    assert removed == ["ec2", "s3"]
    assert sorted(p.name for p in data.iterdir()) == [
        "dynamodb",
        "endpoints.json",
        "partitions.json",
        "secretsmanager",
        "sqs",
    ]
    assert (data / "sqs" / "2020-01-01" / "service-2.json.gz").is_file()


def _client_services(path):
    """The service names of the ``<x>.client("<service>")`` calls in a module."""
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in {"client", "resource"}
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node.args[0].value


def test_the_functions_build_clients_only_of_the_services_the_layer_keeps():
    # Given every module the functions run (shared/ and the handlers)
    modules = [*SHARED.rglob("*.py"), *FUNCTIONS.rglob("*.py")]
    # When the AWS clients they build are read from their code
    services = {name for path in modules for name in _client_services(path)}
    # Then each is one whose data the layer keeps (its other services' data is removed)
    assert services
    assert services <= set(bundling.SERVICE_MODELS)
