"""The sync engine: fetch fresh -> map -> echo/conflict check -> write -> link + audit.

One ChangeEvent in, at most one write to the other side out. Every decision that changes
something lands in the audit trail, and every decision in a business metric; a no-op (our own
echo, a late event) costs the link's read and nothing else.

Each record's work is a plan (shared/sync/plans.py): its external calls are yielded, so a
batch of records shares its reads and writes (``apply_all``); ``apply`` runs one alone.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from shared.connectors.base import (
    Connector,
    SupportsCreatorCheck,
    SupportsExistsWhere,
    SupportsWhereIn,
    Write,
)
from shared.errors import (
    LedgerlinkError,
    LinkPendingError,
    PermanentError,
    RecordSkippedError,
)
from shared.mapping.computes import COMPUTES
from shared.mapping.fields import FieldMap, Identity, ObjectMapping, Side
from shared.mapping.mapper import (
    build_payload,
    fields_touched_by,
    matches_filter,
    value_for_target,
)
from shared.models.audit import AuditEntry
from shared.models.connection import ConflictPolicy, Connection
from shared.models.events import ChangeEvent, Operation, RecordRef
from shared.models.links import SideState, SyncLink, WrittenVersion
from shared.models.records import SourceRecord, WriteResult
from shared.observability import BusinessMetric, MetricSink, count
from shared.pairs.catalog import MappingCatalog, UnmappedObjectError
from shared.state.audit import AuditTrail
from shared.state.links import (
    ConcurrentLinkUpdateError,
    LinkExistsError,
    LinkStore,
    RecordLinkedElsewhereError,
)
from shared.sync.conflicts import must_read_target, resolve
from shared.sync.hashing import changed_paths, hashes_of, normalize, record_digest
from shared.sync.outcome import Action, Outcome
from shared.sync.plans import Find, Plan, Put, Read, run_one, run_plans

MAX_WRITTEN = 5  # unseen writes remembered per side
# A version stamped this long before we sent a write is older than that write, even with the
# system's clock a little ahead of ours.
CLOCK_SKEW_SENT = timedelta(seconds=0)
# How far apart our clock and a system's stamps may be: a version stamped later than this
# after we wrote the same values is taken as someone's edit.
CLOCK_SKEW = timedelta(seconds=5)


class LinkConflictError(PermanentError):
    """The record is already linked to a different counterpart."""


@dataclass(frozen=True)
class _Reading:
    """A linked side's new version: its hashes, the paths our later writes superseded, the
    outgoing paths it changed, or ``stale`` (older than what we know)."""

    current: dict[str, str]
    superseded: set[str]
    changed: set[str]
    stale: bool = False


@dataclass(frozen=True)
class _BothChanged:
    """What the conflict check found: the fields the source still writes, the fields where
    the target's value won (``lost``), those both sides changed when the mapping acts on the
    whole record (``clash``), and the target as read (None when it was not read)."""

    keep: tuple[FieldMap, ...]
    lost: tuple[str, ...] = ()
    clash: tuple[str, ...] = ()
    target: SourceRecord | None = None


@dataclass(frozen=True)
class Sides:
    """The two connectors of a connection."""

    crm: Connector
    erp: Connector

    def on(self, side: Side) -> Connector:
        return self.crm if side is Side.CRM else self.erp


class SyncEngine:
    def __init__(
        self,
        connection: Connection,
        sides: Sides,
        links: LinkStore,
        audit: AuditTrail,
        metrics: MetricSink,
    ) -> None:
        self._connection = connection
        self._catalog = MappingCatalog.for_connection(connection)
        self._sides = sides
        self._links = links
        self._audit = audit
        self._metrics = metrics

    @property
    def connection_id(self) -> str:
        return self._connection.connection_id

    # -- entry point ---------------------------------------------------------------------

    def apply(self, event: ChangeEvent) -> Outcome:
        """One event, its calls made one by one."""
        return run_one(self._sides, self.plan(event))

    def apply_all(self, events: Sequence[ChangeEvent]) -> list[Outcome | LedgerlinkError]:
        """Several events (of different records) at once, their calls batched; answers each
        event's outcome or its own error, in order. The events of each mapping run together,
        mappings in the order the pair lists them (parents first): a contact's read then
        shows the key its account got in the same batch, instead of failing on a parent not
        synced yet and coming back. Each object is read and written once either way."""
        waves: dict[int, list[int]] = {}
        for i, event in enumerate(events):
            waves.setdefault(self._rank(event), []).append(i)
        results: dict[int, Outcome | LedgerlinkError] = {}
        for _, wave in sorted(waves.items()):
            results.update(run_plans(self._sides, {i: self.plan(events[i]) for i in wave}))
        return [results[i] for i in range(len(events))]

    def _rank(self, event: ChangeEvent) -> int:
        """Where the event's mapping stands in the pair's list (unmapped: first, to fail)."""
        try:
            mapping, _ = self._catalog.for_ref(event.ref)
        except UnmappedObjectError:
            return -1
        return self._catalog.mappings.index(mapping)

    def plan(self, event: ChangeEvent) -> Plan[Outcome]:
        mapping, side = self._catalog.for_ref(event.ref)
        if event.operation is Operation.DELETE:
            return self._done(event.ref, Action.DELETE_NOT_PROPAGATED)
        record = yield from self._read_source(event, mapping, side)
        if record is None:
            return self._done(event.ref, Action.SOURCE_MISSING, audited=False)
        if self._new_by_notice(event, mapping, side, record):
            try:
                return (yield from self._first_sync(mapping, side, record, unread=True))
            except LinkExistsError:
                pass  # linked or begun after all (a notice delivered again): read it
        link = self._links.get(self._connection.connection_id, record.ref)
        if link is None:
            return (yield from self._first_sync(mapping, side, record))
        if link.status == "detached":  # set aside when its counterpart was cloned away
            return self._done(record.ref, Action.SKIPPED, audited=False)
        if link.status == "pending":
            origin = link.side(side)
            if link.origin is side and origin is not None and origin.ref == record.ref:
                # our own create, retried after it failed midway: from the record as it is
                # now, since the attempt may have copied a later version than a poller's
                # snapshot holds (a lost answer, then a late event: no older values over it)
                if event.snapshot is not None:
                    record = yield self._read(side, mapping, record.ref)
                    if record is None:
                        return self._done(event.ref, Action.SOURCE_MISSING, audited=False)
                return (yield from self._create(mapping, side, record, resumed=link))
            raise LinkPendingError(f"{record.ref} is being linked by another worker")
        return (
            yield from self._sync_linked(
                mapping, side, record, link, repair=event.source == "repair"
            )
        )

    # -- reading -------------------------------------------------------------------------

    def _read_source(
        self, event: ChangeEvent, mapping: ObjectMapping, side: Side
    ) -> Plan[SourceRecord | None]:
        if event.snapshot is not None:
            return SourceRecord(
                ref=event.ref,
                fields=event.snapshot,
                modified_at=datetime.fromisoformat(event.version) if event.version else None,
            )
        found: SourceRecord | None = yield self._read(side, mapping, event.ref)
        return found

    def _read(self, side: Side, mapping: ObjectMapping, ref: RecordRef) -> Read:
        return Read(side, ref.object, ref.record_id, tuple(sorted(mapping.tracked_paths(side))))

    def is_noop(
        self, mapping: ObjectMapping, side: Side, record: SourceRecord, link: SyncLink
    ) -> bool:
        """Whether this version of a linked record would change nothing on the other side:
        a late event, our own write coming back, or no mapped field changed. The poller asks
        before it queues; the engine decides the same way."""
        state = link.side(side)
        if state is None or link.status != "linked":
            return False
        reading = self._reading(mapping, side, record, state)
        return reading.stale or not reading.changed

    def _reading(
        self,
        mapping: ObjectMapping,
        side: Side,
        record: SourceRecord,
        state: SideState,
        *,
        repair: bool = False,
    ) -> _Reading:
        """What a version read from a linked side means. ``repair``: every outgoing field
        counts as changed, whatever the hashes say."""
        current = hashes_of(record.fields, mapping.tracked_paths(side))
        outgoing = {p: current[p] for p in mapping.outgoing_inputs(side)}
        if repair:
            return _Reading(current, set(), set(outgoing))
        if self._is_stale(side, record, state, current) or _our_late_echo(state, outgoing, record):
            return _Reading(current, set(), set(), stale=True)
        # Values of this side our later writes replaced: this read predates them
        coarse = not self._sides.on(side).unique_stamps
        superseded = _superseded(state, record, coarse=coarse)
        fresh = {p: h for p, h in outgoing.items() if p not in superseded}
        return _Reading(current, superseded, changed_paths(fresh, state.hashes))

    # -- records already linked ----------------------------------------------------------

    def _sync_linked(
        self,
        mapping: ObjectMapping,
        side: Side,
        record: SourceRecord,
        link: SyncLink,
        *,
        repair: bool = False,
    ) -> Plan[Outcome]:
        """``repair`` (a reconciliation found the two sides differ): this side is right,
        write every mapped field it sends, whatever the hashes say."""
        state = link.side(side)
        assert state is not None
        reading = self._reading(mapping, side, record, state, repair=repair)
        if reading.stale:
            count(self._metrics, BusinessMetric.STALE_SKIPPED)
            return self._done(record.ref, Action.STALE_SKIPPED, audited=False)
        changed = reading.changed
        seen = link.with_side(side, _seen(state, record, reading.current, keep=reading.superseded))
        if not changed:
            # Nothing to write, nothing saved: what we wrote stays remembered until a change
            count(self._metrics, BusinessMetric.ECHO_SKIPPED)
            return self._done(record.ref, Action.ECHO_SKIPPED, audited=False)
        if side is Side.CRM and not matches_filter(mapping, record.fields):
            # Out of the filter: nothing noted as seen, so what changed while it was out
            # flows when it comes back in
            return self._done(record.ref, Action.FILTERED)
        fields = fields_touched_by(mapping, side, changed, creating=False)
        target_state = link.side(side.other)
        assert target_state is not None
        lost: tuple[str, ...] = ()
        read_before = False  # whether the target was read before writing (conflicts)
        if not repair:
            both = yield from self._resolve_conflicts(mapping, side, record, target_state, fields)
            read_before = both.target is not None
            if both.clash and mapping.on_conflict == "skip":
                assert both.target is not None
                target_seen = _seen(
                    target_state,
                    both.target,
                    hashes_of(both.target.fields, mapping.tracked_paths(side.other)),
                    keep=set(),
                )
                return self._done(
                    record.ref,
                    Action.SKIPPED,
                    conflicts=both.clash,
                    saving=seen.with_side(side.other, target_seen),
                    reason=f"changed on both sides: {', '.join(both.clash)}",
                )
            if both.clash and mapping.on_conflict == "clone":
                assert both.target is not None
                crm_record = record if side is Side.CRM else both.target
                return (yield from self._clone(mapping, crm_record, link))
            fields, lost = list(both.keep), both.lost
        if not fields:
            return self._done(record.ref, Action.CONFLICT_KEPT_TARGET, conflicts=lost, saving=seen)
        payload = build_payload(fields, side, record.fields)
        sent_at = datetime.now(UTC)
        # Where the target was read before writing, that was this batch's one read of it:
        # what we wrote is remembered instead of read back
        reads_back = self._sides.on(side.other).cheap_reads and not read_before
        answer: WriteResult = yield self._update(
            side.other,
            target_state.ref,
            payload,
            _idempotency_key(self._connection, record, f"update:{record_digest(payload)}"),
            read_back=tuple(sorted(mapping.tracked_paths(side.other))) if reads_back else (),
        )
        after = yield from self._after_write(
            mapping,
            side.other,
            target_state,
            payload,
            sent_at,
            read_back_allowed=not read_before,
            answered=answer.record,
        )
        count(self._metrics, BusinessMetric.RECORD_SYNCED)
        return self._done(
            record.ref,
            Action.UPDATED,
            target=target_state.ref,
            fields=tuple(sorted(payload)),
            conflicts=lost,
            saving=seen.with_side(side.other, after),
        )

    def _is_stale(
        self, side: Side, record: SourceRecord, state: SideState, current: Mapping[str, str]
    ) -> bool:
        """Older than what we last saw: a late event. Where stamps are coarse (Intacct: whole
        seconds), an equal stamp may be a second edit: it is stale only when its content is
        the version we last read."""
        if state.modified_at is None or record.modified_at is None:
            return False
        if record.modified_at < state.modified_at:
            return True
        if record.modified_at > state.modified_at:
            return False
        if self._sides.on(side).unique_stamps:
            return True
        return state.seen_digest is not None and state.seen_digest == record_digest(current)

    def _resolve_conflicts(
        self,
        mapping: ObjectMapping,
        side: Side,
        record: SourceRecord,
        target_state: SideState,
        fields: list[FieldMap],
    ) -> Plan[_BothChanged]:
        """Which fields the source still writes where the target changed them too. A
        mapping's ``on_conflict`` overwrite is crm_wins; skip and clone read the target and
        only say which fields clash (the caller acts on the whole record)."""
        policy = self._connection.conflict_policy
        if mapping.on_conflict == "overwrite":
            policy = ConflictPolicy.CRM_WINS
        whole_record = mapping.on_conflict in ("skip", "clone")
        if not whole_record and not must_read_target(policy, side.other):
            return _BothChanged(tuple(fields))
        if not whole_record and not any(f.direction.flows_from(side.other) for f in fields):
            # Only fields the target never sends (hours, percent complete, a record URL the
            # ERP computes): an edit of them on the target is no competing version, and the
            # source, their only authority, is written without reading the target first
            return _BothChanged(tuple(fields))
        target_record: SourceRecord | None = yield self._read(side.other, mapping, target_state.ref)
        if target_record is None:
            raise PermanentError(f"{target_state.ref} no longer exists; its link is stale")
        target_now = hashes_of(target_record.fields, target_state.hashes)
        target_changed = changed_paths(target_now, target_state.hashes)
        if whole_record:
            clash = tuple(f.name for f in fields if f.target_path(side) in target_changed)
            return _BothChanged(tuple(fields), clash=clash, target=target_record)
        resolution = resolve(policy, side, fields, target_changed, record, target_record)
        if resolution.kept_target:
            count(self._metrics, BusinessMetric.CONFLICT_RESOLVED)
            self._audit.record(
                self._connection.connection_id,
                record.ref,
                "conflict_resolved",
                policy=policy.value,
                target_kept=",".join(resolution.kept_target),
            )
        return _BothChanged(resolution.keep, lost=resolution.kept_target, target=target_record)

    def _clone(
        self, mapping: ObjectMapping, crm_record: SourceRecord, link: SyncLink
    ) -> Plan[Outcome]:
        """On conflict, clone: the ERP record stays as it is but is set aside (ledgerlink's
        match field on it cleared, a detached link keeping it from syncing again) and the CRM
        record gets a new ERP counterpart."""
        identity = mapping.erp_identity
        assert identity is not None
        assert identity.match_field is not None
        assert link.erp is not None
        old = link.erp
        yield self._update(
            Side.ERP,
            old.ref,
            {identity.match_field: ""},
            _idempotency_key(self._connection, crm_record, f"set-aside:{old.ref.record_id}"),
        )
        self._links.delete(link)
        self._links.save(
            SyncLink(
                connection_id=self._connection.connection_id,
                mapping=mapping.name,
                status="detached",
                home=Side.ERP,
                erp=SideState(ref=old.ref, internal_id=old.internal_id),
            )
        )
        created = yield from self._create(mapping, Side.CRM, crm_record)
        return created.model_copy(update={"action": Action.CLONED})

    # -- first sight of a record ---------------------------------------------------------

    def _new_by_notice(
        self, event: ChangeEvent, mapping: ObjectMapping, side: Side, record: SourceRecord
    ) -> bool:
        """Whether ``record`` is taken for unlinked without reading its link: the source told
        this version is its creation (``ChangeEvent.created``), it names no ERP record, and
        its copy's first write is an intent saved only if nothing is stored for it
        (``LinkStore.begin(strict=True)``), which proves it. Should something be (the notice
        came again after the first one's copy began), that write fails, nothing is written,
        and the link is read as for any event."""
        if not event.created or side is not Side.CRM:
            return False
        identity = mapping.identity(Side.ERP)
        if identity is None or identity.strategy != "chosen_key" or identity.adopt_field:
            return False
        if mapping.crm_key_field and record.get(mapping.crm_key_field):
            return False
        return self._copies_known(mapping, Side.ERP)

    def _first_sync(
        self, mapping: ObjectMapping, side: Side, record: SourceRecord, *, unread: bool = False
    ) -> Plan[Outcome]:
        if side is Side.CRM:
            if not matches_filter(mapping, record.fields):
                return self._done(record.ref, Action.FILTERED)
            existing_key = record.get(mapping.crm_key_field) if mapping.crm_key_field else None
            if existing_key:
                return (yield from self._adopt_existing_erp(mapping, record, str(existing_key)))
        elif owned_by_another(self._sides.erp, mapping, record):
            return self._done(record.ref, Action.FILTERED)  # e.g. a customer's own contact
        else:
            self._not_our_copy_in_progress(mapping, record)
            self._not_made_by_us(mapping, Side.ERP, record)
        return (yield from self._create(mapping, side, record, unread=unread))

    def _not_our_copy_in_progress(self, mapping: ObjectMapping, record: SourceRecord) -> None:
        """An ERP record that carries a CRM record's key in its match field (the mark our
        creates leave) while that CRM record's create is still pending is our own copy, seen
        before its link was saved: it waits for the link instead of being copied back."""
        identity = mapping.erp_identity
        if identity is None or identity.strategy != "assigned" or not identity.match_field:
            return
        named = record.get(identity.match_field)
        if not named:
            return
        crm_ref = RecordRef(
            system=self._sides.crm.system, object=mapping.crm_object, record_id=str(named)
        )
        other = self._links.get(self._connection.connection_id, crm_ref)
        if other is not None and other.status == "pending":
            raise LinkPendingError(f"{record.ref} is {crm_ref}'s copy, being linked")

    def _not_made_by_us(self, mapping: ObjectMapping, side: Side, record: SourceRecord) -> None:
        """A record of ``side`` without a link that ledgerlink's own user created (its
        ``Identity.creator_field``) is a copy of ours whose link is not saved yet (a create
        saves little before it writes: see ``_create``): it waits for that link, never
        copied back nor adopted. Nothing else creates these objects as that user."""
        if self._made_by_us(mapping, side, record):
            raise LinkPendingError(f"{record.ref} is a copy ledgerlink made, being linked")

    def _made_by_us(self, mapping: ObjectMapping, side: Side, record: SourceRecord) -> bool:
        check = creator_check(mapping, side, self._sides.on(side))
        return check is not None and check.connector.made_by_us(record.get(check.field))

    def _copies_known(self, mapping: ObjectMapping, target: Side) -> bool:
        """Whether a copy of ours on ``target`` is known by its creator when it is seen before
        its link is saved (``_not_made_by_us``): then a create need not hold the target's key
        for it beforehand."""
        return creator_check(mapping, target, self._sides.on(target)) is not None

    def _adopt_existing_erp(
        self, mapping: ObjectMapping, record: SourceRecord, erp_key: str
    ) -> Plan[Outcome]:
        """The CRM record already names its ERP counterpart: link to it, never create."""
        erp_ref = RecordRef(
            system=self._sides.erp.system, object=mapping.erp_object, record_id=erp_key
        )
        other = self._links.get(self._connection.connection_id, erp_ref)
        if other is not None:
            if other.status == "pending":
                raise LinkPendingError(f"{erp_ref} is being linked by another worker")
            raise LinkConflictError(
                f"{record.ref} names {erp_ref}, which is already linked to "
                f"{other.crm.ref if other.crm else 'another record'}"
            )
        self._not_made_by_us(mapping, Side.CRM, record)  # our copy of it, being linked
        erp_record: SourceRecord | None = yield self._read(Side.ERP, mapping, erp_ref)
        if erp_record is None:
            raise PermanentError(
                f"{record.ref} names {mapping.erp_key_field} {erp_key}, which does not exist "
                f"in {self._sides.erp.system}"
            )
        self._not_made_by_us(mapping, Side.ERP, erp_record)  # another record's copy, in flight
        link = SyncLink(
            connection_id=self._connection.connection_id,
            mapping=mapping.name,
            home=Side.ERP,
            crm=SideState(ref=record.ref),
            erp=SideState(ref=erp_ref, internal_id=erp_record.internal_id),
        )
        outcome = yield from self._sync_linked(mapping, Side.CRM, record, self._links.save(link))
        return outcome.model_copy(update={"action": Action.LINKED_EXISTING})

    # -- creating the counterpart: intent, payload, write, link, key back ------------------

    def _create(
        self,
        mapping: ObjectMapping,
        side: Side,
        record: SourceRecord,
        resumed: SyncLink | None = None,
        *,
        unread: bool = False,
    ) -> Plan[Outcome]:
        """Copy ``record`` to the other side so that no retry can make a second record
        (``unread``: its link was not read, see ``_new_by_notice``)."""
        target = side.other
        identity = mapping.identity(target)
        if identity is None:
            raise PermanentError(f"{mapping.name}: records are never created in the {target}")
        if resumed is None and identity.adopt_field:
            adopted = yield from self._adopt_same_key(mapping, side, record, identity)
            if adopted is not None:
                return adopted
        pending = resumed or self._begin(mapping, side, record, identity, strict=unread)
        fields: tuple[str, ...] = ()
        after: SourceRecord | None = None
        payload: dict[str, Any] | None = None  # None: a resumed create's copy was written
        if not pending.written:  # a resumed create whose copy exists skips to what remains
            payload = self._create_payload(mapping, side, record, identity, pending)
            sent_at = datetime.now(UTC)
            try:
                result = yield from self._write_new(
                    mapping, side, record, identity, pending, payload, resumed=resumed is not None
                )
            except RecordSkippedError as skipped:  # its intent is forgotten already
                return self._done(record.ref, Action.SKIPPED, reason=skipped.reason)
            pending, after = yield from self._record_written(
                mapping, side, record, pending, result, payload, sent_at
            )
            fields = tuple(sorted(payload))
        # Every step after the write is retried until done: the link stays pending till then,
        # saved as written if a step fails (the retry resumes after the write).
        try:
            pending = yield from self._show_key_on_crm(
                mapping, side, pending, record, erp_after=after, sent=payload
            )
            pending = yield from self._complete_erp_from_crm(mapping, side, pending, record, after)
        except LedgerlinkError:
            if pending.written and not (resumed is not None and resumed.written):
                self._links.save(pending)
            raise
        linked = pending.model_copy(update={"status": "linked", "origin": None})
        count(self._metrics, BusinessMetric.RECORD_CREATED)
        target_state = linked.side(target)
        assert target_state is not None
        return self._done(
            record.ref, Action.CREATED, target=target_state.ref, fields=fields, saving=linked
        )

    def _adopt_same_key(
        self, mapping: ObjectMapping, side: Side, record: SourceRecord, identity: Identity
    ) -> Plan[Outcome | None]:
        """A record of the other side that already holds the key the copy would get, and
        that no link holds, is linked to instead of created beside (``Identity.adopt_field``);
        then this side's values flow to it as for any linked change. None: nothing to adopt."""
        target = side.other
        assert identity.adopt_field is not None
        key = _copy_key(record, identity)
        found: list[SourceRecord] = yield Find(
            target,
            mapping.object_on(target),
            identity.adopt_field,
            key,
            tuple(sorted(mapping.tracked_paths(target))),
        )
        if not found:
            return None
        held = self._links.get_many(
            self._connection.connection_id, [r.ref for r in found], consistent=True
        )
        free = [r for r in found if r.ref not in held]
        for other in free:  # a copy of ours, seen before its link is saved, is not free
            self._not_made_by_us(mapping, target, other)
        if not free:
            if identity.strategy == "chosen_key":  # the create would be refused anyway
                raise LinkConflictError(
                    f"{record.ref}: {mapping.object_on(target)} {key} already exists and is "
                    "linked to another record"
                )
            return None
        other = free[0]
        crm, erp = (record, other) if side is Side.CRM else (other, record)
        link = SyncLink(
            connection_id=self._connection.connection_id,
            mapping=mapping.name,
            home=Side.ERP,
            crm=SideState(ref=crm.ref, internal_id=crm.internal_id),
            erp=SideState(ref=erp.ref, internal_id=erp.internal_id),
        )
        link = yield from self._show_key_on_crm(mapping, Side.CRM, link, crm)
        try:
            saved = self._links.save(link)
        except (RecordLinkedElsewhereError, ConcurrentLinkUpdateError) as exc:
            # the other record's own event adopted this one meanwhile: the retry finds the link
            raise LinkPendingError(f"{record.ref}: {other.ref} was linked meanwhile") from exc
        outcome = yield from self._sync_linked(mapping, side, record, saved)
        return outcome.model_copy(update={"action": Action.LINKED_EXISTING})

    def _begin(
        self,
        mapping: ObjectMapping,
        side: Side,
        record: SourceRecord,
        identity: Identity,
        *,
        strict: bool = False,
    ) -> SyncLink:
        """What a create saves before it writes, so that no retry makes a second copy, nor
        the copy's own sight (before its link is saved) a copy back.

        Where the target tells a copy of ours by its creator (``_copies_known``), that
        sight waits by itself, and the create saves only what its retry needs: with a key
        ledgerlink chooses, the intent rides on the source record's pointer to that key
        (``LinkStore.begin``; the link, saved at the key after the write, is the create's
        only other write); with a key the target assigns, nothing (the create is an upsert
        on the source's key). Elsewhere the intent is a pending link of its own, and the
        link then rewrites it."""
        intent = self._intent(mapping, side, record, identity)
        if not self._copies_known(mapping, side.other):
            return self._links.save(intent)
        if identity.strategy == "chosen_key":
            return self._links.begin(intent, strict=strict)
        return intent

    def _intent(
        self, mapping: ObjectMapping, side: Side, record: SourceRecord, identity: Identity
    ) -> SyncLink:
        """The pending link saved before the create: which record is being copied and, where
        ledgerlink chooses the key, the key it will have."""
        link = SyncLink(
            connection_id=self._connection.connection_id,
            mapping=mapping.name,
            status="pending",
            origin=side,
            home=side,
        ).with_side(side, SideState(ref=record.ref, internal_id=record.internal_id))
        if identity.strategy == "chosen_key":
            key = _copy_key(record, identity)
            target_ref = RecordRef(
                system=self._sides.on(side.other).system,
                object=mapping.object_on(side.other),
                record_id=key,
            )
            link = link.with_side(side.other, SideState(ref=target_ref))
        # Stored under the ERP record's key where it is known now: a CRM record that shows
        # that key (crm_key_field) then leads to its link in one read (shared/sync/echoes.py)
        if link.erp is not None:
            link = link.model_copy(update={"home": Side.ERP})
        return link

    def _create_payload(
        self,
        mapping: ObjectMapping,
        side: Side,
        record: SourceRecord,
        identity: Identity,
        pending: SyncLink,
    ) -> dict[str, Any]:
        fields = fields_touched_by(mapping, side, (), creating=True)
        payload = build_payload(fields, side, record.fields)
        if identity.strategy == "chosen_key":
            assert identity.key_field is not None
            payload[identity.key_field] = _target_ref(pending, side).record_id
        else:
            assert identity.match_field is not None
            payload[identity.match_field] = record.key
        return payload

    def _write_new(
        self,
        mapping: ObjectMapping,
        side: Side,
        record: SourceRecord,
        identity: Identity,
        pending: SyncLink,
        payload: dict[str, Any],
        *,
        resumed: bool,
    ) -> Plan[WriteResult]:
        obj = mapping.object_on(side.other)
        written: WriteResult
        if identity.strategy == "assigned":
            assert identity.match_field is not None
            if resumed and isinstance(self._sides.on(side.other), SupportsWhereIn):
                # Did the attempt that saved this intent make the copy? Its controlid named
                # that attempt's version of the record: a later version would make another.
                found: list[SourceRecord] = yield Find(
                    side.other,
                    obj,
                    identity.match_field,
                    record.key,
                    tuple(sorted(mapping.tracked_paths(side.other))),
                )
                if found:
                    copy = found[0]
                    resumed_write: WriteResult = yield self._resume_write(
                        mapping, side, record, copy.ref, payload
                    )
                    return WriteResult(
                        key=copy.key, internal_id=copy.internal_id, record=resumed_write.record
                    )
            # The target finds a lost create again by the source's key in match_field.
            written = yield Put(
                side.other,
                obj,
                Write(
                    fields=payload,
                    idempotency_key=_idempotency_key(self._connection, record, "create"),
                    external_key=(identity.match_field, record.key),
                    read_back=self._read_back(mapping, side.other, payload),
                ),
            )
            return written
        target_ref = _target_ref(pending, side)
        key = target_ref.record_id
        if resumed:  # did the attempt that saved this intent create the record?
            existing: SourceRecord | None = yield Read(
                side.other, obj, key, (identity.key_field or "",)
            )
            if existing is not None:
                updated: WriteResult = yield self._resume_write(
                    mapping, side, record, target_ref, payload
                )
                return WriteResult(key=key, internal_id=existing.internal_id, record=updated.record)
        try:
            written = yield Put(
                side.other,
                obj,
                Write(
                    fields=payload,
                    idempotency_key=_idempotency_key(self._connection, record, "create"),
                    read_back=self._read_back(mapping, side.other, payload),
                ),
            )
            return written
        except PermanentError:
            # Nothing was created: forget the intent, so a corrected record starts over
            # instead of resuming onto a key that belongs to someone else.
            self._links.delete(pending)
            raise

    def _resume_write(
        self,
        mapping: ObjectMapping,
        side: Side,
        record: SourceRecord,
        target_ref: RecordRef,
        payload: Mapping[str, Any],
    ) -> Put:
        """The update that finishes a resumed create whose copy exists (an earlier attempt
        made it, its answer lost), answered with the copy as it stands: what the target
        made of it (a record number, a URL, rolled-up hours) that a create's answer would
        have told, and the copy's own sight is an echo of."""
        return self._update(
            side.other,
            target_ref,
            payload,
            _idempotency_key(self._connection, record, "resume"),
            read_back=tuple(sorted(mapping.tracked_paths(side.other))),
        )

    def _record_written(
        self,
        mapping: ObjectMapping,
        side: Side,
        record: SourceRecord,
        pending: SyncLink,
        result: WriteResult,
        payload: Mapping[str, Any],
        sent_at: datetime,
    ) -> Plan[tuple[SyncLink, SourceRecord | None]]:
        """The link as it stands once the copy exists (not saved yet: see ``_create``), and
        the copy as read back (None where it was not)."""
        target = side.other
        known = pending.side(target)
        target_ref = RecordRef(
            system=self._sides.on(target).system,
            object=mapping.object_on(target),
            record_id=result.key,
        )
        base = (known or SideState(ref=target_ref)).model_copy(
            update={"ref": target_ref, "internal_id": result.internal_id}
        )
        read_back: list[SourceRecord] = []
        target_state = yield from self._after_write(
            mapping, target, base, payload, sent_at, read_back, answered=result.record
        )
        source_state = _seen(
            pending.side(side) or SideState(ref=record.ref),
            record,
            hashes_of(record.fields, mapping.tracked_paths(side)),
        )
        written = pending.model_copy(update={"written": True})
        written = written.with_side(side, source_state).with_side(target, target_state)
        return written, (read_back[0] if read_back else None)

    def _complete_erp_from_crm(
        self,
        mapping: ObjectMapping,
        side: Side,
        link: SyncLink,
        record: SourceRecord,
        crm_after: SourceRecord | None = None,
    ) -> Plan[SyncLink]:
        """After an ERP record was copied to the CRM, the fields that only flow from the CRM
        (a company name, a print-as name computed from the CRM's names) are what the new CRM
        record makes of them: write the ones the ERP record lacks or holds differently.
        Values the CRM record leaves empty never blank the ERP's. ``crm_after``: the new CRM
        record as read back after the create, when it was (no second read)."""
        if side is not Side.ERP or link.crm is None or link.erp is None:
            return link
        only_from_crm = [
            f for f in mapping.flowing_from(Side.CRM) if not f.direction.flows_from(Side.ERP)
        ]
        if not only_from_crm:
            return link
        crm = crm_after
        if crm is None:
            crm = yield self._read(Side.CRM, mapping, link.crm.ref)
        if crm is None:
            return link
        payload = {
            f.target_path(Side.CRM): value
            for f, value in ((f, value_for_target(f, Side.CRM, crm.fields)) for f in only_from_crm)
            if normalize(value)
            and normalize(value) != normalize(record.get(f.target_path(Side.CRM)))
        }
        if not payload:
            return link
        sent_at = datetime.now(UTC)
        yield self._update(
            Side.ERP,
            link.erp.ref,
            payload,
            _idempotency_key(self._connection, record, "complete"),
        )
        erp = yield from self._after_write(mapping, Side.ERP, link.erp, payload, sent_at)
        return link.with_side(Side.ERP, erp)

    def _show_key_on_crm(
        self,
        mapping: ObjectMapping,
        side: Side,
        link: SyncLink,
        record: SourceRecord,
        *,
        erp_after: SourceRecord | None = None,
        sent: Mapping[str, Any] | None = None,
    ) -> Plan[SyncLink]:
        """After a CRM record was copied to the ERP, show the ERP key on it (e.g.
        Account.Intacct_Customer_ID__c), and, where the copy was read back in its create's
        request (``erp_after``), what the ERP made of it that the CRM record lacks (values
        the ERP derives or defaults: a record URL, computed hours, a default status), in
        the same write: the poll's sight of the new ERP record is then an echo."""
        if side is not Side.CRM:
            return link
        assert link.crm is not None
        assert link.erp is not None
        payload = _derived_for_crm(mapping, record, erp_after, sent or {})
        if mapping.crm_key_field:
            erp_key = link.erp.ref.record_id
            if str(record.get(mapping.crm_key_field) or "") != erp_key:
                payload[mapping.crm_key_field] = erp_key
        if not payload:
            return link
        yield self._update(
            Side.CRM,
            link.crm.ref,
            payload,
            _idempotency_key(self._connection, record, "stamp"),
        )
        hashes = {**link.crm.hashes, **hashes_of(payload, payload.keys())}
        return link.with_side(Side.CRM, link.crm.model_copy(update={"hashes": hashes}))

    def _read_back(
        self, mapping: ObjectMapping, target: Side, payload: Mapping[str, Any]
    ) -> tuple[str, ...]:
        """The fields a create asks to be answered with (read in its own request where the
        connector can): where reads are cheap, what would be read back anyway; elsewhere
        only where the target derives values the create cannot know (paths flowing out of
        it that the payload does not set), which would otherwise come back by the poll as
        a change of their own."""
        tracked = mapping.tracked_paths(target)
        derived = mapping.outgoing_inputs(target) - set(payload)
        if self._sides.on(target).cheap_reads or derived:
            return tuple(sorted(tracked))
        return ()

    # -- after a write -------------------------------------------------------------------

    def _after_write(
        self,
        mapping: ObjectMapping,
        side: Side,
        state: SideState,
        payload: Mapping[str, Any],
        sent_at: datetime,
        read_back: list[SourceRecord] | None = None,
        *,
        read_back_allowed: bool = True,
        answered: SourceRecord | None = None,
    ) -> Plan[SideState]:
        """What we now know of the side we wrote: the record the write answered with
        (``answered``), else read back where reads are cheap (exact, includes values the
        system derived; kept in ``read_back``), else the hashes of what we wrote."""
        fresh: SourceRecord | None = answered
        if fresh is None and self._sides.on(side).cheap_reads and read_back_allowed:
            fresh = yield self._read(side, mapping, state.ref)
        if fresh is not None:
            if read_back is not None:
                read_back.append(fresh)
            read = hashes_of(fresh.fields, mapping.tracked_paths(side))
            if state.modified_at is None and not state.hashes:  # the record we just made
                return state.model_copy(update={"hashes": read, "modified_at": fresh.modified_at})
            # An update: only the paths we wrote are known now. A person's edit saved just
            # before our write is in this read too, but not synced: its paths keep their old
            # hashes and the stamp stays, so the edit still flows out.
            written = {p: h for p, h in read.items() if p in payload}
            return state.model_copy(update={"hashes": {**state.hashes, **written}})
        return written_state(mapping, side, state, payload, sent_at)

    def _update(
        self,
        side: Side,
        ref: RecordRef,
        payload: Mapping[str, Any],
        key: str,
        read_back: tuple[str, ...] = (),
    ) -> Put:
        """An update; with ``read_back``, answered with the record as written where the
        connector reads it in the write's own request (``_after_write`` reads it else)."""
        return Put(
            side,
            ref.object,
            Write(fields=payload, idempotency_key=key, key=ref.record_id, read_back=read_back),
        )

    def _done(
        self,
        ref: RecordRef,
        action: Action,
        *,
        target: RecordRef | None = None,
        fields: tuple[str, ...] = (),
        conflicts: tuple[str, ...] = (),
        audited: bool = True,
        saving: SyncLink | None = None,
        reason: str | None = None,
    ) -> Outcome:
        """The outcome, in the audit trail unless it is a no-op (``audited`` False). With
        ``saving``, that link is saved with the decision as its newest note: one write for
        both."""
        detail = {"fields": ",".join(fields)} if fields else {}
        if target is not None:
            detail["target"] = str(target)
        if reason is not None:
            detail["reason"] = reason
        if saving is not None:
            entry = AuditEntry(at=datetime.now(UTC), ref=ref, action=action.value, detail=detail)
            self._links.save(saving.noted(entry))
        elif audited:
            self._audit.record(self._connection.connection_id, ref, action.value, **detail)
        return Outcome(
            action=action,
            source=str(ref),
            target=str(target) if target else None,
            fields=fields,
            conflicts=conflicts,
        )


def written_state(
    mapping: ObjectMapping,
    side: Side,
    state: SideState,
    payload: Mapping[str, Any],
    sent_at: datetime,
) -> SideState:
    """A side we wrote and do not read back: the hashes of what we wrote over what we knew,
    and the write remembered, so that its echo, however late, is recognised."""
    hashes = {**state.hashes, **hashes_of(payload, payload.keys())}
    outgoing = {p: hashes.get(p, "") for p in mapping.outgoing_inputs(side)}
    written = WrittenVersion(
        digest=record_digest(outgoing),
        at=datetime.now(UTC),
        sent_at=sent_at,
        fields=tuple(sorted(payload)),
    )
    return state.model_copy(
        update={"hashes": hashes, "written": (*state.written, written)[-MAX_WRITTEN:]}
    )


class CreatorCheck(NamedTuple):
    field: str  # where the records show their creator (``Identity.creator_field``)
    connector: SupportsCreatorCheck  # which tells ledgerlink's own user there


def creator_check(mapping: ObjectMapping, side: Side, connector: Connector) -> CreatorCheck | None:
    """How ``mapping``'s records on ``side`` tell a copy ledgerlink made: the field showing
    their creator and a connector that knows its own user; None where either is missing."""
    identity = mapping.identity(side)
    if identity is None or identity.creator_field is None:
        return None
    if not isinstance(connector, SupportsCreatorCheck) or not connector.knows_own_user:
        return None
    return CreatorCheck(identity.creator_field, connector)


def owned_by_another(erp: Connector, mapping: ObjectMapping, record: SourceRecord) -> bool:
    """Whether another ERP object owns this ERP record (``mapping.erp_owned_by``): such
    records are not copied (Intacct's contact behind each customer)."""
    if mapping.erp_owned_by is None:
        return False
    if not isinstance(erp, SupportsExistsWhere):
        raise PermanentError(f"{mapping.name}: {erp.system} cannot tell who owns a record")
    owner, field = mapping.erp_owned_by
    return erp.exists_where(owner, field, record.key)


def owned_keys(
    erp: Connector,
    mapping: ObjectMapping,
    records: Sequence[SourceRecord],
    known: Set[str] = frozenset(),
) -> set[str]:
    """The keys of the ``records`` (ERP records of ``mapping``) that another ERP object owns,
    in one request where the system can (else one per record). ``known``: keys already seen
    held by an owner (the same poll read the owners), not asked again."""
    if mapping.erp_owned_by is None or not records:
        return set()
    owner, field = mapping.erp_owned_by
    owned = {r.key for r in records if r.key in known}
    rest = [r for r in records if r.key not in owned]
    if not rest:
        return owned
    if isinstance(erp, SupportsWhereIn):
        found = erp.fetch_where_in(owner, field, [r.key for r in rest], [field])
        return owned | {str(r.get(field)) for r in found}
    return owned | {r.key for r in rest if owned_by_another(erp, mapping, r)}


def _derived_for_crm(
    mapping: ObjectMapping,
    crm_record: SourceRecord,
    erp_after: SourceRecord | None,
    sent: Mapping[str, Any],
) -> dict[str, Any]:
    """What a new ERP copy, as read back, holds beyond what we sent it (the ERP derived or
    defaulted it), as CRM values that differ from the CRM record's: what the poll's sight
    of the copy would otherwise bring over as a change."""
    if erp_after is None:
        return {}
    outgoing = mapping.outgoing_inputs(Side.ERP)
    read = hashes_of(erp_after.fields, outgoing)
    derived = changed_paths(read, hashes_of(sent, [p for p in outgoing if p in sent]))
    fields = fields_touched_by(mapping, Side.ERP, derived, creating=False)
    return {
        path: value
        for path, value in build_payload(fields, Side.ERP, erp_after.fields).items()
        if normalize(value) != normalize(crm_record.get(path))
    }


def _copy_key(record: SourceRecord, identity: Identity) -> str:
    """The key ``record``'s copy gets (``chosen_key``), or carries as the source's key
    (``assigned``)."""
    if identity.strategy == "chosen_key":
        assert identity.compute is not None
        return str(COMPUTES[identity.compute].fn(record.fields))
    return record.key


def _target_ref(pending: SyncLink, source: Side) -> RecordRef:
    state = pending.side(source.other)
    if state is None:
        raise PermanentError(f"pending link of {pending.refs()[0]} names no target key")
    return state.ref


def _seen(
    state: SideState,
    record: SourceRecord,
    hashes: Mapping[str, str],
    keep: set[str] | frozenset[str] = frozenset(),
) -> SideState:
    """A version read from this side: it supersedes every write of ours not yet seen, but
    for the paths in ``keep`` (ours were written after this version: theirs stand)."""
    read = {p: h for p, h in hashes.items() if p not in keep}
    later = tuple(v for v in state.written if keep.intersection(v.fields)) if keep else ()
    return state.model_copy(
        update={
            "modified_at": max(
                (t for t in (record.modified_at, state.modified_at) if t is not None),
                default=None,
            ),
            "hashes": {**state.hashes, **read},
            "internal_id": record.internal_id or state.internal_id,
            "seen_digest": record_digest(hashes),
            "written": later,
        }
    )


def _superseded(state: SideState, record: SourceRecord, *, coarse: bool) -> set[str]:
    """The paths of this side that a write of ours, sent after this version was stamped,
    replaced. Where stamps are whole seconds (``coarse``), a stamp in the second of the send
    could be either side of it, so only earlier seconds count."""
    if record.modified_at is None:
        return set()
    paths: set[str] = set()
    for version in state.written:
        if version.sent_at is None:
            continue
        sent = version.sent_at.replace(microsecond=0) if coarse else version.sent_at
        if record.modified_at < sent - CLOCK_SKEW_SENT:
            paths.update(version.fields)
    return paths


def _our_late_echo(state: SideState, outgoing: Mapping[str, str], record: SourceRecord) -> bool:
    """The read shows a version we wrote earlier that a later write of ours has replaced (a
    slow system, or a read that raced our write): coming back, it would undo our newer
    write. A version stamped well after we wrote it is someone's edit, whatever its values."""
    if len(state.written) < 2:
        return False  # the latest write's echo is an ordinary echo: equal hashes
    digest = record_digest(outgoing)
    for version in state.written[:-1]:
        if version.digest != digest:
            continue
        if record.modified_at is None or record.modified_at <= version.at + CLOCK_SKEW:
            return True
    return False


def _idempotency_key(connection: Connection, record: SourceRecord, op: str) -> str:
    """Stable for one version of one record and one operation (an update names its payload's
    digest, for two edits within one coarse stamp): a retry reuses it, a new edit does not."""
    version = record.modified_at.isoformat() if record.modified_at else "-"
    basis = f"{connection.connection_id}|{record.ref}|{version}|{op}"
    return hashlib.sha256(basis.encode()).hexdigest()[:32]
