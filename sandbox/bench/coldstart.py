"""Cold start: each handler's import and init in a fresh process, side by side with the
floor of importing what it must.

The floor of a handler is a fresh process that imports boto3 and creates one client,
imports pydantic and httpx, and imports the powertools utilities the handler uses (Logger
and Metrics for all; the handler module's own ``aws_lambda_powertools`` imports; the
parameters utility every runtime reads its connection secret with; idempotency where the
topology says the function keeps idempotency records, ``FunctionSpec.uses_idempotency``).
The handler's process imports its module and builds the runtime (``get_runtime()``:
settings from the environment and the clients every invocation uses; SQS and HTTP clients
are built on first use), as the first invocation would. Each is run ``repeats`` times
alternately; medians are compared.

Two conditions: with bytecode (a pycache warmed by a first run, what a layer compiled
for the runtime gives) — the target; and without (no pycache, nothing written: what a
layer built ``--no-compile`` costs every cold start).
"""

from __future__ import annotations

import ast
import json
import os
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from shared.topology import FUNCTIONS, IDEMPOTENCY_TABLE, QUEUES, STATE_TABLE, function

ROOT = Path(__file__).resolve().parents[2]
BASE_FLOOR = (
    "import boto3",
    "boto3.client('sqs')",
    "import pydantic",
    "import httpx",
    "from aws_lambda_powertools import Logger, Metrics",
    "from aws_lambda_powertools.utilities.parameters import SecretsProvider",
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
    handler_uncompiled: Sample

    @property
    def time_ratio(self) -> float:
        return self.handler.ms / self.floor.ms

    @property
    def rss_ratio(self) -> float:
        return self.handler.rss_kb / self.floor.rss_kb

    @property
    def uncompiled_ratio(self) -> float:
        return self.handler_uncompiled.ms / self.floor.ms


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


def handler_body(name: str) -> str:
    return HANDLER.format(path=str(handler_path(name)))


def environment(pycache: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env.update(
        {
            "PYTHONPATH": str(ROOT),
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "POWERTOOLS_TRACE_DISABLED": "true",
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


def probe(body: str, pycache: str | None) -> Sample:
    code = PROBE.format(body=body)
    answer = subprocess.run(  # noqa: S603 — our own interpreter and code
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=environment(pycache),
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


def measure(name: str, repeats: int) -> ColdStart:
    with tempfile.TemporaryDirectory(prefix="coldstart-") as pycache:
        floor_code, handler_code = floor_body(name), handler_body(name)
        probe(floor_code, pycache)  # warm the bytecode cache
        probe(handler_code, pycache)
        floors, handlers, uncompiled = [], [], []
        for _ in range(repeats):
            floors.append(probe(floor_code, pycache))
            handlers.append(probe(handler_code, pycache))
            uncompiled.append(probe(handler_code, None))
    return ColdStart(name, median(floors), median(handlers), median(uncompiled))


def measure_all(repeats: int) -> list[ColdStart]:
    return [measure(spec.name, repeats) for spec in FUNCTIONS]
