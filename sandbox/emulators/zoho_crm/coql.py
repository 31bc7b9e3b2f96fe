"""COQL, the CRM Object Query Language, as far as the emulator serves it.

``POST /crm/v8/coql`` ``{"select_query": "select Account_Name, Modified_Time from Accounts
where Modified_Time >= '2026-03-02T09:30:00+00:00' order by Modified_Time asc, id asc limit
0, 200"}`` (Zoho CRM "Query API - An Overview", "COQL Syntax"; Kaizen #171 "FAQs on COQL").

Served: ``select`` of field API names (up to 500) ``from`` one module; ``where`` with ``=``,
``!=``, ``<``, ``<=``, ``>``, ``>=``, ``in (…)`` / ``not in (…)`` (up to 100 values), ``is
null`` / ``is not null``, ``like 'x%'``, joined by ``and`` / ``or`` with parentheses; ``order by``
several fields ``asc``/``desc`` (default: ``id`` ascending); ``limit n``, ``limit offset, n``
or ``limit n offset m`` (default 200, at most 2000). Values are single-quoted strings (a
quote doubled inside), numbers, ``true``/``false`` and ``null``; datetimes are compared as
instants. A lookup field selects as ``{"id": …}`` and compares by that id.

Departures: no cross-module joins (``Account_Name.Industry``), aggregates or custom-view ids
in ``from``; the documented requirement to bracket more than two criteria in pairs is not
enforced.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

from sandbox.emulators.zoho_crm.modules import MODULES, ModuleSpec
from sandbox.emulators.zoho_crm.records import Record, parse_datetime

MAX_LIMIT = 2000
DEFAULT_LIMIT = 200
MAX_IN_VALUES = 100
_TOKEN = re.compile(
    r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<num>-?\d+(?:\.\d+)?)|(?P<op><=|>=|!=|<>|=|<|>)"
    r"|(?P<punct>[(),])|(?P<word>[A-Za-z_][A-Za-z0-9_.]*))"
)


class CoqlError(Exception):
    """The query cannot be run: answered 400 ``SYNTAX_ERROR`` (or ``INVALID_QUERY``)."""

    def __init__(self, message: str, code: str = "SYNTAX_ERROR") -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Query:
    module: ModuleSpec
    fields: tuple[str, ...]
    where: Callable[[Record], bool]
    order: tuple[tuple[str, bool], ...]  # (field, descending)
    offset: int
    limit: int


class _Tokens:
    def __init__(self, text: str) -> None:
        self.items: list[tuple[str, str]] = []
        pos = 0
        text = text.strip()
        while pos < len(text):
            match = _TOKEN.match(text, pos)
            if match is None or match.end() == pos:
                raise CoqlError(f"unexpected text at {pos}: {text[pos : pos + 20]!r}")
            kind = match.lastgroup or ""
            self.items.append((kind, match.group(kind)))
            pos = match.end()
        self.pos = 0

    def peek(self) -> tuple[str, str] | None:
        return self.items[self.pos] if self.pos < len(self.items) else None

    def word(self, *words: str) -> bool:
        item = self.peek()
        if item and item[0] == "word" and item[1].lower() in words:
            self.pos += 1
            return True
        return False

    def expect_word(self, word: str) -> None:
        if not self.word(word):
            raise CoqlError(f"expected {word!r}")

    def punct(self, char: str) -> bool:
        item = self.peek()
        if item and item[0] == "punct" and item[1] == char:
            self.pos += 1
            return True
        return False

    def take(self) -> tuple[str, str]:
        item = self.peek()
        if item is None:
            raise CoqlError("the query ends too early")
        self.pos += 1
        return item


def parse(text: str) -> Query:
    tokens = _Tokens(text)
    tokens.expect_word("select")
    fields: list[str] = []
    while True:
        kind, name = tokens.take()
        if kind != "word":
            raise CoqlError(f"expected a field name, got {name!r}")
        fields.append(name)
        if not tokens.punct(","):
            break
    tokens.expect_word("from")
    kind, module_name = tokens.take()
    module = MODULES.get(module_name)
    if kind != "word" or module is None:
        raise CoqlError(f"invalid module {module_name!r}", "INVALID_QUERY")
    for name in fields:
        if module.field(name) is None:
            raise CoqlError(f"invalid column given - {name}", "INVALID_QUERY")
    where: Callable[[Record], bool] = lambda record: True  # noqa: E731
    if tokens.word("where"):
        where = _condition(tokens, module)
    order: list[tuple[str, bool]] = []
    if tokens.word("order"):
        tokens.expect_word("by")
        while True:
            kind, name = tokens.take()
            if kind != "word" or module.field(name) is None:
                raise CoqlError(f"invalid order by field {name!r}")
            descending = tokens.word("desc")
            if not descending:
                tokens.word("asc")
            order.append((name, descending))
            if not tokens.punct(","):
                break
    offset, limit = 0, DEFAULT_LIMIT
    if tokens.word("limit"):
        first = _int(tokens)
        if tokens.punct(","):
            offset, limit = first, _int(tokens)
        else:
            limit = first
            if tokens.word("offset"):
                offset = _int(tokens)
    if tokens.peek() is not None:
        raise CoqlError(f"unexpected {tokens.peek()[1]!r}")  # type: ignore[index]
    if limit > MAX_LIMIT:
        raise CoqlError(f"limit exceeds {MAX_LIMIT}", "LIMIT_EXCEEDED")
    return Query(module, tuple(fields), where, tuple(order) or (("id", False),), offset, limit)


def _int(tokens: _Tokens) -> int:
    kind, value = tokens.take()
    if kind != "num" or "." in value or value.startswith("-"):
        raise CoqlError(f"expected a whole number, got {value!r}")
    return int(value)


def _condition(tokens: _Tokens, module: ModuleSpec) -> Callable[[Record], bool]:
    left = _conjunction(tokens, module)
    while tokens.word("or"):
        right = _conjunction(tokens, module)
        left = (lambda a, b: lambda r: a(r) or b(r))(left, right)
    return left


def _conjunction(tokens: _Tokens, module: ModuleSpec) -> Callable[[Record], bool]:
    left = _term(tokens, module)
    while tokens.word("and"):
        right = _term(tokens, module)
        left = (lambda a, b: lambda r: a(r) and b(r))(left, right)
    return left


def _term(tokens: _Tokens, module: ModuleSpec) -> Callable[[Record], bool]:
    if tokens.punct("("):
        inner = _condition(tokens, module)
        if not tokens.punct(")"):
            raise CoqlError("a bracket is not closed")
        return inner
    kind, name = tokens.take()
    if kind != "word" or module.field(name) is None:
        raise CoqlError(f"invalid column given - {name}", "INVALID_QUERY")
    if tokens.word("is"):
        negate = tokens.word("not")
        tokens.expect_word("null")
        return lambda r: (_key(r.get(name)) is None) != negate
    if tokens.word("not"):
        tokens.expect_word("in")
        values = _values(tokens)
        return lambda r: _comparable(_key(r.get(name))) not in values
    if tokens.word("in"):
        values = _values(tokens)
        return lambda r: _comparable(_key(r.get(name))) in values
    if tokens.word("like"):
        pattern = _literal(tokens.take())
        regex = re.compile("^" + re.escape(str(pattern)).replace("%", ".*") + "$", re.IGNORECASE)
        return lambda r: r.get(name) is not None and bool(regex.match(str(r.get(name))))
    op_kind, op = tokens.take()
    if op_kind != "op":
        raise CoqlError(f"expected an operator after {name}")
    value = _comparable(_literal(tokens.take()))
    compare = _OPS[op]

    def test(record: Record) -> bool:
        mine = _key(record.get(name))
        if mine is None or value is None:
            return op in ("=",) and mine is None and value is None
        try:
            return compare(_comparable(mine), value)
        except TypeError:
            return False

    return test


def _values(tokens: _Tokens) -> set[Any]:
    if not tokens.punct("("):
        raise CoqlError("expected '(' after in")
    values: set[Any] = set()
    while True:
        values.add(_comparable(_literal(tokens.take())))
        if tokens.punct(")"):
            break
        if not tokens.punct(","):
            raise CoqlError("expected ',' or ')' in a value list")
    if len(values) > MAX_IN_VALUES:
        raise CoqlError(f"more than {MAX_IN_VALUES} values in 'in'", "LIMIT_EXCEEDED")
    return values


def _literal(item: tuple[str, str]) -> Any:
    kind, text = item
    if kind == "str":
        return text[1:-1].replace("''", "'")
    if kind == "num":
        return Decimal(text)
    if kind == "word" and text.lower() in ("true", "false"):
        return text.lower() == "true"
    if kind == "word" and text.lower() == "null":
        return None
    raise CoqlError(f"expected a value, got {text!r}")


def _key(value: Any) -> Any:
    """What a stored value compares as: a lookup by its id."""
    if isinstance(value, dict):
        return value.get("id")
    return value


def _comparable(value: Any) -> Any:
    """Numbers (ids included) as Decimal, datetimes as instants, the rest as they are."""
    if isinstance(value, datetime | bool) or value is None:
        return value
    if isinstance(value, int | Decimal):
        return Decimal(value)
    text = str(value)
    if re.fullmatch(r"-?\d+(\.\d+)?", text):
        try:
            return Decimal(text)
        except InvalidOperation:
            return text
    if re.match(r"^\d{4}-\d{2}-\d{2}T", text):
        moment = parse_datetime(text)
        if moment is not None:
            return moment
    return text


_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "=": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<>": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def run(query: Query, records: list[Record]) -> tuple[list[Record], bool]:
    """The page of matching records, and whether more follow it."""
    rows = [r for r in records if query.where(r)]
    for name, descending in reversed(query.order):
        rows.sort(key=partial(_field_key, name), reverse=descending)
    page = rows[query.offset : query.offset + query.limit]
    return page, query.offset + query.limit < len(rows)


def _field_key(name: str, record: Record) -> tuple[int, Any]:
    return _sort_key(record.get(name))


def _sort_key(value: Any) -> tuple[int, Any]:
    value = _comparable(_key(value))
    if value is None:
        return (0, Decimal(0))
    if isinstance(value, datetime):
        return (1, value.timestamp())
    if isinstance(value, Decimal | bool):
        return (1, Decimal(value))
    return (2, str(value).casefold())
