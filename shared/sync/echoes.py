"""What the poller need not queue: versions that would change nothing on the other side.

A poll sees our own writes come back (the key shown on a CRM record, a record we created or
updated) and records already synced by their webhook. Before queueing, the links of a page
of polled records are read with one batched read, and a record whose version the engine
would skip (``SyncEngine.is_noop``: older than what we know, our own write, no mapped field
changed) is dropped: no message, no worker invocation. Records another ERP object owns (a
customer's own contact, never synced on their own) are dropped: known from the owners the
same poll read (it reads the owning field with them), else with one batched lookup.

Where a system shows who created a record and when (``SupportsCreationStamps``, for mappings
whose records show their creator: ``Identity.creator_field``), two kinds need no link read:
our own create coming back untouched (created and last saved by ledgerlink, nothing saved
since) is dropped; and, where the system pushes nothing, a record somebody else created
after the object's last poll (no poll saw it, so no worker linked it) is queued as it is.

The reads here are eventually consistent and only ever drop a no-op: a record that changed
is always queued, and the worker decides again on fresh state.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from shared.connectors.base import Connector, SupportsCreationStamps
from shared.mapping.fields import ObjectMapping, Side
from shared.models.events import RecordRef
from shared.models.records import SourceRecord
from shared.observability import BusinessMetric, MetricSink, count
from shared.pairs.catalog import MappingCatalog
from shared.state.links import LinkStore
from shared.sync.engine import CreatorCheck, Sides, SyncEngine, creator_check, owned_keys


class EchoFilter:
    def __init__(
        self, engine: SyncEngine, links: LinkStore, sides: Sides, metrics: MetricSink
    ) -> None:
        self._engine = engine
        self._links = links
        self._sides = sides
        self._metrics = metrics
        # keys of owned records (by the owned mapping's name) held by the owners this poll
        # read: a customer's display contact, seen on the customer, needs no lookup
        self._owned_seen: dict[str, set[str]] = {}

    @staticmethod
    def owner_fields(catalog: MappingCatalog, obj: str) -> set[str]:
        """The fields of ERP object ``obj`` that name records it owns (for the poll to read)."""
        return {field for _, field in _owned_through(catalog, obj)}

    def _note_owners(self, catalog: MappingCatalog, records: Sequence[SourceRecord]) -> None:
        for owned, field in _owned_through(catalog, records[0].ref.object):
            seen = self._owned_seen.setdefault(owned, set())
            seen.update(str(r.get(field)) for r in records if r.get(field))

    @staticmethod
    def creation_fields(mapping: ObjectMapping, side: Side, connector: Connector) -> set[str]:
        """The fields a poll of ``mapping``'s records on ``side`` reads to tell creations."""
        if creator_check(mapping, side, connector) is None:
            return set()
        if not isinstance(connector, SupportsCreationStamps):
            return set()
        return set(connector.creation_fields)

    def worth_queueing(
        self,
        catalog: MappingCatalog,
        side: Side,
        records: Sequence[SourceRecord],
        *,
        unseen_after: datetime | None = None,
    ) -> list[SourceRecord]:
        """The records of one polled object (of ``side``) that may change something.
        ``unseen_after``: the object's newest stamp its previous polls handed on."""
        if not records:
            return []
        mapping, _ = catalog.for_ref(records[0].ref)
        if side is Side.ERP:
            self._note_owners(catalog, records)
        # Owned records are never linked: drop them before reading links for the rest
        owned = (
            owned_keys(self._sides.erp, mapping, records, self._owned_seen.get(mapping.name, set()))
            if side is Side.ERP
            else set()
        )
        rest = [r for r in records if r.key not in owned]
        ours, new, rest = self._by_creation(mapping, side, rest, unseen_after)
        if ours:
            count(self._metrics, BusinessMetric.ECHO_SKIPPED, len(ours))
        links = self._links.get_many(
            self._engine.connection_id, [r.ref for r in rest], homes=self._homes(mapping, rest)
        )
        worth = list(new)
        for record in rest:
            link = links.get(record.ref)
            if link is not None and self._engine.is_noop(mapping, side, record, link):
                count(self._metrics, BusinessMetric.ECHO_SKIPPED)
            else:
                worth.append(record)
        return worth

    def _by_creation(
        self,
        mapping: ObjectMapping,
        side: Side,
        records: list[SourceRecord],
        unseen_after: datetime | None,
    ) -> tuple[list[SourceRecord], list[SourceRecord], list[SourceRecord]]:
        """(our untouched creates: dropped, records nobody could have linked yet: queued
        unread, the rest: their links read). See the module's docstring."""
        connector = self._sides.on(side)
        check = creator_check(mapping, side, connector)
        if check is None or not isinstance(connector, SupportsCreationStamps):
            return [], [], records
        ours, new, rest = [], [], []
        for record in records:
            if connector.untouched_copy(record):
                ours.append(record)
            elif self._unseen(connector, check, record, unseen_after):
                new.append(record)
            else:
                rest.append(record)
        return ours, new, rest

    @staticmethod
    def _unseen(
        stamps: SupportsCreationStamps,
        check: CreatorCheck,
        record: SourceRecord,
        unseen_after: datetime | None,
    ) -> bool:
        """Created by somebody else after every stamp a poll handed on, in a system whose
        records only a poll brings in: no worker has linked it."""
        if stamps.pushes_changes or unseen_after is None:
            return False
        created = stamps.created_at(record)
        creator = record.get(check.field)
        return (
            created is not None
            and created > unseen_after
            and bool(creator)
            and not check.connector.made_by_us(creator)
        )

    def _homes(
        self, mapping: ObjectMapping, records: Sequence[SourceRecord]
    ) -> dict[RecordRef, RecordRef]:
        """CRM records that show their ERP record's key: their links are stored under it."""
        field = mapping.crm_key_field
        if not field:
            return {}
        erp = self._sides.erp.system
        return {
            r.ref: RecordRef(system=erp, object=mapping.erp_object, record_id=str(r.get(field)))
            for r in records
            if r.ref.system != erp and r.get(field)
        }


def _owned_through(catalog: MappingCatalog, obj: str) -> list[tuple[str, str]]:
    """(owned mapping's name, field of ``obj`` naming its records) for each mapping whose ERP
    records ERP object ``obj`` owns."""
    return [
        (m.name, m.erp_owned_by[1])
        for m in catalog.mappings
        if m.erp_owned_by is not None and m.erp_owned_by[0] == obj
    ]
