"""Turning one side's record into the other side's field values."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from shared.mapping.computes import COMPUTES
from shared.mapping.fields import FieldMap, ObjectMapping, Side
from shared.mapping.transforms import apply_transform


def value_for_target(field: FieldMap, source: Side, record: Mapping[str, Any]) -> Any:
    """The value ``field`` takes on the other side, computed from the source ``record``."""
    compute = field.compute(source)
    raw = COMPUTES[compute].fn(record) if compute else record.get(field.inputs(source)[0])
    return apply_transform(field.transform(source), raw)


def fields_touched_by(
    mapping: ObjectMapping, source: Side, changed_paths: Iterable[str], *, creating: bool
) -> list[FieldMap]:
    """The fields flowing out of ``source`` whose inputs include a changed path."""
    changed = set(changed_paths)
    chosen = []
    for field in mapping.flowing_from(source):
        if field.on_create_only and not creating:
            continue
        if creating or changed.intersection(field.inputs(source)):
            chosen.append(field)
    return chosen


def build_payload(
    fields: Iterable[FieldMap], source: Side, record: Mapping[str, Any]
) -> dict[str, Any]:
    """Target path -> value, for the given fields."""
    payload: dict[str, Any] = {}
    for field in fields:
        payload[field.target_path(source)] = value_for_target(field, source, record)
    return payload


def matches_filter(mapping: ObjectMapping, crm_record: Mapping[str, Any]) -> bool:
    return all(str(crm_record.get(k) or "") == v for k, v in mapping.crm_filter.items())
