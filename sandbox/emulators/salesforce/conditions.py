"""SOQL conditions (``WHERE`` on records, ``HAVING`` on groups) compiled into predicates.

Semantics (SOQL and SOSL Reference, "Comparison Operators", "Date Formats and Date
Literals"): text comparisons and ``LIKE`` are case-insensitive, ``!=`` and ``NOT IN`` match
nulls, ``<``/``>`` never match null. Filter values must suit the field's type (``value of
filter criterion for field 'CloseDate' must be of type date and should not be enclosed in
quotes``; ids: ``invalid ID field: abc``, INVALID_QUERY_FILTER_OPERATOR); ``LIKE`` needs a
text field (``invalid operator on field 'X'``). A date literal is a range of days
(:mod:`date_literals`) on the org's clock: ``=`` inside, ``<`` before its start, ``<=``
before its end, ``>`` from its end, ``>=`` from its start.

The left side of a comparison is resolved by the caller (an :class:`Operand`): a field
path on a record, or an aggregate or grouped field on a group.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NoReturn

from sandbox.emulators.salesforce import errors, ids, soql
from sandbox.emulators.salesforce.date_literals import DayRange, day_range
from sandbox.emulators.salesforce.render import Path, path_value, resolve
from sandbox.emulators.salesforce.schema import FieldDef, ObjectDef
from sandbox.emulators.salesforce.store import Store

Predicate = Callable[[Any], bool]
Getter = Callable[[Any], Any]
_TYPE_WORD = {
    "currency": "double",
    "double": "double",
    "percent": "double",
    "int": "int",
    "date": "date",
    "datetime": "dateTime",
    "boolean": "boolean",
}
_NUMBERS = {"currency": "number", "double": "number", "percent": "number", "int": "number"}


@dataclass(frozen=True)
class Operand:
    """A comparison's left side: how to read it from an item, its type, how it was written."""

    value: Getter  # folded (text casefolded) value of an item
    leaf: FieldDef  # the type literals are checked against
    text: str
    pos: int


Resolver = Callable[[soql.Operand], Operand]


def fail(query: soql.Query, pos: int, code: str, message: str) -> NoReturn:
    raise soql.error(query.text, pos, code, message)


def field_path(store: Store, query: soql.Query, obj: ObjectDef, ref: soql.FieldRef) -> Path:
    """``ref`` resolved from ``obj`` (INVALID_FIELD with the platform's message if not)."""
    resolved = resolve(obj, ref.path, store.schema)
    if isinstance(resolved, Path):
        return resolved
    if resolved.relationship:
        message = errors.bad_relationship_in_query(resolved.part)
    else:
        message = errors.no_such_column_in_query(resolved.part, resolved.sobject)
    fail(query, ref.pos, "INVALID_FIELD", message)


def fold(value: Any, leaf: FieldDef) -> Any:
    return value.casefold() if isinstance(value, str) and leaf.text else value


def row_getter(store: Store, path: Path) -> Getter:
    return lambda row: fold(path_value(store, row, path), path.leaf)


def record_operands(store: Store, query: soql.Query, obj: ObjectDef) -> Resolver:
    """``WHERE``: field paths on the records of ``obj``."""

    def operand(ref: soql.Operand) -> Operand:
        assert isinstance(ref, soql.FieldRef)  # the parser allows aggregates in HAVING only
        path = field_path(store, query, obj, ref)
        return Operand(row_getter(store, path), path.leaf, ref.path, ref.pos)

    return operand


def condition(store: Store, query: soql.Query, expr: soql.Expr, operand: Resolver) -> Predicate:
    """The predicate of a condition whose left sides ``operand`` resolves."""
    if isinstance(expr, soql.Negation):
        inner = condition(store, query, expr.item, operand)
        return lambda item: not inner(item)
    if isinstance(expr, soql.Junction):
        parts = [condition(store, query, item, operand) for item in expr.items]
        if expr.op == "AND":
            return lambda item: all(p(item) for p in parts)
        return lambda item: any(p(item) for p in parts)
    return _comparison(store, query, operand(expr.field), expr)


def _literal(store: Store, query: soql.Query, left: Operand, v: soql.Value) -> Any:
    leaf = left.leaf
    if v.kind == "null":
        return None
    if leaf.type in {"id", "reference"}:
        if v.kind != "string" or not ids.is_valid(v.value):
            fail(query, v.pos, "INVALID_QUERY_FILTER_OPERATOR", f"invalid ID field: {v.value}")
        return ids.to18(v.value)
    if v.kind == "dateliteral" and leaf.type in {"date", "datetime"}:
        name, n = v.value
        return day_range(name, n, store.clock.now().date())
    expected = "string" if leaf.text else _NUMBERS.get(leaf.type, leaf.type)
    if v.kind != expected:
        if leaf.text:
            detail = "must be of type string and should be enclosed in quotes"
        else:
            word = _TYPE_WORD.get(leaf.type, leaf.type)
            detail = f"must be of type {word} and should not be enclosed in quotes"
        fail(
            query,
            v.pos,
            "INVALID_FIELD",
            f"value of filter criterion for field '{left.text}' {detail}",
        )
    return v.value


def _comparison(store: Store, query: soql.Query, left: Operand, cmp: soql.Comparison) -> Predicate:
    wanted = [_literal(store, query, left, v) for v in cmp.values]
    value_of = left.value
    if cmp.op == "LIKE":
        if not left.leaf.text or wanted[0] is None:
            fail(query, left.pos, "INVALID_FIELD", f"invalid operator on field '{left.text}'")
        pattern = like_pattern(str(wanted[0]))
        return lambda item: (v := value_of(item)) is not None and bool(pattern.match(str(v)))
    if any(isinstance(w, DayRange) for w in wanted):
        return _in_days(cmp.op, wanted, value_of)
    folded = [fold(w, left.leaf) for w in wanted]
    if cmp.op in {"IN", "NOT IN"}:
        negate = cmp.op == "NOT IN"
        return lambda item: (value_of(item) in folded) != negate
    target = folded[0]
    if cmp.op == "=":
        return lambda item: value_of(item) == target
    if cmp.op == "!=":
        return lambda item: value_of(item) != target
    if target is None:
        return lambda item: False
    compare = _ORDERINGS[cmp.op]
    return lambda item: (v := value_of(item)) is not None and compare(v, target)


def _in_days(op: str, wanted: list[Any], value_of: Getter) -> Predicate:
    """A comparison with date literals (each a range of days)."""

    def test(item: Any) -> bool:
        value = value_of(item)
        if value is None:
            return op in {"!=", "NOT IN"}
        inside = any(isinstance(w, DayRange) and w.contains(value) for w in wanted)
        if op in {"=", "IN"}:
            return inside
        if op in {"!=", "NOT IN"}:
            return not inside
        low, high = wanted[0].bounds(value)
        return bool(
            {"<": value < low, "<=": value < high, ">": value >= high, ">=": value >= low}[op]
        )

    return test


_ORDERINGS: dict[str, Callable[[Any, Any], bool]] = {
    "<": lambda a, b: bool(a < b),
    ">": lambda a, b: bool(a > b),
    "<=": lambda a, b: bool(a <= b),
    ">=": lambda a, b: bool(a >= b),
}


def like_pattern(text: str) -> re.Pattern[str]:
    """SOQL ``LIKE``: ``%`` any run, ``_`` one character, ``\\%``/``\\_`` literal; no case."""
    out = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text) and text[i + 1] in "%_":
            out.append(re.escape(text[i + 1]))
            i += 2
            continue
        out.append(".*" if ch == "%" else "." if ch == "_" else re.escape(ch))
        i += 1
    return re.compile("".join(out) + r"\Z", re.IGNORECASE | re.DOTALL)
