"""Cold start: each handler's import and init in a fresh process, side by side with the
floor of importing what it must.

The floor of a handler is a fresh process that imports boto3 and creates one client,
imports pydantic and httpx, and imports the powertools utilities the handler uses (Logger
and Metrics for all; the handler module's own ``aws_lambda_powertools`` imports; the
parameters utility every runtime reads its connection secret with; idempotency where the
topology says the function keeps idempotency records, ``FunctionSpec.uses_idempotency``).
The handler's process imports its module and builds the runtime (``get_runtime()``: settings
from the environment and the clients every invocation uses; SQS and HTTP clients are built
on first use), as the first invocation would, in the environment the functions are deployed
with (``LAMBDA_TASK_ROOT`` set as Lambda sets it: the garbage collector rests until the
runtime exists, shared/startup.py; X-Ray off, its default), on botocore as the layer lays it
out (infra/bundling.py ``lay_out_botocore_data``, applied once per bench run to a copy of
this environment's botocore, put first on the path: :func:`layer_botocore`): its data holds
only the folders of the services the functions build clients of (botocore lists and checks
every folder there, twice per cold start), and it reads those services' models without
documentation and its endpoint data with only those services (``AWS_DATA_PATH``). The floor
runs stock boto3. Each is run ``repeats`` times alternately; medians are compared.

For reading the ratio, a third process is measured beside them (not a target, not the
floor), in the handler's environment: the floor plus what every handler cannot do without,
whatever its own code — a pydantic model (the floor's ``import pydantic`` loads none of the
schema machinery) and the DynamoDB and Secrets Manager clients ``get_runtime()`` builds.
What the handler costs above *that* is its own code's share.

Both run with bytecode (a pycache warmed by a first run), as the functions run: the
issue's requirement that the layer ship bytecode compiled for the runtime is checked on
the real artefact instead (:func:`layer_bytecode`): the layer as ``cdk synth`` bundles it
and each function's code as it is staged, and the share of their ``.py`` modules that
have the runtime's bytecode beside them.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from shared.startup import LAMBDA_ENV
from shared.topology import (
    FUNCTIONS,
    IDEMPOTENCY_TABLE,
    INTERPRETER_ENV,
    QUEUES,
    STATE_TABLE,
    function,
)

ROOT = Path(__file__).resolve().parents[2]
BASE_FLOOR = (
    "import boto3",
    "boto3.client('sqs')",
    "import pydantic",
    "import httpx",
    "from aws_lambda_powertools import Logger, Metrics",
    "from aws_lambda_powertools.utilities.parameters import SecretsProvider",
)
# What every handler uses beyond the floor, whatever its own code (read beside the ratio only)
IN_USE = (
    "from pydantic import BaseModel",
    "class _Probe(BaseModel):\n    x: int",
    "boto3.client('dynamodb')",
    "boto3.client('secretsmanager')",
)

# Peak RSS is the process's VmHWM (ru_maxrss would carry the parent's peak across exec).
PROBE = """
import time, json
t0 = time.perf_counter()
{body}
t1 = time.perf_counter()
with open("/proc/self/status") as status:
    hwm = [int(line.split()[1]) for line in status if line.startswith("VmHWM:")][0]
print(json.dumps({{"ms": (t1 - t0) * 1000, "rss_kb": hwm}}))
"""

HANDLER = """
import importlib.util
spec = importlib.util.spec_from_file_location("handler", {path!r})
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
from shared.runtime import get_runtime
get_runtime()
"""


@dataclass(frozen=True)
class Sample:
    ms: float
    rss_kb: int


@dataclass(frozen=True)
class ColdStart:
    function: str
    floor: Sample
    handler: Sample
    in_use: Sample  # the floor with IN_USE: a reference, not the target's floor

    @property
    def time_ratio(self) -> float:
        return self.handler.ms / self.floor.ms

    @property
    def rss_ratio(self) -> float:
        return self.handler.rss_kb / self.floor.rss_kb


@dataclass(frozen=True)
class LayerBytecode:
    """How many of the shipped ``.py`` modules (the layer's and the functions' own) have
    bytecode of the runtime's Python beside them; ``problem`` says why nothing was built."""

    compiled: int
    modules: int
    problem: str = ""

    @property
    def share(self) -> float:
        return self.compiled / self.modules if self.modules else 0.0

    @property
    def note(self) -> str:
        if self.problem:
            return f"not measured: {self.problem}"
        return (
            "share of .py with the runtime's bytecode "
            f"({self.compiled}/{self.modules}, layer + {len(FUNCTIONS)} functions)"
        )


def handler_path(name: str) -> Path:
    return ROOT / "functions" / name / "handler.py"


def floor_body(name: str) -> str:
    lines = list(BASE_FLOOR)
    tree = ast.parse(handler_path(name).read_text())
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
            "aws_lambda_powertools"
        ):
            lines.append(ast.unparse(node))
    if function(name).uses_idempotency:
        lines.append("from aws_lambda_powertools.utilities.idempotency import idempotent_function")
    return "\n".join(lines)


def in_use_body(name: str) -> str:
    return "\n".join([floor_body(name), *IN_USE])


def handler_body(name: str) -> str:
    return HANDLER.format(path=str(handler_path(name)))


@dataclass(frozen=True)
class LayerBotocore:
    """botocore as the layer ships it (:func:`layer_botocore`): ``path`` holds the package,
    first on the handler's ``PYTHONPATH``; ``service_models`` is the functions'
    ``AWS_DATA_PATH``."""

    path: str
    service_models: str


def environment(pycache: str | None, layer: LayerBotocore | None = None) -> dict[str, str]:
    """The probes' environment; ``layer``: botocore as the layer ships it, its service
    models as the functions' ``AWS_DATA_PATH`` and the rest of the environment the
    functions' interpreter is deployed with (``INTERPRETER_ENV``), else this environment's
    botocore with its own data only and a stock interpreter (the floor)."""
    deployed_only = {"AWS_DATA_PATH", *INTERPRETER_ENV}
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("PYTHON") and k not in deployed_only
    }
    path = [str(ROOT)]
    if layer is not None:
        path.insert(0, layer.path)
        env["AWS_DATA_PATH"] = layer.service_models
        env.update(INTERPRETER_ENV)  # the rest of the deployed functions' environment
    env.update(
        {
            "PYTHONPATH": os.pathsep.join(path),
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "POWERTOOLS_TRACE_DISABLED": "true",
            LAMBDA_ENV: str(ROOT),  # as in a Lambda container (shared/startup.py)
            "POWERTOOLS_SERVICE_NAME": "ledgerlink",
            "POWERTOOLS_METRICS_NAMESPACE": "ledgerlink",
            STATE_TABLE.env_var: STATE_TABLE.name,
            IDEMPOTENCY_TABLE.env_var: IDEMPOTENCY_TABLE.name,
        }
    )
    for spec in QUEUES:
        env[spec.env_var] = f"https://sqs.us-east-1.amazonaws.com/123456789012/{spec.name}"
        env[spec.dlq_env_var] = f"https://sqs.us-east-1.amazonaws.com/123456789012/{spec.dlq_name}"
    if pycache is None:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env["PYTHONPYCACHEPREFIX"] = tempfile.mkdtemp(prefix="coldstart-none-")
    else:
        env["PYTHONPYCACHEPREFIX"] = pycache
    return env


def probe(body: str, pycache: str | None, layer: LayerBotocore | None = None) -> Sample:
    code = PROBE.format(body=body)
    answer = subprocess.run(  # noqa: S603 — our own interpreter and code
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=environment(pycache, layer),
        cwd=ROOT,
        check=True,
    )
    data = json.loads(answer.stdout.strip().splitlines()[-1])
    return Sample(ms=float(data["ms"]), rss_kb=int(data["rss_kb"]))


def median(samples: list[Sample]) -> Sample:
    return Sample(
        ms=statistics.median(s.ms for s in samples),
        rss_kb=int(statistics.median(s.rss_kb for s in samples)),
    )


def measure(name: str, repeats: int, layer: LayerBotocore | None = None) -> ColdStart:
    """``layer``: botocore as the functions are deployed with it, given to the handler's
    process and the in-use reference; the floor is stock boto3."""
    with tempfile.TemporaryDirectory(prefix="coldstart-") as pycache:
        floor_code, handler_code, in_use_code = (
            floor_body(name),
            handler_body(name),
            in_use_body(name),
        )
        probe(floor_code, pycache)  # warm the bytecode cache
        probe(handler_code, pycache, layer)
        probe(in_use_code, pycache, layer)
        floors, handlers, in_use = [], [], []
        for _ in range(repeats):
            floors.append(probe(floor_code, pycache))
            handlers.append(probe(handler_code, pycache, layer))
            in_use.append(probe(in_use_code, pycache, layer))
    return ColdStart(name, median(floors), median(handlers), median(in_use))


def layer_botocore(layer: Path) -> LayerBotocore:
    """This environment's botocore package (the lock's version) copied into ``layer`` as the
    layer holds it (``python/botocore``) and its data laid out by the code that builds the
    layer (infra/bundling.py ``lay_out_botocore_data``: the clients' service models without
    documentation beside it, its own data pruned to those services)."""
    import botocore

    # imported here: infra/ loads the CDK, which the timed probes never need
    from infra.bundling import SERVICE_MODELS_DIR, lay_out_botocore_data

    packages = layer / "python"
    shutil.copytree(
        Path(botocore.__file__).parent,
        packages / "botocore",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
    )
    lay_out_botocore_data(layer)
    return LayerBotocore(path=str(packages), service_models=str(layer / SERVICE_MODELS_DIR))


def measure_all(repeats: int) -> list[ColdStart]:
    with tempfile.TemporaryDirectory(prefix="coldstart-layer-") as work:
        layer = layer_botocore(Path(work))
        return [measure(spec.name, repeats, layer) for spec in FUNCTIONS]


def layer_bytecode() -> LayerBytecode:
    """Build the layer the way ``cdk synth`` bundles it (infra/bundling.py: pip-installs the
    locked wheels, copies shared/, compiles with the runtime's Python) and stage each
    function's code the same way, then count the modules with the runtime's bytecode."""
    # imported here: infra/ loads the CDK, which the timed probes above never need
    from infra.bundling import LayerBuildError, build_layer, bundle_function, bytecode_share

    with tempfile.TemporaryDirectory(prefix="coldstart-bundles-") as work:
        layer = Path(work) / "layer"
        try:
            build_layer(layer)
        except LayerBuildError as exc:
            return LayerBytecode(0, 0, str(exc))
        compiled, modules = bytecode_share(layer)
        for spec in FUNCTIONS:
            code = Path(work) / "functions" / spec.name
            bundle_function(handler_path(spec.name).parent, code)
            done, found = bytecode_share(code)
            compiled, modules = compiled + done, modules + found
    return LayerBytecode(compiled, modules)
