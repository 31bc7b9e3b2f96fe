"""The SOQL subset: SELECT fields (parent relationship paths, COUNT()) FROM one object
[WHERE ...] [ORDER BY ...] [LIMIT n] [OFFSET n]; WHERE with = != <> < <= > >= LIKE IN,
NOT IN, AND, OR, NOT, parentheses; string, number, boolean, null, date and datetime
literals (SOQL and SOSL Reference, "SOQL SELECT Syntax")."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sandbox.emulators.sfdc.errors import ApiFaultError
from sandbox.emulators.sfdc.schema import ObjectDef, lookup
from sandbox.emulators.sfdc.store import parse_datetime

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<string>'(?:\\.|[^'\\])*')
    | (?P<datetime>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2}))
    | (?P<date>\d{4}-\d{2}-\d{2})
    | (?P<number>-?\d+(?:\.\d+)?)
    | (?P<op><=|>=|!=|<>|=|<|>)
    | (?P<punct>[(),])
    | (?P<name>[A-Za-z_][A-Za-z0-9_.]*)
    )""",
    re.VERBOSE,
)
KEYWORDS = {
    "select",
    "from",
    "where",
    "and",
    "or",
    "not",
    "in",
    "like",
    "order",
    "by",
    "asc",
    "desc",
    "nulls",
    "first",
    "last",
    "limit",
    "offset",
    "null",
    "true",
    "false",
}


def malformed(message: str) -> ApiFaultError:
    return ApiFaultError(400, "MALFORMED_QUERY", message)


@dataclass
class Query:
    obj: ObjectDef
    fields: list[str]
    count_only: bool = False
    where: Callable[[Callable[[str], Any]], bool] | None = None
    order: list[tuple[str, bool, bool]] = field(default_factory=list)  # path, desc, nulls_last
    limit: int | None = None
    offset: int = 0


class _Tokens:
    def __init__(self, text: str) -> None:
        self.items: list[tuple[str, str]] = []
        pos = 0
        text = text.strip()
        while pos < len(text):
            m = _TOKEN.match(text, pos)
            if not m or m.end() == pos:
                raise malformed(f"unexpected token at: {text[pos : pos + 20]}")
            kind = m.lastgroup or ""
            self.items.append((kind, m.group(kind)))
            pos = m.end()
        self.i = 0

    def peek(self, ahead: int = 0) -> tuple[str, str]:
        j = self.i + ahead
        return self.items[j] if j < len(self.items) else ("eof", "")

    def next(self) -> tuple[str, str]:
        tok = self.peek()
        self.i += 1
        return tok

    def keyword(self, *words: str) -> bool:
        kind, value = self.peek()
        if kind == "name" and value.lower() in words:
            self.i += 1
            return True
        return False

    def expect_keyword(self, word: str) -> None:
        if not self.keyword(word):
            raise malformed(f"expecting '{word.upper()}', found '{self.peek()[1]}'")

    def expect(self, punct: str) -> None:
        if self.next() != ("punct", punct):
            raise malformed(f"expecting '{punct}'")


def parse(text: str, resolve_path: Callable[[ObjectDef, str], str]) -> Query:
    t = _Tokens(text)
    t.expect_keyword("select")
    fields: list[str] = []
    count_only = False
    while True:
        kind, value = t.next()
        if kind != "name":
            raise malformed(f"unexpected token: '{value}'")
        if value.lower() == "count" and t.peek() == ("punct", "("):
            t.expect("(")
            t.expect(")")
            count_only = True
        else:
            fields.append(value)
        if t.peek() != ("punct", ","):
            break
        t.next()
    t.expect_keyword("from")
    kind, name = t.next()
    obj = lookup(name) if kind == "name" else None
    if obj is None:
        raise ApiFaultError(
            400,
            "INVALID_TYPE",
            f"sObject type '{name}' is not supported. If you are attempting to use a custom "
            "object, be sure to append the '__c' after the entity name.",
        )
    paths = [resolve_path(obj, f) for f in fields]
    query = Query(obj=obj, fields=paths, count_only=count_only)
    if t.keyword("where"):
        query.where = _or(t, obj, resolve_path)
    if t.keyword("order"):
        t.expect_keyword("by")
        while True:
            kind, value = t.next()
            path = resolve_path(obj, value)
            desc = t.keyword("desc")
            if not desc:
                t.keyword("asc")
            nulls_last = desc
            if t.keyword("nulls"):
                nulls_last = t.keyword("last")
                if not nulls_last:
                    t.expect_keyword("first")
            query.order.append((path, desc, nulls_last))
            if t.peek() != ("punct", ","):
                break
            t.next()
    if t.keyword("limit"):
        query.limit = int(t.next()[1])
    if t.keyword("offset"):
        query.offset = int(t.next()[1])
    if t.peek()[0] != "eof":
        raise malformed(f"unexpected token: '{t.peek()[1]}'")
    return query


Getter = Callable[[str], Any]
Predicate = Callable[[Getter], bool]


def _or(t: _Tokens, obj: ObjectDef, rp: Callable[[ObjectDef, str], str]) -> Predicate:
    parts = [_and(t, obj, rp)]
    while t.keyword("or"):
        parts.append(_and(t, obj, rp))
    return parts[0] if len(parts) == 1 else (lambda get: any(p(get) for p in parts))


def _and(t: _Tokens, obj: ObjectDef, rp: Callable[[ObjectDef, str], str]) -> Predicate:
    parts = [_not(t, obj, rp)]
    while t.keyword("and"):
        parts.append(_not(t, obj, rp))
    return parts[0] if len(parts) == 1 else (lambda get: all(p(get) for p in parts))


def _not(t: _Tokens, obj: ObjectDef, rp: Callable[[ObjectDef, str], str]) -> Predicate:
    if t.keyword("not"):
        inner = _not(t, obj, rp)
        return lambda get: not inner(get)
    if t.peek() == ("punct", "("):
        t.next()
        inner = _or(t, obj, rp)
        t.expect(")")
        return inner
    return _condition(t, obj, rp)


def _literal(t: _Tokens) -> Any:
    kind, value = t.next()
    if kind == "string":
        body = value[1:-1]
        return re.sub(
            r"\\(.)", lambda m: {"n": "\n", "r": "\r", "t": "\t"}.get(m.group(1), m.group(1)), body
        )
    if kind == "number":
        return Decimal(value)
    if kind == "date":
        return date.fromisoformat(value)
    if kind == "datetime":
        return parse_datetime(value)
    if kind == "name" and value.lower() in {"null", "true", "false"}:
        return {"null": None, "true": True, "false": False}[value.lower()]
    raise malformed(f"unexpected token: '{value}'")


def _condition(t: _Tokens, obj: ObjectDef, rp: Callable[[ObjectDef, str], str]) -> Predicate:
    kind, name = t.next()
    if kind != "name":
        raise malformed(f"unexpected token: '{name}'")
    path = rp(obj, name)
    negate_in = False
    if t.keyword("not"):
        negate_in = True
        t.expect_keyword("in")
        op = "in"
    elif t.keyword("in"):
        op = "in"
    elif t.keyword("like"):
        op = "like"
    else:
        okind, op = t.next()
        if okind != "op":
            raise malformed(f"unexpected token: '{op}'")
    if op == "in":
        t.expect("(")
        values = [_literal(t)]
        while t.peek() == ("punct", ","):
            t.next()
            values.append(_literal(t))
        t.expect(")")
        normalized = [_norm(v) for v in values]
        return lambda get: (_norm(get(path)) in normalized) != negate_in
    value = _literal(t)
    if op == "like":
        pattern = re.compile(
            "^" + re.escape(str(value)).replace("%", ".*").replace("_", ".") + "$", re.IGNORECASE
        )
        return lambda get: get(path) is not None and bool(pattern.match(str(get(path))))
    return lambda get: _compare(get(path), op, value)


def _norm(value: Any) -> Any:
    if isinstance(value, str):
        return value.lower()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value))
    return value


def _compare(left: Any, op: str, right: Any) -> bool:
    if op in {"=", "!=", "<>"}:
        if right is None or left is None:
            equal = left is right
        else:
            equal = _coerce_pair(left, right)[0] == _coerce_pair(left, right)[1]
        return equal if op == "=" else not equal
    if left is None or right is None:
        return False
    a, b = _coerce_pair(left, right)
    result: bool = {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]
    return result


def _coerce_pair(left: Any, right: Any) -> tuple[Any, Any]:
    if isinstance(left, datetime) and isinstance(right, date) and not isinstance(right, datetime):
        return left.date(), right
    if isinstance(left, str) and isinstance(right, str):
        return left.lower(), right.lower()
    if isinstance(left, Decimal | int) and isinstance(right, Decimal | int):
        return Decimal(left), Decimal(right)
    if isinstance(left, str) and isinstance(right, Decimal):
        return left, str(right)
    return left, right
