"""``python -m sandbox.bench``: issue 9's figures against the in-process sandbox; one table
on stdout, the same rows in ``bench/results.json``. Exits 0 when it ran, whatever passed."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sandbox.bench.run import Options

# Set before powertools' Logger and the AWS clients exist (the imports in main).
QUIET = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_METRICS_DISABLED": "true",
    "POWERTOOLS_LOG_LEVEL": "ERROR",
}


def parse(argv: Sequence[str]) -> Options:
    from sandbox.bench.run import Options

    p = argparse.ArgumentParser(prog="python -m sandbox.bench", description=__doc__)
    p.add_argument("--n", type=int, default=200, help="accounts created on each side")
    p.add_argument(
        "--growth-n", type=int, default=600, help="the larger N per-record figures are compared at"
    )
    p.add_argument("--coalesce-records", type=int, default=5)
    p.add_argument("--coalesce-edits", type=int, default=200)
    p.add_argument("--rate", type=float, default=10.0, help="changes per second (latency)")
    p.add_argument("--latency-s", type=float, default=20.0, help="how long the steady rate runs")
    p.add_argument(
        "--coldstart-repeats", type=int, default=7, help="alternated runs per handler (0: none)"
    )
    p.add_argument(
        "--backfill-n",
        type=int,
        nargs="*",
        default=[200, 10_000],
        help="records per side of each backfill run (the growth rows compare the first and last)",
    )
    p.add_argument("--presses", type=int, default=20, help="presses of each workflow button")
    p.add_argument("--out", type=Path, default=Path("bench/results.json"))
    a = p.parse_args(argv)
    return Options(
        n=a.n,
        growth_n=a.growth_n,
        coalesce_records=a.coalesce_records,
        coalesce_edits=a.coalesce_edits,
        rate=a.rate,
        latency_s=a.latency_s,
        coldstart_repeats=a.coldstart_repeats,
        backfill_n=tuple(a.backfill_n),
        presses=a.presses,
        out=a.out,
    )


def main(argv: Sequence[str] | None = None) -> int:
    for key, value in QUIET.items():
        os.environ[key] = value
    os.environ.pop("AWS_PROFILE", None)
    os.environ.pop("AWS_ENDPOINT_URL", None)
    from sandbox.bench.figures import table
    from sandbox.bench.run import run_all

    options = parse(sys.argv[1:] if argv is None else argv)
    started = time.perf_counter()
    rows = run_all(options, progress=lambda what: print(f"bench: {what}", file=sys.stderr))
    options.out.parent.mkdir(parents=True, exist_ok=True)
    options.out.write_text(json.dumps([r.as_json() for r in rows], indent=2) + "\n")
    print(table(rows))
    passed = sum(r.passed for r in rows)
    print(
        f"\n{passed}/{len(rows)} figures meet their targets; "
        f"rows in {options.out}; {time.perf_counter() - started:.0f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
