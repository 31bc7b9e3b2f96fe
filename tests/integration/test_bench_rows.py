"""The benchmark's rows (``make bench``) carry the documented keys, on a very small run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sandbox.bench.__main__ import main

KEYS = {"figure", "measured", "target", "unit", "better", "ratio", "pass"}


def test_a_tiny_bench_run_writes_rows_with_the_documented_keys(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a run of every in-process scenario at a very small size, without cold starts
    out = tmp_path / "results.json"
    argv = ["--n", "2", "--growth-n", "3", "--coalesce-records", "2", "--coalesce-edits", "6"]
    argv += ["--rate", "2", "--latency-s", "1", "--coldstart-repeats", "0", "--out", str(out)]
    argv += ["--backfill-n", "3", "6", "--presses", "1"]
    # When the bench runs
    code = main(argv)
    # Then it exits 0 and writes one row per figure with the documented keys and types
    assert code == 0
    rows = json.loads(out.read_text())
    names = [row["figure"] for row in rows]
    assert len(names) == len(set(names))
    for row in rows:
        assert set(row) == KEYS
        assert row["better"] in {"lower", "higher"}
        assert isinstance(row["pass"], bool)
        assert isinstance(row["target"], int | float)
        assert row["measured"] is None or isinstance(row["measured"], int | float)
    # And the figures of issue 9 are there, for both directions
    for prefix in ("salesforce_to_intacct", "intacct_to_salesforce"):
        assert f"{prefix}.queue_messages_per_change" in names
        assert f"{prefix}.dynamodb_write_units_per_change" in names
        assert f"{prefix}.growth.saas_requests" in names
    assert "latency.webhook_p99_s" in names
    assert "backfill.salesforce_write_requests" in names
    assert "backfill.growth.saas_requests" in names
    assert "workflows.sales_order.duplicates" in names
    assert "workflows.project.intacct_functions_per_press" in names
    assert "workflows.zoho_deal_trigger.duplicates" in names
    assert "edits.salesforce_to_intacct.cost_usd_per_million_records" in names
    assert "coalescing.erp_writes_per_burst" in names
    assert "zoho_finance.quiet_run_crm_writes" in names
    for prefix in ("zoho.crm_to_books", "zoho.edits.books_to_crm"):  # the Zoho pair's rows
        assert f"{prefix}.books_requests_per_record" in names
        assert f"{prefix}.crm_requests_per_record" in names
        assert f"{prefix}.dynamodb_write_units_per_change" in names
    # And the printed table shows the same figures
    printed = capsys.readouterr().out
    assert all(name in printed for name in names)
    # And the sync did happen: a record costs at least one queue message
    sent = {row["figure"]: row["measured"] for row in rows}
    assert sent["salesforce_to_intacct.queue_messages_per_change"] >= 1
    assert sent["zoho.crm_to_books.books_requests_per_record"] >= 1
