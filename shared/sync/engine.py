"""The sync engine: fetch fresh -> map -> echo/conflict check -> write -> link + audit.

One ChangeEvent in, at most one write to the other side out. Every decision lands in the
audit trail and in a business metric.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from shared.connectors.base import Connector, SupportsExistsWhere
from shared.errors import LinkPendingError, PermanentError
from shared.mapping.computes import COMPUTES
from shared.mapping.fields import FieldMap, Identity, ObjectMapping, Side
from shared.mapping.mapper import (
    build_payload,
    fields_touched_by,
    matches_filter,
    value_for_target,
)
from shared.models.connection import Connection
from shared.models.events import ChangeEvent, Operation, RecordRef
from shared.models.links import SideState, SyncLink, WrittenVersion
from shared.models.records import SourceRecord, WriteResult
from shared.observability import BusinessMetric, MetricSink, count
from shared.pairs.catalog import MappingCatalog
from shared.state.audit import AuditTrail
from shared.state.links import LinkStore
from shared.sync.conflicts import must_read_target, resolve
from shared.sync.hashing import changed_paths, hashes_of, normalize, record_digest
from shared.sync.outcome import Action, Outcome

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

    # -- entry point ---------------------------------------------------------------------

    def apply(self, event: ChangeEvent) -> Outcome:
        mapping, side = self._catalog.for_ref(event.ref)
        if event.operation is Operation.DELETE:
            return self._done(event.ref, Action.DELETE_NOT_PROPAGATED)
        record = self._read_source(event, mapping, side)
        if record is None:
            return self._done(event.ref, Action.SOURCE_MISSING)
        link = self._links.get(self._connection.connection_id, record.ref)
        if link is None:
            return self._first_sync(mapping, side, record)
        if link.status == "pending":
            origin = link.side(side)
            if link.origin is side and origin is not None and origin.ref == record.ref:
                return self._resume(mapping, side, record, link)  # our own create, retried
            raise LinkPendingError(f"{record.ref} is being linked by another worker")
        return self._sync_linked(mapping, side, record, link, repair=event.source == "repair")

    def _resume(
        self, mapping: ObjectMapping, side: Side, record: SourceRecord, pending: SyncLink
    ) -> Outcome:
        """A create that failed midway (its pending link is saved) is tried again."""
        return self._create(mapping, side, record, resumed=pending)

    # -- reading -------------------------------------------------------------------------

    def _read_source(
        self, event: ChangeEvent, mapping: ObjectMapping, side: Side
    ) -> SourceRecord | None:
        if event.snapshot is not None:
            return SourceRecord(
                ref=event.ref,
                fields=event.snapshot,
                modified_at=datetime.fromisoformat(event.version) if event.version else None,
            )
        return self._sides.on(side).fetch(
            event.ref.object, event.ref.record_id, sorted(mapping.tracked_paths(side))
        )

    # -- records already linked ----------------------------------------------------------

    def _sync_linked(
        self,
        mapping: ObjectMapping,
        side: Side,
        record: SourceRecord,
        link: SyncLink,
        *,
        repair: bool = False,
    ) -> Outcome:
        """``repair`` (a reconciliation found the two sides differ): this side is right,
        write every mapped field it sends, whatever the hashes say."""
        state = link.side(side)
        assert state is not None
        current = hashes_of(record.fields, mapping.tracked_paths(side))
        outgoing = {p: current[p] for p in mapping.outgoing_inputs(side)}
        if not repair and (
            self._is_stale(side, record, state, current) or _our_late_echo(state, outgoing, record)
        ):
            count(self._metrics, BusinessMetric.STALE_SKIPPED)
            return self._done(record.ref, Action.STALE_SKIPPED)
        # Values of this side our later writes replaced: this read predates them
        coarse = not self._sides.on(side).unique_stamps
        superseded = set() if repair else _superseded(state, record, coarse=coarse)
        fresh = {p: h for p, h in outgoing.items() if p not in superseded}
        changed = set(outgoing) if repair else changed_paths(fresh, state.hashes)
        seen = link.with_side(side, _seen(state, record, current, keep=superseded))
        if not changed:
            self._links.save(seen)
            count(self._metrics, BusinessMetric.ECHO_SKIPPED)
            return self._done(record.ref, Action.ECHO_SKIPPED)
        if side is Side.CRM and not matches_filter(mapping, record.fields):
            self._links.save(seen)
            return self._done(record.ref, Action.FILTERED)
        fields = fields_touched_by(mapping, side, changed, creating=False)
        target_state = link.side(side.other)
        assert target_state is not None
        lost: tuple[str, ...] = ()
        if not repair:
            fields, lost = self._resolve_conflicts(mapping, side, record, target_state, fields)
        if not fields:
            self._links.save(seen)
            return self._done(record.ref, Action.CONFLICT_KEPT_TARGET, conflicts=lost)
        payload = build_payload(fields, side, record.fields)
        target = self._sides.on(side.other)
        sent_at = datetime.now(UTC)
        target.update(
            target_state.ref.object,
            target_state.ref.record_id,
            payload,
            idempotency_key=_idempotency_key(
                self._connection, record, f"update:{record_digest(payload)}"
            ),
        )
        after = self._after_write(mapping, side.other, target_state, payload, sent_at)
        self._links.save(seen.with_side(side.other, after))
        count(self._metrics, BusinessMetric.RECORD_SYNCED)
        return self._done(
            record.ref,
            Action.UPDATED,
            target=target_state.ref,
            fields=tuple(sorted(payload)),
            conflicts=lost,
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
    ) -> tuple[list[FieldMap], tuple[str, ...]]:
        policy = self._connection.conflict_policy
        if not must_read_target(policy, side.other):
            return fields, ()
        target_record = self._sides.on(side.other).fetch(
            target_state.ref.object,
            target_state.ref.record_id,
            sorted(mapping.tracked_paths(side.other)),
        )
        if target_record is None:
            raise PermanentError(f"{target_state.ref} no longer exists; its link is stale")
        target_now = hashes_of(target_record.fields, target_state.hashes)
        target_changed = changed_paths(target_now, target_state.hashes)
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
        return list(resolution.keep), resolution.kept_target

    # -- first sight of a record ---------------------------------------------------------

    def _first_sync(self, mapping: ObjectMapping, side: Side, record: SourceRecord) -> Outcome:
        if side is Side.CRM:
            if not matches_filter(mapping, record.fields):
                return self._done(record.ref, Action.FILTERED)
            existing_key = record.get(mapping.crm_key_field) if mapping.crm_key_field else None
            if existing_key:
                return self._adopt_existing_erp(mapping, record, str(existing_key))
        elif owned_by_another(self._sides.erp, mapping, record):
            return self._done(record.ref, Action.FILTERED)  # e.g. a customer's own contact
        return self._create(mapping, side, record)

    def _adopt_existing_erp(
        self, mapping: ObjectMapping, record: SourceRecord, erp_key: str
    ) -> Outcome:
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
        erp_record = self._sides.erp.fetch(
            mapping.erp_object, erp_key, sorted(mapping.tracked_paths(Side.ERP))
        )
        if erp_record is None:
            raise PermanentError(
                f"{record.ref} names {mapping.erp_key_field} {erp_key}, which does not exist "
                f"in {self._sides.erp.system}"
            )
        link = SyncLink(
            connection_id=self._connection.connection_id,
            mapping=mapping.name,
            crm=SideState(ref=record.ref),
            erp=SideState(ref=erp_ref, internal_id=erp_record.internal_id),
        )
        outcome = self._sync_linked(mapping, Side.CRM, record, self._links.save(link))
        return outcome.model_copy(update={"action": Action.LINKED_EXISTING})

    # -- creating the counterpart: intent, payload, write, link, key back ------------------

    def _create(
        self,
        mapping: ObjectMapping,
        side: Side,
        record: SourceRecord,
        resumed: SyncLink | None = None,
    ) -> Outcome:
        """Copy ``record`` to the other side so that no retry can make a second record."""
        target = side.other
        identity = mapping.identity(target)
        if identity is None:
            raise PermanentError(f"{mapping.name}: records are never created in the {target}")
        pending = resumed or self._links.save(self._intent(mapping, side, record, identity))
        fields: tuple[str, ...] = ()
        if not pending.written:  # a resumed create whose copy exists skips to what remains
            payload = self._create_payload(mapping, side, record, identity, pending)
            sent_at = datetime.now(UTC)
            result = self._write_new(
                mapping, side, record, identity, pending, payload, resumed=resumed is not None
            )
            pending = self._record_written(mapping, side, record, pending, result, payload, sent_at)
            fields = tuple(sorted(payload))
        # Every step after the write is retried until done: the link stays pending till then.
        pending = self._show_key_on_crm(mapping, side, pending, record)
        pending = self._complete_erp_from_crm(mapping, side, pending, record)
        linked = self._links.save(pending.model_copy(update={"status": "linked", "origin": None}))
        count(self._metrics, BusinessMetric.RECORD_CREATED)
        target_state = linked.side(target)
        assert target_state is not None
        return self._done(record.ref, Action.CREATED, target=target_state.ref, fields=fields)

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
        ).with_side(side, SideState(ref=record.ref, internal_id=record.internal_id))
        if identity.strategy == "chosen_key":
            assert identity.compute is not None
            key = str(COMPUTES[identity.compute].fn(record.fields))
            target_ref = RecordRef(
                system=self._sides.on(side.other).system,
                object=mapping.object_on(side.other),
                record_id=key,
            )
            link = link.with_side(side.other, SideState(ref=target_ref))
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
    ) -> WriteResult:
        target = self._sides.on(side.other)
        obj = mapping.object_on(side.other)
        if identity.strategy == "assigned":
            assert identity.match_field is not None
            # The target finds a lost create again by the source's key in match_field.
            return target.create(
                obj,
                payload,
                idempotency_key=_idempotency_key(self._connection, record, "create"),
                external_key=(identity.match_field, record.key),
            )
        key = _target_ref(pending, side).record_id
        if resumed:  # did the attempt that saved this intent create the record?
            existing = target.fetch(obj, key, [identity.key_field or ""])
            if existing is not None:
                target.update(
                    obj,
                    key,
                    payload,
                    idempotency_key=_idempotency_key(self._connection, record, "resume"),
                )
                return WriteResult(key=key, internal_id=existing.internal_id)
        try:
            return target.create(
                obj, payload, idempotency_key=_idempotency_key(self._connection, record, "create")
            )
        except PermanentError:
            # Nothing was created: forget the intent, so a corrected record starts over
            # instead of resuming onto a key that belongs to someone else.
            self._links.delete(pending)
            raise

    def _record_written(
        self,
        mapping: ObjectMapping,
        side: Side,
        record: SourceRecord,
        pending: SyncLink,
        result: WriteResult,
        payload: Mapping[str, Any],
        sent_at: datetime,
    ) -> SyncLink:
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
        target_state = self._after_write(mapping, target, base, payload, sent_at)
        source_state = _seen(
            pending.side(side) or SideState(ref=record.ref),
            record,
            hashes_of(record.fields, mapping.tracked_paths(side)),
        )
        written = pending.model_copy(update={"written": True})
        written = written.with_side(side, source_state).with_side(target, target_state)
        return self._links.save(written)

    def _complete_erp_from_crm(
        self, mapping: ObjectMapping, side: Side, link: SyncLink, record: SourceRecord
    ) -> SyncLink:
        """After an ERP record was copied to the CRM, the fields that only flow from the CRM
        (a company name, a print-as name computed from the CRM's names) are what the new CRM
        record makes of them: write the ones the ERP record lacks or holds differently.
        Values the CRM record leaves empty never blank the ERP's."""
        if side is not Side.ERP or link.crm is None or link.erp is None:
            return link
        only_from_crm = [
            f for f in mapping.flowing_from(Side.CRM) if not f.direction.flows_from(Side.ERP)
        ]
        if not only_from_crm:
            return link
        crm = self._sides.crm.fetch(
            link.crm.ref.object, link.crm.ref.record_id, sorted(mapping.tracked_paths(Side.CRM))
        )
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
        self._sides.erp.update(
            mapping.erp_object,
            link.erp.ref.record_id,
            payload,
            idempotency_key=_idempotency_key(self._connection, record, "complete"),
        )
        erp = self._after_write(mapping, Side.ERP, link.erp, payload, sent_at)
        return link.with_side(Side.ERP, erp)

    def _show_key_on_crm(
        self, mapping: ObjectMapping, side: Side, link: SyncLink, record: SourceRecord
    ) -> SyncLink:
        """After a CRM record was copied to the ERP, show the ERP key on it (e.g.
        Account.Intacct_Customer_ID__c)."""
        if side is not Side.CRM or not mapping.crm_key_field:
            return link
        assert link.crm is not None
        assert link.erp is not None
        erp_key = link.erp.ref.record_id
        if str(record.get(mapping.crm_key_field) or "") == erp_key:
            return link
        self._sides.crm.update(
            mapping.crm_object,
            record.key,
            {mapping.crm_key_field: erp_key},
            idempotency_key=_idempotency_key(self._connection, record, "stamp"),
        )
        hashes = {
            **link.crm.hashes,
            **hashes_of({mapping.crm_key_field: erp_key}, [mapping.crm_key_field]),
        }
        return link.with_side(Side.CRM, link.crm.model_copy(update={"hashes": hashes}))

    # -- after a write -------------------------------------------------------------------

    def _after_write(
        self,
        mapping: ObjectMapping,
        side: Side,
        state: SideState,
        payload: Mapping[str, Any],
        sent_at: datetime,
    ) -> SideState:
        """What we now know of the side we wrote: read it back where reads are cheap (exact,
        includes values the system derived), else the hashes of what we wrote."""
        if self._sides.on(side).cheap_reads:
            fresh = self._sides.on(side).fetch(
                state.ref.object, state.ref.record_id, sorted(mapping.tracked_paths(side))
            )
            if fresh is not None:
                return state.model_copy(
                    update={
                        "hashes": hashes_of(fresh.fields, mapping.tracked_paths(side)),
                        "modified_at": fresh.modified_at,
                    }
                )
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

    def _done(
        self,
        ref: RecordRef,
        action: Action,
        *,
        target: RecordRef | None = None,
        fields: tuple[str, ...] = (),
        conflicts: tuple[str, ...] = (),
    ) -> Outcome:
        detail = {"fields": ",".join(fields)} if fields else {}
        if target is not None:
            detail["target"] = str(target)
        self._audit.record(self._connection.connection_id, ref, action.value, **detail)
        return Outcome(
            action=action,
            source=str(ref),
            target=str(target) if target else None,
            fields=fields,
            conflicts=conflicts,
        )


def owned_by_another(erp: Connector, mapping: ObjectMapping, record: SourceRecord) -> bool:
    """Whether another ERP object owns this ERP record (``mapping.erp_owned_by``): such
    records are not copied (Intacct's contact behind each customer)."""
    if mapping.erp_owned_by is None:
        return False
    if not isinstance(erp, SupportsExistsWhere):
        raise PermanentError(f"{mapping.name}: {erp.system} cannot tell who owns a record")
    owner, field = mapping.erp_owned_by
    return erp.exists_where(owner, field, record.key)


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
