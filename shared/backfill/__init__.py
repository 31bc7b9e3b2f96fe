"""Backfill (initial load) of a new connection: read each side's existing records in large
chunks, match or create their counterparts in batched writes, link them, checkpointed so a
run that stops resumes where it was. ``python -m shared.backfill <connection_id>``."""

from shared.backfill.checkpoints import Checkpoint, CheckpointStore, Counts
from shared.backfill.run import BackfillReport, BackfillSettings, run_backfill

__all__ = [
    "BackfillReport",
    "BackfillSettings",
    "Checkpoint",
    "CheckpointStore",
    "Counts",
    "run_backfill",
]
