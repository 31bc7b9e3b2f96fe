"""The cold-start bench runs each handler on botocore as the layer ships it: the package
first on the path, its data pruned to the functions' services by the layer's own code, and
the layer's service models as ``AWS_DATA_PATH``; the floor keeps stock boto3."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from infra.bundling import SERVICE_MODELS
from sandbox.bench.coldstart import ROOT, LayerBotocore, environment, layer_botocore

SERVICES = """
import json, botocore, botocore.session
session = botocore.session.get_session()
print(json.dumps({"file": botocore.__file__, "services": session.get_available_services()}))
"""


@pytest.fixture(scope="module")
def layer(tmp_path_factory: pytest.TempPathFactory) -> LayerBotocore:
    return layer_botocore(tmp_path_factory.mktemp("layer"))


def botocore_seen(env: dict[str, str]) -> dict[str, object]:
    answer = subprocess.run(  # noqa: S603 — this interpreter, our own code
        [sys.executable, "-c", SERVICES], capture_output=True, text=True, env=env, cwd=ROOT
    )
    assert answer.returncode == 0, answer.stderr
    seen: dict[str, object] = json.loads(answer.stdout.strip().splitlines()[-1])
    return seen


def test_the_handlers_probe_runs_the_layers_botocore_listing_only_its_services(
    layer: LayerBotocore, tmp_path: Path
) -> None:
    # Given the handler's probe environment, on the bench's copy of the layer's botocore
    env = environment(str(tmp_path / "pycache"), layer)
    # When a fresh process there imports botocore and lists the services it has data for
    seen = botocore_seen(env)
    # Then it is the layer's copy, and it lists the functions' services only
    assert str(seen["file"]).startswith(layer.path)
    assert seen["services"] == sorted(SERVICE_MODELS)
    # And the functions' AWS_DATA_PATH is the layer's service models
    assert env["AWS_DATA_PATH"] == layer.service_models
    assert sorted(p.name for p in Path(layer.service_models).iterdir()) == sorted(
        [*SERVICE_MODELS, "endpoints.json"]
    )


def test_the_floor_runs_stock_botocore_with_all_its_services(tmp_path: Path) -> None:
    # Given the floor's probe environment
    env = environment(str(tmp_path / "pycache"))
    # When a fresh process there lists the services botocore has data for
    seen = botocore_seen(env)
    # Then it is this environment's botocore, with far more than the functions' services
    assert not str(seen["file"]).startswith(str(tmp_path))
    services = seen["services"]
    assert isinstance(services, list)
    assert set(SERVICE_MODELS) < set(services)
    assert len(services) > 100
