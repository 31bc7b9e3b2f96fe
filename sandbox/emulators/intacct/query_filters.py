"""Filters of ``readByQuery`` (SQL-like text) and ``query`` (XML), and their evaluation.

readByQuery (developer.intacct.com "Queries", "Using readByQuery (legacy)"): operators
``<``, ``>``, ``>=``, ``<=``, ``=``, ``like``, ``not like``, ``in``, ``not in``,
``IS NULL``, ``IS NOT NULL``, combined with ``AND``/``OR``, negated with a ``NOT`` prefix,
grouped with parentheses. String operands are single-quoted with ``\\'`` for a quote and
are case-sensitive; ``%`` and ``_`` are the ``like`` wildcards. Fields with a database
code list accept the code (``STATE = 'I'``) as well as the label. ``!=`` and ``<>`` are
accepted too.

query (same page, "Filter" and the XSD): exactly one top-level operator under
``<filter>``: ``equalto``, ``notequalto``, ``lessthan``, ``lessthanorequalto``,
``greaterthan``, ``greaterthanorequalto``, ``between`` (two values), ``in``/``notin``
(1..1000 values), ``like``/``notlike``, ``isnull``/``isnotnull``, or ``and``/``or`` with
two or more operands; ``<options><caseinsensitive>true`` makes text comparisons ignore
case.

Values compare by the field's kind: dates as ``mm/dd/yyyy``, timestamps as
``mm/dd/yyyy hh:mm:ss`` (so ``WHENMODIFIED > '05/01/2024 10:00:00'`` is a time
comparison), numbers numerically, booleans as ``true``/``false``. A comparison with an
empty field is false, as in SQL.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import Element

from sandbox.emulators.intacct import errors
from sandbox.emulators.intacct.schema import (
    Field,
    InvalidValueError,
    Kind,
    ObjectSpec,
    Record,
    parse_wire,
)


@dataclass(frozen=True)
class Compare:
    field: str
    op: str  # = != < <= > >= like notlike in notin isnull isnotnull between
    values: tuple[str, ...] = ()


@dataclass(frozen=True)
class AllOf:
    parts: tuple[Predicate, ...]


@dataclass(frozen=True)
class AnyOf:
    parts: tuple[Predicate, ...]


@dataclass(frozen=True)
class Negation:
    part: Predicate


Predicate = Compare | AllOf | AnyOf | Negation


# -- readByQuery text --------------------------------------------------------------------

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<string>'(?:\\.|[^'\\])*')
      | (?P<number>-?\d+(?:\.\d+)?(?![\w.]))
      | (?P<op><=|>=|<>|!=|=|<|>)
      | (?P<punct>[(),])
      | (?P<word>[A-Za-z_][A-Za-z0-9_.]*)
    )""",
    re.VERBOSE,
)

_COMPARISONS = {"=": "=", "!=": "!=", "<>": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str


def _tokens(text: str) -> list[_Token]:
    found: list[_Token] = []
    position = 0
    stripped = text.rstrip()
    while position < len(stripped):
        match = _TOKEN.match(stripped, position)
        if match is None:
            raise errors.bad_query(f"unexpected text at '{stripped[position : position + 20]}'")
        kind = match.lastgroup or ""
        value = match.group(kind)
        if kind == "string":
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        found.append(_Token(kind, value))
        position = match.end()
    return found


class _Parser:
    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.at = 0

    def peek_word(self, *words: str) -> bool:
        if self.at >= len(self.tokens):
            return False
        token = self.tokens[self.at]
        return token.kind == "word" and token.text.upper() in words

    def take(self) -> _Token:
        if self.at >= len(self.tokens):
            raise errors.bad_query("the query ends too early")
        token = self.tokens[self.at]
        self.at += 1
        return token

    def expect_word(self, word: str) -> None:
        token = self.take()
        if token.kind != "word" or token.text.upper() != word:
            raise errors.bad_query(f"expected {word} but found '{token.text}'")

    def expect_punct(self, text: str) -> None:
        token = self.take()
        if token.kind != "punct" or token.text != text:
            raise errors.bad_query(f"expected '{text}' but found '{token.text}'")

    def expression(self) -> Predicate:
        parts = [self.conjunction()]
        while self.peek_word("OR"):
            self.take()
            parts.append(self.conjunction())
        return parts[0] if len(parts) == 1 else AnyOf(tuple(parts))

    def conjunction(self) -> Predicate:
        parts = [self.negation()]
        while self.peek_word("AND"):
            self.take()
            parts.append(self.negation())
        return parts[0] if len(parts) == 1 else AllOf(tuple(parts))

    def negation(self) -> Predicate:
        if self.peek_word("NOT"):
            self.take()
            return Negation(self.negation())
        token = self.tokens[self.at] if self.at < len(self.tokens) else None
        if token is not None and token.kind == "punct" and token.text == "(":
            self.take()
            inner = self.expression()
            self.expect_punct(")")
            return inner
        return self.comparison()

    def operand(self) -> str:
        token = self.take()
        if token.kind not in ("string", "number"):
            raise errors.bad_query(f"expected a value but found '{token.text}'")
        return token.text

    def comparison(self) -> Predicate:
        field = self.take()
        if field.kind != "word":
            raise errors.bad_query(f"expected a field name but found '{field.text}'")
        name = field.text.upper()
        token = self.take()
        if token.kind == "op":
            return Compare(name, _COMPARISONS[token.text], (self.operand(),))
        word = token.text.upper() if token.kind == "word" else ""
        negated = word == "NOT"
        if negated:
            word = self.take().text.upper()
        if word == "LIKE":
            return Compare(name, "notlike" if negated else "like", (self.operand(),))
        if word == "IN":
            self.expect_punct("(")
            values = [self.operand()]
            while self.at < len(self.tokens) and self.tokens[self.at].text == ",":
                self.take()
                values.append(self.operand())
            self.expect_punct(")")
            return Compare(name, "notin" if negated else "in", tuple(values))
        if word == "IS" and not negated:
            if self.peek_word("NOT"):
                self.take()
                self.expect_word("NULL")
                return Compare(name, "isnotnull")
            self.expect_word("NULL")
            return Compare(name, "isnull")
        raise errors.bad_query(f"unsupported operator '{token.text}' after {name}")


def parse_read_by_query(text: str | None) -> Predicate | None:
    """None for an empty query (every record)."""
    if text is None or not text.strip():
        return None
    parser = _Parser(_tokens(text))
    predicate = parser.expression()
    if parser.at != len(parser.tokens):
        raise errors.bad_query(f"unexpected '{parser.tokens[parser.at].text}'")
    return predicate


# -- query XML filter ----------------------------------------------------------------------

_XML_OPERATORS = {
    "equalto": ("=", 1, 1),
    "notequalto": ("!=", 1, 1),
    "lessthan": ("<", 1, 1),
    "lessthanorequalto": ("<=", 1, 1),
    "greaterthan": (">", 1, 1),
    "greaterthanorequalto": (">=", 1, 1),
    "between": ("between", 2, 2),
    "in": ("in", 1, 1000),
    "notin": ("notin", 1, 1000),
    "like": ("like", 1, 1),
    "notlike": ("notlike", 1, 1),
    "isnull": ("isnull", 0, 0),
    "isnotnull": ("isnotnull", 0, 0),
}


def parse_filter(node: Element) -> Predicate:
    """``<filter>`` holds exactly one operator; ``and``/``or`` hold two or more."""
    children = list(node)
    if len(children) != 1:
        raise errors.bad_query("filter must hold exactly one operator (use and/or to combine)")
    return _filter_node(children[0])


def _filter_node(node: Element) -> Predicate:
    tag = node.tag
    if tag in ("and", "or"):
        parts = tuple(_filter_node(child) for child in node)
        if len(parts) < 2:
            raise errors.bad_query(f"{tag} needs at least two conditions")
        return AllOf(parts) if tag == "and" else AnyOf(parts)
    if tag not in _XML_OPERATORS:
        raise errors.bad_query(f"unknown filter operator <{tag}>")
    op, least, most = _XML_OPERATORS[tag]
    field = node.find("field")
    if field is None or not (field.text or "").strip():
        raise errors.bad_query(f"<{tag}> needs a <field>")
    values = tuple((v.text or "") for v in node.findall("value"))
    if not least <= len(values) <= most:
        raise errors.bad_query(f"<{tag}> takes {least}..{most} <value> elements")
    return Compare((field.text or "").strip().upper(), op, values)


# -- evaluation ----------------------------------------------------------------------------


def fields_used(predicate: Predicate | None) -> list[str]:
    if predicate is None:
        return []
    if isinstance(predicate, Compare):
        return [predicate.field]
    if isinstance(predicate, Negation):
        return fields_used(predicate.part)
    return [name for part in predicate.parts for name in fields_used(part)]


def check_fields(spec: ObjectSpec, predicate: Predicate | None) -> None:
    for name in fields_used(predicate):
        if spec.field(name) is None:
            raise errors.field_not_valid(spec.name, name)


def _operand(field: Field, text: str) -> Any:
    label = field.code_label(text)
    try:
        return parse_wire(field, label if label is not None else text)
    except InvalidValueError as problem:
        raise errors.bad_query(
            f"'{text}' is not valid for {field.name}: {problem.expected}"
        ) from None


def _like(pattern: str, value: str, fold: bool) -> bool:
    regex = "".join(".*" if ch == "%" else "." if ch == "_" else re.escape(ch) for ch in pattern)
    return re.fullmatch(regex, value, re.DOTALL | (re.IGNORECASE if fold else 0)) is not None


def _fold(value: Any, fold: bool) -> Any:
    return value.lower() if fold and isinstance(value, str) else value


_Operands = dict[int, list[Any]]  # a condition's parsed, folded operands, by id(condition)


def _right(field: Field, condition: Compare, fold: bool, parsed: _Operands) -> list[Any]:
    """The condition's operands as values of the field, parsed once per query, not per row."""
    known = parsed.get(id(condition))
    if known is None:
        if field.kind is Kind.TEXT and condition.op in ("<", "<=", ">", ">=", "between"):
            operands: list[Any] = list(condition.values)
        else:
            operands = [_operand(field, text) for text in condition.values]
        known = parsed[id(condition)] = [_fold(o, fold) for o in operands]
    return known


def _compare(field: Field, condition: Compare, value: Any, fold: bool, parsed: _Operands) -> bool:
    op = condition.op
    if op == "isnull":
        return value is None or value == ""
    if op == "isnotnull":
        return not (value is None or value == "")
    if value is None:
        return False
    if op in ("like", "notlike"):
        matched = _like(condition.values[0], str(value), fold)
        return matched if op == "like" else not matched
    left = _fold(value, fold)
    right = _right(field, condition, fold, parsed)
    if op == "in":
        return left in right
    if op == "notin":
        return left not in right
    if op == "between":
        return bool(right[0] <= left <= right[1])
    target = right[0]
    if target is None:
        return False
    if op == "=":
        return bool(left == target)
    if op == "!=":
        return bool(left != target)
    if op == "<":
        return bool(left < target)
    if op == "<=":
        return bool(left <= target)
    if op == ">":
        return bool(left > target)
    return bool(left >= target)


def matches(
    spec: ObjectSpec,
    predicate: Predicate | None,
    record: Record,
    *,
    fold: bool = False,
    parsed: _Operands | None = None,
) -> bool:
    if predicate is None:
        return True
    known = {} if parsed is None else parsed
    if isinstance(predicate, AllOf):
        return all(matches(spec, p, record, fold=fold, parsed=known) for p in predicate.parts)
    if isinstance(predicate, AnyOf):
        return any(matches(spec, p, record, fold=fold, parsed=known) for p in predicate.parts)
    if isinstance(predicate, Negation):
        return not matches(spec, predicate.part, record, fold=fold, parsed=known)
    field = spec.field(predicate.field)
    if field is None:
        raise errors.field_not_valid(spec.name, predicate.field)
    return _compare(field, predicate, record.get(field.name), fold, known)


def select(
    spec: ObjectSpec, predicate: Predicate | None, rows: Sequence[Record], *, fold: bool = False
) -> list[Record]:
    check_fields(spec, predicate)
    parsed: _Operands = {}
    return [row for row in rows if matches(spec, predicate, row, fold=fold, parsed=parsed)]
