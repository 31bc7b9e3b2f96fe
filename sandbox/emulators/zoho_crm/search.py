"""``GET /crm/v8/{module}/search?criteria=…``: the Search Records API's criteria.

``(Field:operator:value)`` groups joined by ``and`` / ``or``, brackets nesting them,
``equals`` and ``starts_with`` (and ``in`` with comma-separated values); a comma or bracket
inside a value is escaped with a backslash (Zoho CRM "Search Records": "You can search for a
maximum of 10 criteria … with equals and starts_with conditions"; "When you use parentheses or
comma in the value for a criteria, you must escape them using a backslash").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sandbox.emulators.zoho_crm.modules import ModuleSpec
from sandbox.emulators.zoho_crm.records import Record

MAX_CRITERIA = 10


class CriteriaError(Exception):
    pass


def parse(text: str, module: ModuleSpec) -> Callable[[Record], bool]:
    count = [0]
    pos, test = _expr(text.strip(), 0, module, count)
    if pos != len(text.strip()):
        raise CriteriaError("unexpected text after the criteria")
    if count[0] > MAX_CRITERIA:
        raise CriteriaError(f"more than {MAX_CRITERIA} criteria")
    return test


def _expr(
    text: str, pos: int, module: ModuleSpec, count: list[int]
) -> tuple[int, Callable[[Record], bool]]:
    pos, left = _group(text, pos, module, count)
    while True:
        rest = text[pos:].lower()
        if rest.startswith("and"):
            pos, right = _group(text, pos + 3, module, count)
            left = (lambda a, b: lambda r: a(r) and b(r))(left, right)
        elif rest.startswith("or"):
            pos, right = _group(text, pos + 2, module, count)
            left = (lambda a, b: lambda r: a(r) or b(r))(left, right)
        else:
            return pos, left


def _group(
    text: str, pos: int, module: ModuleSpec, count: list[int]
) -> tuple[int, Callable[[Record], bool]]:
    if pos >= len(text) or text[pos] != "(":
        raise CriteriaError("expected '('")
    if pos + 1 < len(text) and text[pos + 1] == "(":
        end, inner = _expr(text, pos + 1, module, count)
        if end >= len(text) or text[end] != ")":
            raise CriteriaError("a bracket is not closed")
        return end + 1, inner
    chars: list[str] = []
    i = pos + 1
    while i < len(text) and text[i] != ")":
        if text[i] == "\\" and i + 1 < len(text):
            chars.append(text[i + 1])
            i += 2
            continue
        chars.append(text[i] if text[i] != "," else "\x00")
        i += 1
    if i >= len(text):
        raise CriteriaError("a bracket is not closed")
    name, _, rest = "".join(chars).partition(":")
    op, _, value = rest.partition(":")
    if module.field(name) is None:
        raise CriteriaError(f"invalid field {name}")
    count[0] += 1
    values = [v for v in value.split("\x00")]
    value = value.replace("\x00", ",")
    return i + 1, _test(name, op, value, values)


def _test(name: str, op: str, value: str, values: list[str]) -> Callable[[Record], bool]:
    def mine(record: Record) -> str:
        raw: Any = record.get(name)
        if isinstance(raw, dict):
            raw = raw.get("id")
        return "" if raw is None else str(raw)

    if op == "equals":
        return lambda r: mine(r).casefold() == value.casefold()
    if op == "starts_with":
        return lambda r: mine(r).casefold().startswith(value.casefold())
    if op == "in":
        wanted = {v.casefold() for v in values}
        return lambda r: mine(r).casefold() in wanted
    raise CriteriaError(f"unsupported operator {op}")
