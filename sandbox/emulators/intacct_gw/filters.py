"""Selecting records: ``query``'s <filter> elements and ``readByQuery``'s SQL-like string."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from xml.etree.ElementTree import Element

from sandbox.emulators.intacct_gw import errors
from sandbox.emulators.intacct_gw.objects import ObjectSpec
from sandbox.emulators.intacct_gw.store import Record, parse_date, parse_timestamp

Predicate = Callable[[Record], bool]


def typed(spec: ObjectSpec, field: str, text: str) -> Any:
    kind = spec.fields.get(field)
    if kind is None:
        raise errors.unknown_field(spec.name, field)
    try:
        if kind == "date":
            return parse_date(text)
        if kind == "timestamp":
            return parse_timestamp(text) if " " in text.strip() else parse_date(text)
        if kind in {"decimal", "int"}:
            return Decimal(text)
    except (ValueError, InvalidOperation) as exc:
        raise errors.bad_query(f"'{text}' is not a valid {kind} for {field}") from exc
    return text


def _cmp(value: Any, other: Any) -> tuple[Any, Any]:
    if isinstance(value, datetime) and isinstance(other, date) and not isinstance(other, datetime):
        return value.date(), other
    if isinstance(value, int) and isinstance(other, Decimal):
        return Decimal(value), other
    if isinstance(value, str) and isinstance(other, str):
        return value.lower(), other.lower()
    return value, other


OPS: dict[str, Callable[[Any, Any], bool]] = {
    "equalto": lambda a, b: a is not None and _cmp(a, b)[0] == _cmp(a, b)[1],
    "notequalto": lambda a, b: a is None or _cmp(a, b)[0] != _cmp(a, b)[1],
    "lessthan": lambda a, b: a is not None and _cmp(a, b)[0] < _cmp(a, b)[1],
    "lessthanorequalto": lambda a, b: a is not None and _cmp(a, b)[0] <= _cmp(a, b)[1],
    "greaterthan": lambda a, b: a is not None and _cmp(a, b)[0] > _cmp(a, b)[1],
    "greaterthanorequalto": lambda a, b: a is not None and _cmp(a, b)[0] >= _cmp(a, b)[1],
}


def _like(pattern: str) -> re.Pattern[str]:
    return re.compile("^" + re.escape(pattern).replace("%", ".*").replace("_", ".") + "$", re.I)


def from_element(spec: ObjectSpec, node: Element) -> Predicate:
    """<filter> children: and / or / equalto / in / like / isnull ..."""
    tag = node.tag.lower()
    if tag in {"filter", "and", "or"}:
        parts = [from_element(spec, child) for child in node]
        if tag == "or":
            return lambda r: any(p(r) for p in parts)
        return lambda r: all(p(r) for p in parts)
    field = (node.findtext("field") or "").strip()
    if field not in spec.fields:
        raise errors.unknown_field(spec.name, field)
    values = [typed(spec, field, (v.text or "").strip()) for v in node.findall("value")]
    if tag == "isnull":
        return lambda r: r.get(field) in (None, "")
    if tag == "isnotnull":
        return lambda r: r.get(field) not in (None, "")
    if tag in {"in", "notin"}:
        wanted = [_cmp(v, v)[0] for v in values]

        def inside(r: Record) -> bool:
            return r.get(field) is not None and _cmp(r[field], r[field])[0] in wanted

        return inside if tag == "in" else (lambda r: not inside(r))
    if tag in {"like", "notlike"}:
        pattern = _like(str(values[0]))

        def matched(r: Record) -> bool:
            return r.get(field) is not None and bool(pattern.match(str(r[field])))

        return matched if tag == "like" else (lambda r: not matched(r))
    op = OPS.get(tag)
    if op is None or not values:
        raise errors.bad_query(f"unknown filter {tag}")
    value = values[0]
    return lambda r: op(r.get(field), value)


_TOKEN = re.compile(
    r"\s*(?:(?P<str>'(?:''|[^'])*')|(?P<op><=|>=|!=|<>|=|<|>)|(?P<p>[(),])|(?P<word>[A-Za-z0-9_.:/-]+))"
)
_SQL_OPS = {
    "=": "equalto",
    "!=": "notequalto",
    "<>": "notequalto",
    "<": "lessthan",
    "<=": "lessthanorequalto",
    ">": "greaterthan",
    ">=": "greaterthanorequalto",
}


def from_query_string(spec: ObjectSpec, text: str) -> Predicate:
    """readByQuery's query: ``FIELD op 'value'`` joined by AND/OR, with IN (...), LIKE,
    IS [NOT] NULL and parentheses."""
    tokens: list[tuple[str, str]] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise errors.bad_query(f"cannot read '{text[pos : pos + 20]}'")
        kind = m.lastgroup or ""
        tokens.append((kind, m.group(kind)))
        pos = m.end()
    if not tokens:
        return lambda r: True
    i = 0

    def peek() -> tuple[str, str]:
        return tokens[i] if i < len(tokens) else ("eof", "")

    def take() -> tuple[str, str]:
        nonlocal i
        tok = peek()
        i += 1
        return tok

    def value_of(tok: tuple[str, str]) -> str:
        return tok[1][1:-1].replace("''", "'") if tok[0] == "str" else tok[1]

    def expr() -> Predicate:
        parts = [term()]
        while peek()[1].lower() == "or":
            take()
            parts.append(term())
        return parts[0] if len(parts) == 1 else (lambda r: any(p(r) for p in parts))

    def term() -> Predicate:
        parts = [factor()]
        while peek()[1].lower() == "and":
            take()
            parts.append(factor())
        return parts[0] if len(parts) == 1 else (lambda r: all(p(r) for p in parts))

    def factor() -> Predicate:
        if peek() == ("p", "("):
            take()
            inner = expr()
            if take() != ("p", ")"):
                raise errors.bad_query("missing )")
            return inner
        kind, field = take()
        if kind != "word" or field not in spec.fields:
            raise errors.unknown_field(spec.name, field)
        kind, op = take()
        lowered = op.lower()
        if lowered == "is":
            negate = peek()[1].lower() == "not"
            if negate:
                take()
            take()  # NULL
            return (
                (lambda r: r.get(field) not in (None, ""))
                if negate
                else (lambda r: r.get(field) in (None, ""))
            )
        if lowered in {"in", "not"}:
            if lowered == "not":
                take()
            if take() != ("p", "("):
                raise errors.bad_query("IN needs (")
            values = []
            while True:
                values.append(_cmp(typed(spec, field, value_of(take())), 0)[0])
                sep = take()
                if sep == ("p", ")"):
                    break

            def hit(r: Record) -> bool:
                return r.get(field) is not None and _cmp(r[field], 0)[0] in values

            return hit if lowered == "in" else (lambda r: not hit(r))
        if lowered == "like":
            pattern = _like(value_of(take()))
            return lambda r: r.get(field) is not None and bool(pattern.match(str(r[field])))
        if kind != "op":
            raise errors.bad_query(f"unexpected {op}")
        value = typed(spec, field, value_of(take()))
        fn = OPS[_SQL_OPS[op]]
        return lambda r: fn(r.get(field), value)

    predicate = expr()
    if peek()[0] != "eof":
        raise errors.bad_query(f"unexpected '{peek()[1]}'")
    return predicate
