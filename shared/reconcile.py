"""Reconciliation: compare both systems for every mapped object of a connection and report
drift — a record with no counterpart (missing), a link whose counterpart is gone (orphan), a
create still pending, linked records whose mapped fields disagree (differs) — and, with
``repair``, queue the changes that fix it.

``python -m shared.reconcile <connection_id> [--repair]`` runs it against the deployed stack
(the environment a function gets); the sandbox's ``make chaos`` uses it for its verdict.
Values are compared after the mapping's transforms, normalised as the engine hashes them;
the report names fields, never their values.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.errors import LedgerlinkError
from shared.mapping.fields import ObjectMapping, Side
from shared.mapping.mapper import matches_filter, value_for_target
from shared.models.connection import ConflictPolicy, Connection
from shared.models.events import ChangeEvent, RecordRef
from shared.models.records import SourceRecord
from shared.pairs.catalog import MappingCatalog
from shared.runtime import Runtime
from shared.sync.engine import Sides, owned_by_another
from shared.sync.hashing import normalize
from shared.topology import CHANGES

DriftKind = Literal["missing", "orphan", "pending", "differs"]
PAGE = 1000


class Drift(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: DriftKind
    mapping: str
    ref: str  # the record that exists (or, for an orphan, the one whose link is stale)
    other: str | None = None
    fields: tuple[str, ...] = ()  # for "differs": the fields (ERP names) that disagree


class ReconcileReport(BaseModel):
    connection_id: str
    linked: int = 0  # linked pairs compared
    drifts: list[Drift] = Field(default_factory=list)
    repairs_queued: int = 0

    def count(self, kind: DriftKind) -> int:
        return sum(1 for d in self.drifts if d.kind == kind)


def reconcile(runtime: Runtime, connection: Connection, *, repair: bool = False) -> ReconcileReport:
    sides = runtime.sides(connection)
    report = ReconcileReport(connection_id=connection.connection_id)
    repairs: list[ChangeEvent] = []
    for mapping in MappingCatalog.for_connection(connection).mappings:
        _one_mapping(runtime, connection, sides, mapping, report, repairs)
    if repair and repairs:
        report.repairs_queued = runtime.publisher(CHANGES.key).publish(repairs)
    return report


def _read_all(sides: Sides, mapping: ObjectMapping, side: Side) -> dict[str, SourceRecord]:
    connector = sides.on(side)
    fields = sorted(mapping.tracked_paths(side))
    obj = mapping.object_on(side)
    return {r.key: r for r in connector.changed_since(obj, None, fields, PAGE)}


def _one_mapping(
    runtime: Runtime,
    connection: Connection,
    sides: Sides,
    mapping: ObjectMapping,
    report: ReconcileReport,
    repairs: list[ChangeEvent],
) -> None:
    records = {side: _read_all(sides, mapping, side) for side in (Side.CRM, Side.ERP)}
    seen_pairs: set[tuple[str, str]] = set()
    for side in (Side.CRM, Side.ERP):
        for record in records[side].values():
            if side is Side.CRM and not matches_filter(mapping, record.fields):
                continue
            link = runtime.links.get(connection.connection_id, record.ref)
            if link is None:
                if side is Side.ERP and owned_by_another(sides.erp, mapping, record):
                    continue
                report.drifts.append(
                    Drift(kind="missing", mapping=mapping.name, ref=str(record.ref))
                )
                repairs.append(_repair(connection, record.ref))
                continue
            if link.status == "pending":
                report.drifts.append(
                    Drift(kind="pending", mapping=mapping.name, ref=str(record.ref))
                )
                continue
            other_state = link.side(side.other)
            assert other_state is not None
            other = records[side.other].get(other_state.ref.record_id)
            if other is None:
                report.drifts.append(
                    Drift(
                        kind="orphan",
                        mapping=mapping.name,
                        ref=str(record.ref),
                        other=str(other_state.ref),
                    )
                )
                continue
            crm, erp = (record, other) if side is Side.CRM else (other, record)
            if (crm.key, erp.key) in seen_pairs:
                continue
            seen_pairs.add((crm.key, erp.key))
            report.linked += 1
            differing = differing_fields(mapping, crm.fields, erp.fields)
            if differing:
                report.drifts.append(
                    Drift(
                        kind="differs",
                        mapping=mapping.name,
                        ref=str(crm.ref),
                        other=str(erp.ref),
                        fields=differing,
                    )
                )
                repairs.append(_repair(connection, _winner(connection, crm, erp).ref))


def differing_fields(
    mapping: ObjectMapping, crm: Mapping[str, Any], erp: Mapping[str, Any]
) -> tuple[str, ...]:
    """Fields whose value on the target is not what the mapping makes of the source."""
    differing = []
    for field in mapping.fields:
        for source, record, target in ((Side.CRM, crm, erp), (Side.ERP, erp, crm)):
            if not field.direction.flows_from(source):
                continue
            try:
                expected = normalize(value_for_target(field, source, record))
            except LedgerlinkError:
                expected = "\u0000unmappable"
            if expected != normalize(target.get(field.target_path(source))):
                differing.append(field.name)
                break
    return tuple(differing)


def _winner(connection: Connection, crm: SourceRecord, erp: SourceRecord) -> SourceRecord:
    """Which side a repair copies from: the conflict policy's choice."""
    policy = connection.conflict_policy
    if policy is ConflictPolicy.ERP_WINS:
        return erp
    if policy is ConflictPolicy.NEWEST_WINS and crm.modified_at and erp.modified_at:
        return erp if erp.modified_at > crm.modified_at else crm
    return crm


def _repair(connection: Connection, ref: RecordRef) -> ChangeEvent:
    return ChangeEvent(connection_id=connection.connection_id, ref=ref, source="repair")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shared.reconcile", description=__doc__)
    parser.add_argument("connection_id")
    parser.add_argument("--repair", action="store_true", help="queue the changes that fix it")
    args = parser.parse_args(argv)
    from shared.runtime import get_runtime

    runtime = get_runtime()
    connection = runtime.connections.get(args.connection_id)
    report = reconcile(runtime, connection, repair=args.repair)
    sys.stdout.write(json.dumps(report.model_dump(mode="json"), indent=2) + "\n")
    return 1 if report.drifts else 0


if __name__ == "__main__":
    raise SystemExit(main())
