"""Notices the door need not queue: a callback that only shows what ledgerlink already knows.

Our own writes come back as change notifications (the key shown on a CRM record we copied, a
record we made or updated in the CRM), and a notification cannot be told from a person's
edit by its ids alone. Where the callback says more, one batched read of the links decides
before anything is queued (issue 9: our own write is recognised as an echo before it costs a
worker invocation, where the information allows):

- ``created``: the notice is of a record's creation, and a link already names that record:
  ledgerlink made it (the link was saved after its create was read back), or synced it from
  another sighting already; a record is created once, and any later change sends its own
  notice. Not read where the connector dropped our own writes by their author already
  (``Notice.by_others``): somebody else's new record has no link to find.
- ``changed``: every field the change touched is one the mapping follows on that side, and
  each path read from it hashes as the link holds it (what we last wrote or read there):
  the change is our write, or brings nothing new.

Everything else is queued as before, and the worker decides on a fresh read; so do the
records of objects a trigger watches (a trigger may follow fields no mapping reads). The
reads here are eventually consistent and only ever drop what is known: a link not seen yet,
or not linked (pending, detached), queues the notice; a failed read queues them all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from shared.connectors.plugin import Notice
from shared.mapping.fields import ObjectMapping, Side
from shared.models.connection import Connection
from shared.models.events import ChangeEvent
from shared.models.links import SyncLink
from shared.observability import BusinessMetric, count, logger
from shared.pairs.catalog import MappingCatalog
from shared.pairs.registry import pair_of
from shared.runtime import Runtime
from shared.sync.hashing import value_hash


def worth_queueing(
    runtime: Runtime,
    connection: Connection,
    notices: Sequence[Notice],
    events: Sequence[ChangeEvent],
) -> list[ChangeEvent]:
    """The ``events`` (made of ``notices``) that may change something."""
    told = {
        (n.object, n.record_id): n for n in notices if (n.created and not n.by_others) or n.changed
    }
    if not told:
        return list(events)
    catalog = MappingCatalog.for_connection(connection)
    triggered = {(t.object, t.side) for t in pair_of(connection).triggers}
    candidates: dict[int, tuple[Notice, ObjectMapping, Side]] = {}
    for position, event in enumerate(events):
        notice = told.get((event.ref.object, event.ref.record_id))
        if notice is None or not catalog.maps(event.ref):
            continue
        mapping, side = catalog.for_ref(event.ref)
        if (event.ref.object, side) not in triggered:
            candidates[position] = (notice, mapping, side)
    if not candidates:
        return list(events)
    try:
        links = runtime.links.get_many(
            connection.connection_id, [events[p].ref for p in candidates]
        )
    except (BotoCoreError, ClientError) as exc:
        logger.warning("links unread at the door: every notice queued", extra={"error": str(exc)})
        return list(events)
    kept = []
    for position, event in enumerate(events):
        link = links.get(event.ref)
        if position in candidates and link is not None and known(*candidates[position], link):
            count(runtime.metrics, BusinessMetric.ECHO_SKIPPED)
            continue
        kept.append(event)
    return kept


def known(notice: Notice, mapping: ObjectMapping, side: Side, link: SyncLink) -> bool:
    """Whether the linked record's notice shows nothing the link does not already hold."""
    state = link.side(side)
    if link.status != "linked" or state is None or state.ref.record_id != notice.record_id:
        return False
    if notice.created:
        return True
    if not notice.changed:
        return False
    return _values_known(notice.changed, mapping.tracked_paths(side), state.hashes)


def _values_known(changed: Mapping[str, Any], tracked: set[str], hashes: Mapping[str, str]) -> bool:
    """Each touched field is followed, and every followed path through it is in ``changed``
    with the hash the link holds (a parent's field read through a lookup is not: unknown)."""
    for root in {path.split(".", 1)[0] for path in changed}:
        paths = [p for p in tracked if p == root or p.startswith(f"{root}.")]
        if not paths:
            return False  # a field no mapping follows: whether it matters is not ours to say
        for path in paths:
            if path not in changed or value_hash(changed[path]) != hashes.get(path):
                return False
    return True
