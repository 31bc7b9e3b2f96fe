"""The backfill (initial load) of a connection: every mapped object, each side in turn
(the CRM first, then the ERP), read in chunks, matched or created on the other side, linked.

Reads: a page of up to ``page_size`` records per chunk in a stable key order
(``PagedSource``), or, where the system has a bulk export and the object holds more than
``bulk_threshold`` records, one bulk job whose results are read a chunk at a time
(``BulkSource``). Writes: ``write_many`` (Salesforce collections of 200, Intacct 100
functions a request). After every chunk the step's checkpoint is saved, so a run that died
resumes at the chunk it was in (``resume=True``); the chunk is sent again with the same
idempotency keys and nothing is made twice. A chunk of 2,000 records is a few dozen
requests: far inside a Lambda's 15 minutes; ``max_seconds`` stops a run after the chunk
that passes it, to be resumed by the next invocation.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pydantic import BaseModel, Field

from shared.backfill.checkpoints import Checkpoint, CheckpointStore, Counts
from shared.backfill.loader import ChunkLoader
from shared.backfill.sources import BulkSource, CountsRequests, PagedSource
from shared.connectors.base import Connector
from shared.errors import ConfigurationError
from shared.mapping.fields import ObjectMapping, Side
from shared.models.connection import Connection
from shared.models.records import SourceRecord
from shared.pairs.catalog import MappingCatalog
from shared.state.links import LinkStore
from shared.sync.engine import Sides

Progress = Callable[[str], None]


@dataclass(frozen=True)
class BackfillSettings:
    page_size: int = 2000  # records per chunk (one read page or one set of bulk results)
    bulk_threshold: int = 10_000  # above this many records, read with a bulk job
    max_seconds: float | None = None  # stop after the chunk that passes this; resume later


class BackfillReport(BaseModel):
    """What one run did: counts over every step, chunks, requests each system was sent."""

    connection_id: str
    done: bool = False  # every step finished (False: stopped by max_seconds; resume)
    chunks: int = 0
    counts: Counts = Field(default_factory=Counts)
    requests: dict[str, int] = Field(default_factory=dict)  # system -> requests this run
    bulk_jobs: int = 0
    failures: list[str] = Field(default_factory=list)  # "<record>: <error type>", no values


def run_backfill(
    connection: Connection,
    sides: Sides,
    links: LinkStore,
    checkpoints: CheckpointStore,
    *,
    objects: Sequence[str] = (),
    resume: bool = False,
    settings: BackfillSettings | None = None,
    progress: Progress | None = None,
) -> BackfillReport:
    """Backfill ``connection`` (only the mappings naming one of ``objects``, by mapping name
    or object name, when given). ``resume`` carries on from the saved checkpoints; without
    it the checkpoints are cleared first (records already linked are still left alone)."""
    settings = settings or BackfillSettings()
    say = progress or (lambda _line: None)
    catalog = MappingCatalog.for_connection(connection)
    chosen = [m for m in catalog.mappings if not objects or _named(m, objects)]
    if objects and not chosen:
        raise ConfigurationError(f"backfill: no mapping covers {', '.join(objects)}")
    connection_id = connection.connection_id
    if not resume:
        checkpoints.clear(connection_id)
    report = BackfillReport(connection_id=connection_id)
    before = {s: _requests(sides.on(s)) for s in Side}
    loader = ChunkLoader(connection_id, sides, links, connection.conflict_policy)
    started = time.monotonic()
    try:
        for mapping in chosen:
            for side in (Side.CRM, Side.ERP):
                finished = _run_step(
                    connection_id,
                    mapping,
                    side,
                    sides,
                    loader,
                    checkpoints,
                    settings,
                    report,
                    say,
                    started,
                )
                if not finished:
                    return report
        report.done = True
        say(f"backfill {connection_id}: done, {report.chunks} chunks, {_line(report.counts)}")
        return report
    finally:
        for s in Side:
            report.requests[sides.on(s).system] = _requests(sides.on(s)) - before[s]


def _run_step(
    connection_id: str,
    mapping: ObjectMapping,
    side: Side,
    sides: Sides,
    loader: ChunkLoader,
    checkpoints: CheckpointStore,
    settings: BackfillSettings,
    report: BackfillReport,
    say: Progress,
    started: float,
) -> bool:
    """One mapping from one side, chunk by chunk; False when stopped by max_seconds."""
    source = sides.on(side)
    obj = mapping.object_on(side)
    fields = sorted(mapping.tracked_paths(side))
    checkpoint = checkpoints.get(connection_id, mapping.name, side.value) or Checkpoint(
        mapping=mapping.name, side=side.value
    )
    if checkpoint.done:
        return True
    if not checkpoint.started:
        checkpoint = checkpoint.model_copy(update={"started": True})
        if isinstance(source, BulkSource) and source.count(obj) > settings.bulk_threshold:
            job_id = source.start_bulk_read(obj, fields)
            checkpoint = checkpoint.model_copy(update={"job_id": job_id})
            report.bulk_jobs += 1
        checkpoints.put(connection_id, checkpoint)
    while True:
        if settings.max_seconds is not None and time.monotonic() - started > settings.max_seconds:
            say(f"backfill {connection_id}: paused at {mapping.name}/{side.value}; resume")
            return False
        records, following = _read(source, obj, fields, checkpoint, settings.page_size)
        chunk = loader.load(mapping, side, records)
        report.chunks += 1
        report.counts = report.counts.add(chunk.counts)
        report.failures += chunk.failures
        moved = {"locator": following} if checkpoint.job_id else {"after": following}
        checkpoint = checkpoint.model_copy(
            update={
                **moved,
                "done": following is None,
                "chunks": checkpoint.chunks + 1,
                "counts": checkpoint.counts.add(chunk.counts),
            }
        )
        checkpoints.put(connection_id, checkpoint)
        say(
            f"backfill {connection_id}: {mapping.name} from {side.value} {obj}: "
            f"chunk {checkpoint.chunks}, {_line(checkpoint.counts)}"
        )
        if checkpoint.done:
            return True


def _read(
    source: Connector, obj: str, fields: list[str], checkpoint: Checkpoint, page_size: int
) -> tuple[list[SourceRecord], str | None]:
    if checkpoint.job_id is not None:
        assert isinstance(source, BulkSource)
        return source.bulk_page(obj, checkpoint.job_id, checkpoint.locator, page_size)
    if not isinstance(source, PagedSource):
        raise ConfigurationError(f"backfill: {source.system} cannot read {obj} page by page")
    return source.read_page(obj, fields, checkpoint.after, page_size)


def _named(mapping: ObjectMapping, objects: Sequence[str]) -> bool:
    return bool({mapping.name, mapping.crm_object, mapping.erp_object} & set(objects))


def _requests(connector: Connector) -> int:
    return connector.requests_sent if isinstance(connector, CountsRequests) else 0


def _line(counts: Counts) -> str:
    return (
        f"{counts.read} read, {counts.created} created, {counts.linked_existing} matched, "
        f"{counts.already_linked} already linked, {counts.skipped} skipped, "
        f"{counts.failed} failed"
    )
