"""The bench's cold-start rows: per handler its time and peak RSS against the floor (with the
in-use reference in the text only), and one row for the bytecode the bundles ship."""

from __future__ import annotations

import os

from sandbox.bench import coldstart
from sandbox.bench.coldstart import (
    IN_USE,
    ColdStart,
    LayerBytecode,
    Sample,
    floor_body,
    in_use_body,
)
from sandbox.bench.figures import coldstart_rows
from shared.topology import INTERPRETER_ENV


def test_each_handler_gets_a_time_and_a_peak_rss_row_against_the_floor_only() -> None:
    # Given a handler measured at 1.3x the floor's time and 1.1x its peak RSS
    start = ColdStart(
        "sync_records",
        floor=Sample(ms=200.0, rss_kb=50 * 1024),
        handler=Sample(ms=260.0, rss_kb=55 * 1024),
        in_use=Sample(ms=240.0, rss_kb=54 * 1024),
    )
    # When its rows are made
    rows = {r.figure: r for r in coldstart_rows([start])}
    # Then the ratios are against the floor, the in-use reference shows in the text only
    time, rss = rows["coldstart.sync_records.import_init"], rows["coldstart.sync_records.peak_rss"]
    assert (round(time.measured, 3), time.passed) == (1.3, False)
    assert (round(rss.measured, 3), rss.passed) == (1.1, True)
    assert "in use 240" in time.unit
    assert "in use 54.0" in rss.unit
    # And no bytecode row without a measured bundle, no per-handler no-bytecode row at all
    assert sorted(rows) == ["coldstart.sync_records.import_init", "coldstart.sync_records.peak_rss"]


def test_the_bytecode_row_passes_only_when_every_shipped_module_is_compiled() -> None:
    # Given bundles where all modules are compiled, one is not, and none could be built
    complete, partial = LayerBytecode(1195, 1195), LayerBytecode(1185, 1195)
    failed = LayerBytecode(0, 0, "pip could not build the layer (exit 1)")
    # When their rows are made
    [row_complete] = coldstart_rows([], complete)
    [row_partial] = coldstart_rows([], partial)
    [row_failed] = coldstart_rows([], failed)
    # Then only the complete bundle passes, and the failure says why
    assert (row_complete.figure, row_complete.passed) == ("coldstart.layer_bytecode", True)
    assert "1195/1195" in row_complete.unit
    assert row_partial.passed is False
    assert (row_failed.measured, row_failed.passed) == (0.0, False)
    assert "pip could not build the layer" in row_failed.unit


def test_the_in_use_reference_is_the_floor_with_a_model_and_the_two_clients() -> None:
    # Given a handler's floor and its in-use reference
    floor, in_use = floor_body("webhook_ingest"), in_use_body("webhook_ingest")
    # Then the reference is the floor, unchanged, with the pydantic model and the clients
    assert in_use == "\n".join([floor, *IN_USE])
    assert "boto3.client('dynamodb')" in in_use
    assert "boto3.client('secretsmanager')" in in_use
    assert "dynamodb" not in floor


def test_the_handler_probe_runs_as_deployed_and_the_floor_stock() -> None:
    # Given the probes' environments: the handler's (with the layer's models) and the floor's
    layer = coldstart.LayerBotocore(path="/tmp/layer/python", service_models="/tmp/models")
    deployed = coldstart.environment("/tmp/pycache", layer)
    stock = coldstart.environment("/tmp/pycache")
    # Then the handler's carries what infra gives the functions, and the floor's none of it
    assert deployed["AWS_DATA_PATH"] == "/tmp/models"
    assert all(deployed[k] == v for k, v in INTERPRETER_ENV.items())
    assert "AWS_DATA_PATH" not in stock
    assert not set(INTERPRETER_ENV) & set(stock)
    # And the layer's botocore comes first on the handler's path only
    assert deployed["PYTHONPATH"].split(os.pathsep)[0] == "/tmp/layer/python"
    assert "/tmp/layer/python" not in stock["PYTHONPATH"].split(os.pathsep)
