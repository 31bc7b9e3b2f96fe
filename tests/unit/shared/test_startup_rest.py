"""The cold start's rest for the garbage collector (shared/startup.py): in a Lambda container
the collector is off from the first import of ``shared`` until the runtime exists, then what
the start built is frozen and the collector runs again; anywhere else nothing changes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sandbox.bench.coldstart import environment
from shared.startup import LAMBDA_ENV

ROOT = Path(__file__).resolve().parents[3]
START = """
import gc, importlib.util, json
spec = importlib.util.spec_from_file_location("handler", {path!r})
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
imported = {{"enabled": gc.isenabled(), "frozen": gc.get_freeze_count()}}
{first_call}
print(json.dumps({{"imported": imported,
                  "started": {{"enabled": gc.isenabled(), "frozen": gc.get_freeze_count()}}}}))
"""
RUNTIME = "from shared.runtime import get_runtime\nget_runtime()"
# A request no route takes: it never builds the runtime
UNROUTED = """
class Context:
    function_name, memory_limit_in_mb, aws_request_id = "webhook_ingest", 512, "r-1"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:webhook_ingest"
    def get_remaining_time_in_millis(self):
        return 10_000
event = {"httpMethod": "GET", "path": "/nowhere", "resource": "/nowhere", "headers": {},
         "requestContext": {"requestId": "r-1", "stage": "prod"}, "body": None}
answered = module.handler(event, Context())
assert answered["statusCode"] == 404, answered
"""


def start(function: str, first_call: str, *, in_lambda: bool, tmp_path: Path) -> dict[str, dict]:
    env = environment(str(tmp_path))
    if not in_lambda:
        env.pop(LAMBDA_ENV, None)
    code = START.format(
        path=str(ROOT / "functions" / function / "handler.py"), first_call=first_call
    )
    answer = subprocess.run(  # noqa: S603 — this interpreter, our own code
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT
    )
    assert answer.returncode == 0, answer.stderr
    result: dict[str, dict] = json.loads(answer.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.parametrize("function", ["sync_records", "poll_changes", "refresh_lists"])
def test_in_lambda_the_collector_rests_until_the_runtime_exists(function, tmp_path):
    # When a function starts in a Lambda container
    seen = start(function, RUNTIME, in_lambda=True, tmp_path=tmp_path)
    # Then its imports ran without the collector, and nothing was frozen yet
    assert seen["imported"] == {"enabled": False, "frozen": 0}
    # And once its runtime exists, what the start built is frozen and the collector is back
    assert seen["started"]["enabled"] is True
    assert seen["started"]["frozen"] > 10_000


def test_elsewhere_the_collector_never_rests(tmp_path):
    # When the same function is imported outside Lambda (tests, the sandbox)
    seen = start("sync_records", RUNTIME, in_lambda=False, tmp_path=tmp_path)
    # Then the collector ran all along and nothing is frozen
    assert seen["imported"] == {"enabled": True, "frozen": 0}
    assert seen["started"] == {"enabled": True, "frozen": 0}


def test_a_request_no_route_takes_still_ends_the_rest(tmp_path):
    # When the webhook function's first request is one no route takes (no runtime is built)
    seen = start("webhook_ingest", UNROUTED, in_lambda=True, tmp_path=tmp_path)
    # Then the start is over all the same: frozen, and the collector back
    assert seen["imported"]["enabled"] is False
    assert seen["started"]["enabled"] is True
    assert seen["started"]["frozen"] > 0


def test_this_process_collects():
    # The test process itself (no Lambda environment) keeps its collector
    assert LAMBDA_ENV not in os.environ
    import gc

    assert gc.isenabled()
