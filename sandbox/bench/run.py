"""Runs every scenario in fresh in-process worlds and turns the measurements into rows."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from moto import mock_aws

from sandbox.bench import coldstart, scenarios, zoho_deal_scenarios
from sandbox.bench.aws_meter import AwsMeter
from sandbox.bench.figures import (
    Row,
    backfill_growth_rows,
    backfill_rows,
    coalescing_rows,
    coldstart_rows,
    direction_rows,
    growth_rows,
    latency_rows,
    press_rows,
)
from sandbox.bench.project_scenarios import rows as project_rows
from sandbox.bench.scenarios import DirectionResult, Run
from sandbox.bench.zoho_finance_scenarios import zoho_finance_rows
from sandbox.bench.zoho_scenarios import zoho_rows
from sandbox.world import World
from shared.runtime import set_runtime

SF_TO_INTACCT = "salesforce_to_intacct"
INTACCT_TO_SF = "intacct_to_salesforce"


@dataclass(frozen=True)
class Options:
    n: int = 200
    growth_n: int = 600
    coalesce_records: int = 5
    coalesce_edits: int = 200
    rate: float = 10.0
    latency_s: float = 20.0
    coldstart_repeats: int = 7  # alternated floor, handler and in-use runs; medians compared
    backfill_n: tuple[int, ...] = (200, 2_000)  # a backfill at each size (empty: none)
    presses: int = 20  # presses of each workflow's button (0: none)
    out: Path = Path("bench/results.json")


@contextmanager
def world_run() -> Iterator[Run]:
    """A fresh in-process world with the meters installed before its clients exist."""
    with mock_aws(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        meter = AwsMeter()
        meter.install()
        try:
            yield Run.start(World.in_process(), meter)
        finally:
            meter.uninstall()
            set_runtime(None)


def both_directions(run: Run, n: int, tag: str) -> dict[str, DirectionResult]:
    return {
        SF_TO_INTACCT: scenarios.salesforce_to_intacct(run, n, tag),
        INTACCT_TO_SF: scenarios.intacct_to_salesforce(run, n, tag),
    }


def run_all(options: Options, progress: Callable[[str], None] = lambda _: None) -> list[Row]:
    logging.getLogger().setLevel(logging.ERROR)
    rows: list[Row] = []
    progress(f"both directions, N={options.n}")
    with world_run() as run:
        small = both_directions(run, options.n, "s")
    for prefix, result in small.items():
        rows += direction_rows(prefix, result)
    progress(f"edits of synced records, both directions, N={options.n}")
    with world_run() as run:
        edits = {
            SF_TO_INTACCT: scenarios.salesforce_edits(run, options.n, "e"),
            INTACCT_TO_SF: scenarios.intacct_edits(run, options.n, "e"),
        }
    for prefix, result in edits.items():
        rows += direction_rows(f"edits.{prefix}", result)
    if options.backfill_n:
        rows += _backfill_rows(options, progress)
    if options.presses:
        progress(f"workflows: Create Sales Order and Create Project, {options.presses} each")
        with world_run() as run:
            rows += press_rows(
                "sales_order",
                "create_transaction",
                scenarios.sales_order_presses(run, options.presses),
            )
        with world_run() as run:
            rows += press_rows(
                "project", "create_project", scenarios.project_presses(run, options.presses)
            )
    rows += project_rows(world_run, options.n, progress)  # issue 13's syncs
    rows += zoho_deal_scenarios.zoho_deal_rows(options.presses, world_run, progress)
    rows += zoho_rows(world_run, options.n, progress)
    if options.coalesce_edits:
        progress(f"coalescing: {options.coalesce_edits} edits of {options.coalesce_records}")
        with world_run() as run:
            burst = scenarios.coalescing(run, options.coalesce_records, options.coalesce_edits)
        rows += coalescing_rows(burst, options.coalesce_records)
    if options.latency_s:
        progress(f"latency: {options.rate}/s for {options.latency_s} s")
        with world_run() as run:
            pool = max(2, int(options.rate * 2))  # each account re-edited every 2 s
            latencies = scenarios.webhook_latency(run, options.rate, options.latency_s, pool)
        rows += latency_rows(latencies)
    if options.growth_n:
        progress(f"growth: both directions, N={options.growth_n}")
        with world_run() as run:
            large = both_directions(run, options.growth_n, "g")
        for prefix in small:
            rows += growth_rows(prefix, small[prefix].sync, large[prefix].sync)
            rows += [
                Row(
                    f"{r.figure}_at_growth_n",
                    r.measured,
                    r.target,
                    r.unit + f" (N={options.growth_n})",
                    r.better,
                )
                for r in direction_rows(prefix, large[prefix])
                if r.figure.endswith(".records_per_second")
            ]
    rows += zoho_finance_rows(options)
    if options.coldstart_repeats:
        progress(f"cold start: {options.coldstart_repeats} fresh processes each")
        rows += coldstart_rows(
            coldstart.measure_all(options.coldstart_repeats), coldstart.layer_bytecode()
        )
    return rows


def _backfill_rows(options: Options, progress: Callable[[str], None]) -> list[Row]:
    runs = []
    for n in options.backfill_n:
        progress(f"backfill: {n} accounts in Salesforce and {n} customers in Intacct")
        with world_run() as run:
            runs.append(scenarios.backfill(run, n))
    rows = backfill_rows(runs[-1])
    if len(runs) > 1:
        rows += backfill_growth_rows(runs[0], runs[-1])
    return rows
