"""``python -m shared.backfill <connection_id> [--object NAME ...] [--resume]``

Reads the connection from the state table and its secrets from Secrets Manager (the same
environment the functions use: STATE_TABLE_NAME ...), prints progress per chunk, and exits 0
when every step is done (1 when records failed, 2 when stopped to be resumed).
"""

from __future__ import annotations

import argparse
import sys

from shared.backfill.checkpoints import CheckpointStore
from shared.backfill.run import BackfillSettings, run_backfill
from shared.runtime import get_runtime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shared.backfill", description=__doc__)
    parser.add_argument("connection_id")
    parser.add_argument(
        "--object", action="append", default=[], help="a mapping or object name (repeatable)"
    )
    parser.add_argument("--resume", action="store_true", help="carry on from the checkpoints")
    parser.add_argument("--page-size", type=int, default=BackfillSettings.page_size)
    parser.add_argument("--max-seconds", type=float, default=None)
    args = parser.parse_args(argv)
    runtime = get_runtime()
    connection = runtime.connections.get(args.connection_id)
    report = run_backfill(
        connection,
        runtime.sides(connection),
        runtime.links,
        CheckpointStore(runtime.table),
        objects=args.object,
        resume=args.resume,
        settings=BackfillSettings(page_size=args.page_size, max_seconds=args.max_seconds),
        progress=print,
    )
    for failure in report.failures:
        print(f"failed: {failure}", file=sys.stderr)
    print(report.model_dump_json(indent=2))
    if not report.done:
        return 2
    return 1 if report.counts.failed else 0


if __name__ == "__main__":
    sys.exit(main())
