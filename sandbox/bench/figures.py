"""The benchmark's rows: one figure, its measured value against its target.

Targets are issue 9's. Where the issue states a rule rather than a number, the number is
derived here (see each row's note in :func:`direction_rows`).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any, Literal

from sandbox.bench.coldstart import ColdStart, LayerBytecode
from sandbox.bench.prices import FLOOR_PER_MILLION, cost_per_million
from sandbox.bench.scenarios import BackfillRun, DirectionResult, Latencies, Measured, PressRun
from shared.topology import CHANGES, consumer_of

Better = Literal["lower", "higher"]
COST_TARGET = 1.5 * FLOOR_PER_MILLION
BATCH = 10  # a FIFO event source hands a worker at most 10 messages
WORKER = consumer_of(CHANGES.key).name


@dataclass(frozen=True)
class Row:
    figure: str
    measured: float
    target: float
    unit: str
    better: Better

    @property
    def ratio(self) -> float:
        if self.target == 0:
            return math.inf if self.measured else 1.0
        return self.measured / self.target

    @property
    def passed(self) -> bool:
        if self.better == "lower":
            return self.measured <= self.target
        return self.measured >= self.target

    def as_json(self) -> dict[str, Any]:
        row = asdict(self)
        row["measured"] = round(self.measured, 4) if math.isfinite(self.measured) else None
        row["target"] = round(self.target, 4)
        row["ratio"] = round(self.ratio, 4) if math.isfinite(self.ratio) else None
        row["pass"] = self.passed
        return row


def per(m: Measured, value: float) -> float:
    return value / m.records if m.records else 0.0


def direction_rows(prefix: str, d: DirectionResult) -> list[Row]:
    s = d.sync
    # a no-op (our own echo, or a change already synced) costs at most one read
    echoes = d.echo.metrics.get("EchoSkipped", 0) + d.echo.metrics.get("StaleEventSkipped", 0)
    return [
        Row(f"{prefix}.queue_messages_per_change", per(s, s.aws.sqs_sent), 1.1, "msg", "lower"),
        # the change worker makes at most one read and one write request per object per side
        # per batch of 10 (the polls' reads are per run, not per record: not counted here)
        Row(
            f"{prefix}.salesforce_requests_per_record",
            per(s, s.saas[f"{WORKER}/salesforce"]),
            2 / BATCH,
            "req (worker)",
            "lower",
        ),
        Row(
            f"{prefix}.intacct_requests_per_record",
            per(s, s.saas[f"{WORKER}/intacct"]),
            2 / BATCH,
            "req (worker)",
            "lower",
        ),
        Row(
            f"{prefix}.intacct_functions_per_record",
            per(s, s.intacct_functions),
            1.05,
            "fn",
            "lower",
        ),
        Row(
            f"{prefix}.dynamodb_write_units_per_change",
            per(s, s.aws.write_units),
            4,
            "WRU",
            "lower",
        ),
        Row(
            f"{prefix}.dynamodb_read_units_per_echo",
            d.echo.aws.read_units / echoes if echoes else math.inf,
            1,
            "RRU",
            "lower",
        ),
        # the steady rate the latency target asks the pipe to carry, with the share of the
        # wall time spent inside moto (issue 9: so the sandbox's limits are not mistaken
        # for the design's)
        Row(
            f"{prefix}.records_per_second",
            per_second(s),
            10,
            f"rec/s (moto {share(s.aws.moto_s, s.wall_s):.0%} of wall)",
            "higher",
        ),
        Row(
            f"{prefix}.cost_usd_per_million_records",
            cost_per_million(s),
            COST_TARGET,
            "USD",
            "lower",
        ),
    ]


def per_second(m: Measured) -> float:
    return m.records / m.wall_s if m.wall_s else 0.0


def share(part: float, whole: float) -> float:
    return part / whole if whole else 0.0


def coalescing_rows(m: Measured, records: int) -> list[Row]:
    return [
        Row(
            "coalescing.erp_writes_per_burst",
            m.intacct_writes,
            float(records),
            f"writes for {m.records} edits of {records} records",
            "lower",
        )
    ]


def latency_rows(lat: Latencies) -> list[Row]:
    return [
        Row("latency.webhook_p50_s", percentile(lat.seconds, 0.50), 5, "s", "lower"),
        Row("latency.webhook_p99_s", percentile(lat.seconds, 0.99), 5, "s", "lower"),
        Row("latency.changes_per_second", lat.achieved_rate, lat.offered_rate, "chg/s", "higher"),
    ]


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return math.inf
    index = min(len(sorted_values) - 1, math.ceil(q * len(sorted_values)) - 1)
    return sorted_values[max(0, index)]


GROWTH_LIMIT = 1.2


def growth_rows(prefix: str, small: Measured, large: Measured) -> list[Row]:
    def ratio(a: float, b: float) -> float:
        return (per(large, b) / per(small, a)) if per(small, a) else math.inf

    saas = ratio(_all_systems(small), _all_systems(large))
    aws = ratio(sum(small.aws.requests.values()), sum(large.aws.requests.values()))
    own = ratio(small.own_s, large.own_s)
    n = f"N={small.records}→{large.records}"
    return [
        Row(f"{prefix}.growth.saas_requests", saas, GROWTH_LIMIT, f"x ({n})", "lower"),
        Row(f"{prefix}.growth.aws_requests", aws, GROWTH_LIMIT, f"x ({n})", "lower"),
        # ledgerlink's own CPU time (Measured.own_s), not wall time
        Row(f"{prefix}.growth.own_time", own, GROWTH_LIMIT, f"x ({n}; CPU)", "lower"),
    ]


def _all_systems(m: Measured) -> int:
    """Every request to the systems (the per-function counts repeat some of them)."""
    return sum(n for key, n in m.saas.items() if "/" not in key and ":" not in key)


def table(rows: list[Row]) -> str:
    head = ("figure", "measured", "target", "unit", "better", "ratio", "pass")
    body = [
        (
            r.figure,
            f"{r.measured:.3f}",
            f"{r.target:.3f}",
            r.unit,
            r.better,
            f"{r.ratio:.2f}",
            "yes" if r.passed else "NO",
        )
        for r in rows
    ]
    widths = [max(len(str(x[i])) for x in [head, *body]) for i in range(len(head))]
    lines = ["| " + " | ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)) + " |"]
    lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for cells in body:
        lines.append(
            "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"
        )
    return "\n".join(lines)


def coldstart_rows(starts: list[ColdStart], layer: LayerBytecode | None = None) -> list[Row]:
    rows: list[Row] = []
    for c in starts:
        name = f"coldstart.{c.function}"
        # in_use: the floor with a pydantic model and the DynamoDB and Secrets Manager clients
        ms = f"{c.handler.ms:.0f} vs {c.floor.ms:.0f} ms; in use {c.in_use.ms:.0f}"
        rows.append(Row(f"{name}.import_init", c.time_ratio, 1.15, f"x floor ({ms})", "lower"))
        mb = (
            f"{c.handler.rss_kb / 1024:.1f} vs {c.floor.rss_kb / 1024:.1f} MB;"
            f" in use {c.in_use.rss_kb / 1024:.1f}"
        )
        rows.append(Row(f"{name}.peak_rss", c.rss_ratio, 1.15, f"x floor ({mb})", "lower"))
    if layer is not None:  # the "the layer ships bytecode compiled for the runtime"
        rows.append(Row("coldstart.layer_bytecode", layer.share, 1.0, layer.note, "higher"))
    return rows


BACKFILL_SLACK = 1.05
SF_COLLECTION = 200  # records per sObject collection request
INTACCT_FUNCTIONS = 100  # functions per Intacct request


def backfill_rows(b: BackfillRun) -> list[Row]:
    """Write requests against the issue's bounds, for the records each side was written."""
    saas = b.measured.saas
    sf_written, intacct_written = b.records_written["salesforce"], b.records_written["intacct"]
    n = f"N={b.n} per side"
    return [
        Row("backfill.done", float(b.done), 1.0, n, "higher"),
        Row(
            "backfill.salesforce_write_requests",
            saas["salesforce:writes"],
            BACKFILL_SLACK * math.ceil(sf_written / SF_COLLECTION),
            f"req for {sf_written} records written ({n})",
            "lower",
        ),
        Row(
            "backfill.intacct_write_requests",
            saas["intacct:writes"],
            BACKFILL_SLACK * math.ceil(intacct_written / INTACCT_FUNCTIONS),
            f"req for {intacct_written} records written ({n})",
            "lower",
        ),
        Row(
            "backfill.records_per_second",
            per_second(b.measured),
            10,
            f"rec/s ({n}; moto {share(b.measured.aws.moto_s, b.measured.wall_s):.0%} of wall)",
            "higher",
        ),
    ]


def backfill_growth_rows(small: BackfillRun, large: BackfillRun) -> list[Row]:
    return growth_rows("backfill", small.measured, large.measured)


# What one press may cost (batch size 1 on a workflow's queue: each press is an invocation).
# A sales order: the customer and the items read in one query each, then one create; in
# Salesforce the opportunity and its lines read, the outcome written. A project press: its
# customer looked up and the project created (a second press finds it made).
PRESS_LIMITS = {
    "sales_order": {"intacct_functions": 3.0, "salesforce_requests": 4.0},
    "project": {"intacct_functions": 2.0, "salesforce_requests": 3.0},
}


def press_rows(name: str, function: str, p: PressRun) -> list[Row]:
    m = p.measured
    limits = PRESS_LIMITS[name]
    return [
        Row(
            f"workflows.{name}.duplicates",
            float(p.made - p.subjects),
            0.0,
            f"records ({p.presses} presses on {p.subjects})",
            "lower",
        ),
        Row(
            f"workflows.{name}.intacct_functions_per_press",
            per(m, m.intacct_functions),
            limits["intacct_functions"],
            "fn",
            "lower",
        ),
        Row(
            f"workflows.{name}.salesforce_requests_per_press",
            per(m, m.saas[f"{function}/salesforce"]),
            limits["salesforce_requests"],
            f"req ({function})",
            "lower",
        ),
    ]
