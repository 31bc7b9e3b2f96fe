"""One chunk of a backfill: match each source record to its counterpart or create it, in
batched requests, and link the two.

The same rules as the sync engine's first sight of a record (shared/sync/engine.py), for a
whole chunk at once:

- A CRM record outside the mapping's filter, or an ERP record another ERP object owns
  (``erp_owned_by``), is skipped; one already linked is left alone.
- A CRM record that names its ERP counterpart (``crm_key_field``) is linked to it, never
  copied. Where ledgerlink chooses the counterpart's key (``chosen_key``), a counterpart
  that already has that key is linked, not created again: one ``fetch_many`` per chunk.
  Where the target assigns ids, the create carries the source's key in ``match_field``
  and the connector upserts on it or looks it up, so an existing counterpart is matched.
- The rest are created with one ``write_many`` per chunk, each with an idempotency key
  stable across runs (a resumed chunk re-sends the same keys, so nothing is made twice);
  the new ERP key is shown on the CRM record with one more ``write_many``.
- Each pair is linked as the engine links it (both sides' hashes), so later changes sync
  through the engine unchanged and our own writes come back as echoes.

A record whose own answer says "try again" (a locked row) is sent again, up to twice; one
whose write fails is counted, its reason kept (no values), and left unlinked: a later
backfill (or the record's next change) picks it up.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from shared.backfill.checkpoints import Counts
from shared.connectors.base import Connector, Write, WriteAnswer
from shared.errors import LedgerlinkError, RetryableError
from shared.mapping.computes import COMPUTES
from shared.mapping.fields import ObjectMapping, Side
from shared.mapping.mapper import build_payload, fields_touched_by, matches_filter
from shared.models.connection import ConflictPolicy
from shared.models.events import RecordRef
from shared.models.links import SideState, SyncLink
from shared.models.records import SourceRecord, WriteResult
from shared.state.links import ConcurrentLinkUpdateError, LinkStore, RecordLinkedElsewhereError
from shared.sync.engine import Sides, owned_keys, written_state
from shared.sync.hashing import hashes_of, normalize, record_digest


@dataclass
class ChunkResult:
    counts: Counts = field(default_factory=Counts)
    failures: list[str] = field(default_factory=list)  # "<ref>: <error type>"


@dataclass
class _Pair:
    """A source record and its counterpart's state, ready to link; ``target_record`` is the
    counterpart as read when it already existed (matched, not created)."""

    source: SourceRecord
    target: SideState
    target_record: SourceRecord | None = None
    written: dict[Side, dict[str, Any]] = field(default_factory=dict)  # what we wrote


class ChunkLoader:
    def __init__(
        self,
        connection_id: str,
        sides: Sides,
        links: LinkStore,
        policy: ConflictPolicy = ConflictPolicy.CRM_WINS,
    ) -> None:
        self._connection_id = connection_id
        self._policy = policy
        self._sides = sides
        self._links = links

    def load(
        self, mapping: ObjectMapping, side: Side, records: Sequence[SourceRecord]
    ) -> ChunkResult:
        result = ChunkResult()
        result.counts.read = len(records)
        candidates = self._unlinked(self._eligible(mapping, side, records, result), result)
        target = side.other
        identity = mapping.identity(target)
        pairs: list[_Pair] = []
        to_create: list[SourceRecord] = []
        if side is Side.CRM and mapping.crm_key_field:
            named = [r for r in candidates if r.get(mapping.crm_key_field)]
            pairs += self._adopt(mapping, named, result)
            candidates = [r for r in candidates if not r.get(mapping.crm_key_field)]
        if identity is None:
            result.counts.skipped += len(candidates)  # never created on that side
        elif identity.strategy == "chosen_key":
            existing = self._existing_by_chosen_key(mapping, side, candidates)
            for record in candidates:
                found = existing.get(_chosen_key(mapping, target, record))
                if found is not None:
                    pairs.append(_Pair(record, self._read_state(mapping, target, found), found))
                    result.counts.linked_existing += 1
                else:
                    to_create.append(record)
        else:
            to_create = candidates
        for pair in pairs:
            self._reconcile(mapping, side, pair)
        pairs = self._write_target(mapping, side, to_create, pairs, result)
        for pair in pairs:
            self._stamp(mapping, side, pair)
        pairs = self._update_source(mapping, side, pairs, result)
        for pair in pairs:
            self._link(mapping, side, pair, result)
        return result

    # -- which records ----------------------------------------------------------------------

    def _eligible(
        self,
        mapping: ObjectMapping,
        side: Side,
        records: Sequence[SourceRecord],
        result: ChunkResult,
    ) -> list[SourceRecord]:
        if side is Side.CRM:
            kept = [r for r in records if matches_filter(mapping, r.fields)]
        elif mapping.erp_owned_by is None:
            kept = list(records)
        else:
            owned = owned_keys(self._sides.erp, mapping, records)
            kept = [r for r in records if r.key not in owned]
        result.counts.skipped += len(records) - len(kept)
        return kept

    def _unlinked(self, records: Sequence[SourceRecord], result: ChunkResult) -> list[SourceRecord]:
        linked = self._links.get_many(
            self._connection_id, [r.ref for r in records], consistent=True
        )
        fresh = [r for r in records if r.ref not in linked]
        result.counts.already_linked += len(records) - len(fresh)
        return fresh

    # -- matching ---------------------------------------------------------------------------

    def _adopt(
        self, mapping: ObjectMapping, named: Sequence[SourceRecord], result: ChunkResult
    ) -> list[_Pair]:
        """CRM records naming their ERP counterpart: linked to it when it exists."""
        if not named:
            return []
        assert mapping.crm_key_field is not None
        wanted = [str(r.get(mapping.crm_key_field)) for r in named]
        found = {
            r.key: r
            for r in self._sides.erp.fetch_many(
                mapping.erp_object, wanted, sorted(mapping.tracked_paths(Side.ERP))
            )
        }
        pairs = []
        for record, key in zip(named, wanted, strict=True):
            erp = found.get(key)
            if erp is None:
                result.counts.failed += 1
                result.failures.append(f"{record.ref}: names a missing {mapping.erp_key_field}")
                continue
            pairs.append(_Pair(record, self._read_state(mapping, Side.ERP, erp), erp))
            result.counts.linked_existing += 1
        return pairs

    def _existing_by_chosen_key(
        self, mapping: ObjectMapping, side: Side, records: Sequence[SourceRecord]
    ) -> dict[str, SourceRecord]:
        if not records:
            return {}
        target = side.other
        keys = [_chosen_key(mapping, target, r) for r in records]
        found = self._sides.on(target).fetch_many(
            mapping.object_on(target), keys, sorted(mapping.tracked_paths(target))
        )
        return {r.key: r for r in found}

    # -- writing ----------------------------------------------------------------------------

    def _write_target(
        self,
        mapping: ObjectMapping,
        side: Side,
        records: Sequence[SourceRecord],
        matched: list[_Pair],
        result: ChunkResult,
    ) -> list[_Pair]:
        """One ``write_many`` on the other side for the chunk: the creates, and the
        updates of matched counterparts whose values differ. Returns the pairs to go on
        with: the matched ones whose update (if any) went through, and the new ones."""
        target = side.other
        updates = [p for p in matched if p.written.get(target)]
        if not records and not updates:
            return matched
        identity = mapping.identity(target)
        assert identity is not None
        fields = fields_touched_by(mapping, side, (), creating=True)
        writes: list[Write] = []
        payloads: list[dict[str, Any]] = []
        for record in records:
            payload = build_payload(fields, side, record.fields)
            external_key: tuple[str, str] | None = None
            if identity.strategy == "chosen_key":
                assert identity.key_field is not None
                payload[identity.key_field] = _chosen_key(mapping, target, record)
            else:
                assert identity.match_field is not None
                payload[identity.match_field] = record.key
                external_key = (identity.match_field, record.key)
            payloads.append(payload)
            writes.append(
                Write(
                    fields=payload,
                    idempotency_key=self._idempotency_key(record.ref, "create"),
                    external_key=external_key,
                )
            )
        writes += [self._update_write(p, target, p.target.ref) for p in updates]
        sent_at = datetime.now(UTC)
        answers = write_with_retries(self._sides.on(target), mapping.object_on(target), writes)
        refused = set()
        for pair, answer in zip(updates, answers[len(records) :], strict=True):
            if isinstance(answer, LedgerlinkError):
                _failed(result, pair.source.ref, answer)
                refused.add(id(pair))
        kept = [p for p in matched if id(p) not in refused]
        written: list[tuple[SourceRecord, WriteResult, dict[str, Any]]] = []
        for record, payload, answer in zip(records, payloads, answers[: len(records)], strict=True):
            if isinstance(answer, LedgerlinkError):
                _failed(result, record.ref, answer)
                continue
            written.append((record, answer, payload))
            if answer.created:
                result.counts.created += 1
            else:
                result.counts.linked_existing += 1  # an upsert that matched a record
        return kept + self._states_after_write(mapping, target, written, sent_at)

    def _states_after_write(
        self,
        mapping: ObjectMapping,
        target: Side,
        written: Sequence[tuple[SourceRecord, WriteResult, dict[str, Any]]],
        sent_at: datetime,
    ) -> list[_Pair]:
        """What we know of the records we wrote: read back in one request where reads are
        cheap, else the hashes of what we wrote (as the engine does)."""
        connector = self._sides.on(target)
        obj = mapping.object_on(target)
        fresh: dict[str, SourceRecord] = {}
        if connector.cheap_reads and written:
            keys = [answer.key for _, answer, _ in written]
            fresh = {
                r.key: r
                for r in connector.fetch_many(obj, keys, sorted(mapping.tracked_paths(target)))
            }
        pairs = []
        for record, answer, payload in written:
            ref = RecordRef(system=connector.system, object=obj, record_id=answer.key)
            read = fresh.get(answer.key)
            if read is not None:
                state = self._read_state(mapping, target, read)
            else:
                state = _written_state(mapping, target, ref, answer, payload, sent_at)
            pairs.append(_Pair(record, state))
        return pairs

    def _update_source(
        self, mapping: ObjectMapping, side: Side, pairs: list[_Pair], result: ChunkResult
    ) -> list[_Pair]:
        """One ``write_many`` on the source side for the chunk: the ERP key shown on each
        CRM record copied to or matched in the ERP, and matched records whose counterpart's
        values won. Returns the pairs whose update (if any) went through."""
        due = [p for p in pairs if p.written.get(side)]
        if not due:
            return pairs
        writes = [self._update_write(p, side, p.source.ref) for p in due]
        answers = write_with_retries(self._sides.on(side), mapping.object_on(side), writes)
        refused = set()
        for pair, answer in zip(due, answers, strict=True):
            if isinstance(answer, LedgerlinkError):
                _failed(result, pair.source.ref, answer)
                refused.add(id(pair))
        return [p for p in pairs if id(p) not in refused]

    def _update_write(self, pair: _Pair, side: Side, ref: RecordRef) -> Write:
        payload = pair.written[side]
        return Write(
            fields=payload,
            idempotency_key=self._idempotency_key(
                pair.source.ref, f"update:{side.value}:{record_digest(payload)}"
            ),
            key=ref.record_id,
        )

    def _reconcile(self, mapping: ObjectMapping, side: Side, pair: _Pair) -> None:
        """A matched pair whose values differ: the connection's conflict policy picks whose
        values stand (as the engine's does for a record that changed on both sides), and
        an empty value never blanks the other side's."""
        if pair.target_record is None:
            return
        records = {side: pair.source, side.other: pair.target_record}
        crm, erp = records[Side.CRM], records[Side.ERP]
        winner = Side.CRM
        if self._policy is ConflictPolicy.ERP_WINS:
            winner = Side.ERP
        elif self._policy is ConflictPolicy.NEWEST_WINS and crm.modified_at and erp.modified_at:
            winner = Side.ERP if erp.modified_at > crm.modified_at else Side.CRM
        loser = records[winner.other]
        fields = [
            f
            for f in mapping.flowing_from(winner)
            if f.target_path(winner) != mapping.crm_key_field
        ]
        payload = build_payload(fields, winner, records[winner].fields)
        differ = {
            path: value
            for path, value in payload.items()
            if normalize(value) and normalize(value) != normalize(loser.get(path))
        }
        if differ:
            pair.written.setdefault(winner.other, {}).update(differ)

    def _stamp(self, mapping: ObjectMapping, side: Side, pair: _Pair) -> None:
        key_field = mapping.crm_key_field
        if side is not Side.CRM or not key_field:
            return
        if str(pair.source.get(key_field) or "") != pair.target.ref.record_id:
            pair.written.setdefault(Side.CRM, {})[key_field] = pair.target.ref.record_id

    # -- linking ----------------------------------------------------------------------------

    def _link(self, mapping: ObjectMapping, side: Side, pair: _Pair, result: ChunkResult) -> None:
        source = pair.source
        hashes = hashes_of(source.fields, mapping.tracked_paths(side))
        source_state = SideState(
            ref=source.ref,
            internal_id=source.internal_id,
            modified_at=source.modified_at,
            hashes=hashes,
            seen_digest=record_digest(hashes),
        )
        states = {side: source_state, side.other: pair.target}
        for written_side, payload in pair.written.items():
            states[written_side] = self._after_update(
                mapping, written_side, states[written_side], payload
            )
        link = SyncLink(connection_id=self._connection_id, mapping=mapping.name)
        link = link.with_side(Side.CRM, states[Side.CRM]).with_side(Side.ERP, states[Side.ERP])
        try:
            self._links.save(link)
        except (ConcurrentLinkUpdateError, RecordLinkedElsewhereError) as exc:
            # the counterpart was linked to another meanwhile
            _failed(result, source.ref, exc)

    def _after_update(
        self, mapping: ObjectMapping, side: Side, state: SideState, payload: Mapping[str, Any]
    ) -> SideState:
        """A side we updated: the hashes of what we wrote over what we had read, and where
        its reads are billed, the write remembered so its echo is recognised."""
        if self._sides.on(side).cheap_reads:
            hashes = {**state.hashes, **hashes_of(payload, payload.keys())}
            return state.model_copy(update={"hashes": hashes})
        return written_state(mapping, side, state, payload, datetime.now(UTC))

    def _read_state(self, mapping: ObjectMapping, side: Side, record: SourceRecord) -> SideState:
        hashes = hashes_of(record.fields, mapping.tracked_paths(side))
        return SideState(
            ref=record.ref,
            internal_id=record.internal_id,
            modified_at=record.modified_at,
            hashes=hashes,
            seen_digest=record_digest(hashes),
        )

    def _idempotency_key(self, ref: RecordRef, op: str) -> str:
        """Stable for one record and one step of this connection's backfill: a resumed
        chunk sends the same keys again."""
        basis = f"{self._connection_id}|{ref}|backfill|{op}"
        return hashlib.sha256(basis.encode()).hexdigest()[:32]


RECORD_RETRIES = 2  # rounds of sending again the records whose own answer said "try again"


def write_with_retries(
    connector: Connector, obj: str, writes: Sequence[Write]
) -> list[WriteAnswer]:
    """``write_many``, then the records answered with a retryable error of their own (a
    locked row) sent again, with the same idempotency keys, up to RECORD_RETRIES rounds."""
    answers = list(connector.write_many(obj, writes))
    for _ in range(RECORD_RETRIES):
        again = [i for i, a in enumerate(answers) if isinstance(a, RetryableError)]
        if not again:
            break
        for index, answer in zip(
            again, connector.write_many(obj, [writes[i] for i in again]), strict=True
        ):
            answers[index] = answer
    return answers


def _chosen_key(mapping: ObjectMapping, target: Side, record: SourceRecord) -> str:
    identity = mapping.identity(target)
    assert identity is not None
    assert identity.compute is not None
    return str(COMPUTES[identity.compute].fn(record.fields))


def _written_state(
    mapping: ObjectMapping,
    side: Side,
    ref: RecordRef,
    answer: WriteResult,
    payload: Mapping[str, Any],
    sent_at: datetime,
) -> SideState:
    """A side we wrote and did not read back: the hashes of what we wrote, and the write
    remembered so its echo is recognised."""
    fresh = SideState(ref=ref, internal_id=answer.internal_id)
    return written_state(mapping, side, fresh, payload, sent_at)


def _failed(result: ChunkResult, ref: RecordRef, error: LedgerlinkError) -> None:
    result.counts.failed += 1
    result.failures.append(f"{ref}: {type(error).__name__}")
