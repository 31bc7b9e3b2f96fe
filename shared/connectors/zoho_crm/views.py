"""A list view's criteria, evaluated on each record read: which CRM records sync.

Criteria take the shape of Zoho CRM's custom views (API v8 "Custom Views": ``criteria`` is a
condition ``{"comparator", "field": {"api_name"}, "value"}`` or a group ``{"group_operator":
"and" | "or", "group": [...]}``, nesting; ``${EMPTY}`` / ``${NOTEMPTY}`` as the value of
``equal`` test for no value / some value). Comparators: ``equal``, ``not_equal``, ``in``,
``not_in`` (a list value), ``starts_with``, ``ends_with``, ``contains``, ``not_contains``,
``greater_than``, ``greater_equal``, ``less_than``, ``less_equal`` (numbers compared as
numbers, else as text), ``between`` (a two-item list).

A record read carries its view as one more field: the path ``$view:<criteria as JSON>``
(what :func:`path_of` makes of a view), ``"true"`` or ``"false"``. The fields the criteria
name are read for it and the path itself is never asked of the API. So a mapping that syncs
only ``{path: "true"}`` syncs the records in the view, decided afresh at every change.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shared.models.records import SourceRecord

PREFIX = "$view:"
EMPTY, NOT_EMPTY = "${EMPTY}", "${NOTEMPTY}"
Comparator = Literal[
    "equal",
    "not_equal",
    "in",
    "not_in",
    "starts_with",
    "ends_with",
    "contains",
    "not_contains",
    "greater_than",
    "greater_equal",
    "less_than",
    "less_equal",
    "between",
]


class FieldRef(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    api_name: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)?$")


class Criteria(BaseModel):
    """One condition, or a group of criteria joined by ``group_operator``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    comparator: Comparator | None = None
    field: FieldRef | None = None
    value: str | int | list[str] | None = None
    group_operator: Literal["and", "or", "AND", "OR"] | None = None
    group: tuple[Criteria, ...] = ()

    @model_validator(mode="after")
    def _one_kind(self) -> Criteria:
        if self.group_operator is not None:
            if not self.group or self.comparator or self.field:
                raise ValueError("a group has 'group_operator' and 'group' only")
        elif self.comparator is None or self.field is None:
            raise ValueError("a condition needs 'comparator', 'field' and 'value'")
        return self

    def fields(self) -> set[str]:
        if self.field is not None:
            return {self.field.api_name}
        return {name for c in self.group for name in c.fields()}

    def holds(self, record: Mapping[str, Any]) -> bool:
        if self.group_operator is not None:
            results = (c.holds(record) for c in self.group)
            return all(results) if self.group_operator.lower() == "and" else any(results)
        assert self.field is not None
        assert self.comparator is not None
        return _compare(self.comparator, record.get(self.field.api_name), self.value)


def path_of(criteria: Criteria) -> str:
    return PREFIX + json.dumps(
        criteria.model_dump(exclude_defaults=True), sort_keys=True, separators=(",", ":")
    )


def split(fields: Iterable[str]) -> tuple[list[str], dict[str, Criteria]]:
    """The fields to ask the API for (the views' own fields added), and the views asked."""
    plain: list[str] = []
    views: dict[str, Criteria] = {}
    for name in fields:
        if name.startswith(PREFIX):
            criteria = Criteria.model_validate_json(name[len(PREFIX) :])
            views[name] = criteria
            plain.extend(sorted(criteria.fields()))
        else:
            plain.append(name)
    return plain, views


def apply(records: Sequence[SourceRecord], views: Mapping[str, Criteria]) -> list[SourceRecord]:
    """The records, each with ``"true"`` / ``"false"`` under each view's path."""
    if not views:
        return list(records)
    return [
        r.model_copy(
            update={
                "fields": {
                    **r.fields,
                    **{p: "true" if c.holds(r.fields) else "false" for p, c in views.items()},
                }
            }
        )
        for r in records
    ]


def _compare(comparator: str, actual: Any, wanted: Any) -> bool:
    text = "" if actual is None else str(actual)
    if wanted == EMPTY and comparator in ("equal", "not_equal"):
        return (text == "") == (comparator == "equal")
    if wanted == NOT_EMPTY and comparator in ("equal", "not_equal"):
        return (text != "") == (comparator == "equal")
    if comparator in ("in", "not_in", "between"):
        options = [str(v) for v in wanted] if isinstance(wanted, list) else [str(wanted)]
        if comparator == "between":
            low, high = (options + options)[:2]
            return _order(text, low) >= 0 and _order(text, high) <= 0
        return (text.casefold() in {o.casefold() for o in options}) == (comparator == "in")
    goal = "" if wanted is None else str(wanted)
    tests = {
        "equal": lambda: text.casefold() == goal.casefold(),
        "not_equal": lambda: text.casefold() != goal.casefold(),
        "starts_with": lambda: text.casefold().startswith(goal.casefold()),
        "ends_with": lambda: text.casefold().endswith(goal.casefold()),
        "contains": lambda: goal.casefold() in text.casefold(),
        "not_contains": lambda: goal.casefold() not in text.casefold(),
        "greater_than": lambda: text != "" and _order(text, goal) > 0,
        "greater_equal": lambda: text != "" and _order(text, goal) >= 0,
        "less_than": lambda: text != "" and _order(text, goal) < 0,
        "less_equal": lambda: text != "" and _order(text, goal) <= 0,
    }
    return bool(tests[comparator]())


def _order(left: str, right: str) -> int:
    """-1, 0, 1: as numbers where both are numbers, else as text."""
    try:
        a, b = Decimal(left), Decimal(right)
    except InvalidOperation:
        a_text, b_text = left.casefold(), right.casefold()
        return (a_text > b_text) - (a_text < b_text)
    return (a > b) - (a < b)
