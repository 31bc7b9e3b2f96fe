"""With tracing off, the tracer's decorators leave functions as they are and no handler
imports the X-Ray SDK (a cold-start cost); with tracing on, powertools' Tracer wraps them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from shared.observability import LazyTracer, tracing_disabled

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(
    ("environ", "disabled"),
    [
        ({"POWERTOOLS_TRACE_DISABLED": "true", "LAMBDA_TASK_ROOT": "/var/task"}, True),
        ({"POWERTOOLS_TRACE_DISABLED": "1", "LAMBDA_TASK_ROOT": "/var/task"}, True),
        ({}, True),  # outside Lambda, as powertools decides
        ({"LAMBDA_TASK_ROOT": "/var/task", "AWS_SAM_LOCAL": "true"}, True),
        ({"LAMBDA_TASK_ROOT": "/var/task"}, False),
        ({"LAMBDA_TASK_ROOT": "/var/task", "POWERTOOLS_TRACE_DISABLED": "false"}, False),
    ],
)
def test_tracing_is_off_where_powertools_would_turn_it_off(
    environ: dict[str, str], disabled: bool
) -> None:
    # Given an environment / When asked / Then the answer is powertools' own rule
    assert tracing_disabled(environ) is disabled


def test_with_tracing_off_the_decorators_return_the_function_itself() -> None:
    # Given a tracer in an environment with tracing off (the test settings)
    tracer = LazyTracer(service="test")

    def handler(event: dict[str, str], context: object) -> str:
        return event["x"]

    # When a handler and a method are decorated
    # Then they are the same functions, still callable
    assert tracer.capture_lambda_handler(handler) is handler
    assert tracer.capture_method(handler) is handler
    assert handler({"x": "y"}, None) == "y"


def test_no_handler_imports_the_xray_sdk_with_tracing_off() -> None:
    # Given every handler module, imported in a fresh process with tracing off
    code = (
        "import importlib.util, pathlib, sys\n"
        "for path in sorted(pathlib.Path('functions').glob('*/handler.py')):\n"
        "    spec = importlib.util.spec_from_file_location(path.parent.name, path)\n"
        "    spec.loader.exec_module(importlib.util.module_from_spec(spec))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in\n"
        "      {'aws_xray_sdk', 'jwt', 'cryptography'}))\n"
    )
    env = {**os.environ, "POWERTOOLS_TRACE_DISABLED": "true", "PYTHONPATH": str(ROOT)}
    # When they are loaded
    answer = subprocess.run(  # noqa: S603 — this interpreter, our own code
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT
    )
    # Then neither the X-Ray SDK nor the JWT login's libraries were imported
    assert answer.returncode == 0, answer.stderr
    assert answer.stdout.strip() == "[]"
