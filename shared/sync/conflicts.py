"""Conflict policy: when a field changed on both sides since the last sync, who wins."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from shared.mapping.fields import FieldMap, Side
from shared.models.connection import ConflictPolicy
from shared.models.records import SourceRecord


def must_read_target(policy: ConflictPolicy, target: Side) -> bool:
    """Reading the target is only needed when the target could win (saves billed ERP reads
    under crm_wins)."""
    if policy is ConflictPolicy.NEWEST_WINS:
        return True
    return (policy is ConflictPolicy.CRM_WINS) == (target is Side.CRM)


@dataclass(frozen=True)
class Resolution:
    keep: tuple[FieldMap, ...]  # fields the source still writes
    kept_target: tuple[str, ...]  # fields where the target's value won


def resolve(
    policy: ConflictPolicy,
    source: Side,
    fields: Collection[FieldMap],
    target_changed: Collection[str],
    source_record: SourceRecord,
    target_record: SourceRecord,
) -> Resolution:
    """Drop the fields whose target value changed too and wins under ``policy``."""
    target_wins = _target_wins(policy, source, source_record, target_record)
    keep: list[FieldMap] = []
    lost: list[str] = []
    for field in fields:
        clash = field.target_path(source) in target_changed
        if clash and target_wins:
            lost.append(field.name)
        else:
            keep.append(field)
    return Resolution(tuple(keep), tuple(lost))


def _target_wins(
    policy: ConflictPolicy, source: Side, source_record: SourceRecord, target_record: SourceRecord
) -> bool:
    if policy is ConflictPolicy.NEWEST_WINS:
        if source_record.modified_at is None or target_record.modified_at is None:
            return False
        return target_record.modified_at > source_record.modified_at
    crm_is_target = source is Side.ERP
    return (policy is ConflictPolicy.CRM_WINS) == crm_is_target
