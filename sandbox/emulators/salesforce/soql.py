"""SOQL: a lexer and parser for the subset the emulator answers.

Supported (SOQL and SOSL Reference): ``SELECT`` field paths (``Account.Name``,
``PricebookEntry.Product2.ProductCode``), ``COUNT()``, aggregate functions (``COUNT``,
``COUNT_DISTINCT``, ``SUM``, ``MAX``, ``MIN``, ``AVG``) with optional aliases,
``FIELDS(ALL|STANDARD|CUSTOM)``, and
parent-to-child subqueries ``(SELECT LastName FROM Contacts WHERE ... ORDER BY ... LIMIT
n)``; ``FROM`` one object; ``WHERE`` with ``= != <> < > <= >= LIKE IN NOT IN``,
``AND``/``OR``/``NOT`` and parentheses (mixing ``AND`` and ``OR`` needs parentheses, as in
SOQL); literals ``'text'`` (backslash escapes), numbers, ``true``/``false``, ``null``, dates
``YYYY-MM-DD``, dateTimes ``YYYY-MM-DDThh:mm:ss[.SSS](Z|±hh:mm)`` and date literals
(``TODAY``, ``LAST_N_DAYS:30``... see :mod:`date_literals`); ``GROUP BY`` paths;
``HAVING`` conditions on aggregates and grouped fields; ``ORDER BY`` paths or aggregates
``ASC|DESC`` ``NULLS FIRST|LAST``; ``LIMIT``; ``OFFSET``.

Errors read like the platform's: the query line, a caret, ``ERROR at Row:1:Column:N`` and
the reason (``unexpected token: 'FROM'``), as MALFORMED_QUERY.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal, Union

from sandbox.emulators.salesforce.clock import parse_date, parse_datetime
from sandbox.emulators.salesforce.date_literals import is_date_literal
from sandbox.emulators.salesforce.errors import ApiError

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<datetime>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2}))
  | (?P<date>\d{4}-\d{2}-\d{2}(?![\w:]))
  | (?P<number>[+-]?\d+(?:\.\d+)?(?![\w.]))
  | (?P<string>'(?:[^'\\]|\\.)*')
  | (?P<dateliteral>[A-Za-z_]+:\d+(?![\w.]))
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
  | (?P<op><=|>=|!=|<>|=|<|>)
  | (?P<punct>[(),])
    """,
    re.VERBOSE,
)
KEYWORDS = frozenset(
    {
        "SELECT",
        "FROM",
        "WHERE",
        "AND",
        "OR",
        "NOT",
        "IN",
        "LIKE",
        "ORDER",
        "BY",
        "ASC",
        "DESC",
        "NULLS",
        "FIRST",
        "LAST",
        "LIMIT",
        "OFFSET",
        "NULL",
        "TRUE",
        "FALSE",
        "COUNT",
        "GROUP",
        "HAVING",
    }
)
AGGREGATES = frozenset({"COUNT", "COUNT_DISTINCT", "SUM", "MAX", "MIN", "AVG"})
_ESCAPES = {
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "b": "\b",
    "f": "\f",
    '"': '"',
    "'": "'",
    "\\": "\\",
    "%": "\\%",
    "_": "\\_",
}

LiteralKind = Literal["string", "number", "boolean", "null", "date", "datetime", "dateliteral"]


@dataclass(frozen=True)
class Token:
    kind: str  # datetime, date, number, string, name, keyword, op, punct, eof
    text: str
    pos: int

    @property
    def upper(self) -> str:
        return self.text.upper()


@dataclass(frozen=True)
class FieldRef:
    path: str
    pos: int


@dataclass(frozen=True)
class Aggregate:
    """``SUM(Amount)``; ``field`` is None only for ``COUNT()``."""

    function: str  # COUNT, COUNT_DISTINCT, SUM, MAX, MIN, AVG (upper case)
    field: FieldRef | None
    pos: int

    @property
    def text(self) -> str:
        return f"{self.function}({self.field.path if self.field else ''})"


Operand = Union[FieldRef, Aggregate]  # noqa: UP007 - a runtime alias


@dataclass(frozen=True)
class Value:
    kind: LiteralKind
    value: Any  # str, Decimal, bool, None, date, datetime, (NAME, n | None)
    text: str
    pos: int


@dataclass(frozen=True)
class Comparison:
    field: Operand  # an aggregate only in HAVING
    op: str  # = != < > <= >= LIKE IN NOT IN
    values: tuple[Value, ...]


@dataclass(frozen=True)
class Junction:
    op: Literal["AND", "OR"]
    items: tuple[Expr, ...]


@dataclass(frozen=True)
class Negation:
    item: Expr


Expr = Union[Comparison, Junction, Negation]  # noqa: UP007 - a runtime alias of forward refs


@dataclass(frozen=True)
class OrderItem:
    field: Operand
    descending: bool
    nulls_last: bool  # the default: first ascending, last descending


@dataclass(frozen=True)
class SelectField:
    """A selected path or aggregate, with its alias (``MAX(Amount) biggest``)."""

    item: Operand
    alias: str | None
    alias_pos: int = 0


@dataclass(frozen=True)
class SubQuery:
    """``(SELECT LastName FROM Contacts ...)``: ``query.sobject`` is the relationship."""

    query: Query
    pos: int


@dataclass(frozen=True)
class FieldsMacro:
    """``FIELDS(ALL)``, ``FIELDS(STANDARD)`` or ``FIELDS(CUSTOM)``."""

    which: str  # ALL, STANDARD, CUSTOM
    pos: int


SelectItem = Union[SelectField, SubQuery, FieldsMacro]  # noqa: UP007 - a runtime alias


@dataclass(frozen=True)
class Query:
    text: str
    sobject: str
    sobject_pos: int
    items: tuple[SelectItem, ...]
    count: bool  # COUNT() alone
    where: Expr | None
    group_by: tuple[FieldRef, ...]
    having: Expr | None
    order: tuple[OrderItem, ...]
    limit: int | None
    offset: int | None

    @property
    def fields(self) -> tuple[FieldRef, ...]:
        """The plain selected paths."""
        selected = (i.item for i in self.items if isinstance(i, SelectField))
        return tuple(ref for ref in selected if isinstance(ref, FieldRef))

    @property
    def aggregated(self) -> bool:
        """An aggregate query: its records are AggregateResults."""
        return bool(self.group_by) or any(
            isinstance(i, SelectField) and isinstance(i.item, Aggregate) for i in self.items
        )


def error(text: str, pos: int, code: str, message: str) -> ApiError:
    """The platform's SOQL error text: the line, a caret, row and column, the reason."""
    line_start = text.rfind("\n", 0, pos) + 1
    line_end = text.find("\n", pos)
    line = text[line_start : line_end if line_end >= 0 else len(text)]
    row = text.count("\n", 0, pos) + 1
    column = pos - line_start + 1
    caret = " " * (column - 1) + "^"
    return ApiError(400, code, f"\n{line}\n{caret}\nERROR at Row:{row}:Column:{column}\n{message}")


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None or match.lastgroup is None:
            raise error(text, pos, "MALFORMED_QUERY", f"unexpected token: '{text[pos]}'")
        kind = match.lastgroup
        if kind != "ws":
            word = match.group()
            if kind == "name" and word.upper() in KEYWORDS:
                kind = "keyword"
            tokens.append(Token(kind, word, pos))
        pos = match.end()
    tokens.append(Token("eof", "<EOF>", len(text)))
    return tokens


def parse(text: str) -> Query:
    """Parse a SOQL statement (``ApiError`` MALFORMED_QUERY when it is not one)."""
    return _Parser(text).query()


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.i = 0

    # -- helpers -------------------------------------------------------------------------

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def peek(self, ahead: int) -> Token:
        return self.tokens[min(self.i + ahead, len(self.tokens) - 1)]

    def advance(self) -> Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def unexpected(self, token: Token | None = None) -> ApiError:
        token = token or self.tok
        return error(self.text, token.pos, "MALFORMED_QUERY", f"unexpected token: '{token.text}'")

    def keyword(self, *words: str) -> bool:
        return self.tok.kind == "keyword" and self.tok.upper in words

    def expect_keyword(self, word: str) -> Token:
        if not self.keyword(word):
            raise self.unexpected()
        return self.advance()

    def expect_punct(self, char: str) -> Token:
        if self.tok.kind != "punct" or self.tok.text != char:
            raise self.unexpected()
        return self.advance()

    def field(self) -> FieldRef:
        if self.tok.kind != "name":
            raise self.unexpected()
        token = self.advance()
        return FieldRef(token.text, token.pos)

    def integer(self) -> int:
        token = self.tok
        if token.kind != "number" or not token.text.isdigit():
            raise self.unexpected()
        self.advance()
        return int(token.text)

    # -- grammar -------------------------------------------------------------------------

    def query(self) -> Query:
        statement = self.statement(nested=False)
        if self.tok.kind != "eof":
            raise self.unexpected()
        return statement

    def statement(self, *, nested: bool) -> Query:
        self.expect_keyword("SELECT")
        items, count = self.select_list(nested=nested)
        self.expect_keyword("FROM")
        if self.tok.kind != "name" or "." in self.tok.text:
            raise self.unexpected()
        sobject = self.advance()
        where = None
        if self.keyword("WHERE"):
            self.advance()
            where = self.expression(having=False)
        group_by: tuple[FieldRef, ...] = ()
        having = None
        if not nested and self.keyword("GROUP"):
            self.advance()
            self.expect_keyword("BY")
            refs = [self.field()]
            while self.tok.kind == "punct" and self.tok.text == ",":
                self.advance()
                refs.append(self.field())
            group_by = tuple(refs)
            if self.keyword("HAVING"):
                self.advance()
                having = self.expression(having=True)
        order: tuple[OrderItem, ...] = ()
        if self.keyword("ORDER"):
            self.advance()
            self.expect_keyword("BY")
            order = self.order_list()
        limit = offset = None
        if self.keyword("LIMIT"):
            self.advance()
            limit = self.integer()
        if self.keyword("OFFSET"):
            self.advance()
            offset = self.integer()
        return Query(
            self.text,
            sobject.text,
            sobject.pos,
            items,
            count,
            where,
            group_by,
            having,
            order,
            limit,
            offset,
        )

    def at_aggregate(self) -> bool:
        nxt = self.peek(1)
        return (
            self.tok.kind in {"name", "keyword"}
            and self.tok.upper in AGGREGATES
            and nxt.kind == "punct"
            and nxt.text == "("
        )

    def aggregate(self) -> Aggregate:
        token = self.advance()
        self.expect_punct("(")
        ref = None
        if token.upper != "COUNT" or self.tok.text != ")":
            ref = self.field()
        self.expect_punct(")")
        return Aggregate(token.upper, ref, token.pos)

    def operand(self) -> Operand:
        return self.aggregate() if self.at_aggregate() else self.field()

    def select_list(self, *, nested: bool) -> tuple[tuple[SelectItem, ...], bool]:
        if self.keyword("COUNT") and self.peek(2).text == ")":
            start = self.i
            self.advance()
            self.expect_punct("(")
            self.expect_punct(")")
            if not self.keyword("FROM"):
                raise self.unexpected(self.tokens[start])
            return (), True
        items = [self.select_item(nested=nested)]
        while self.tok.kind == "punct" and self.tok.text == ",":
            self.advance()
            items.append(self.select_item(nested=nested))
        return tuple(items), False

    def select_item(self, *, nested: bool) -> SelectItem:
        if not nested and self.tok.kind == "punct" and self.tok.text == "(":
            start = self.advance()
            if not self.keyword("SELECT"):
                raise self.unexpected()
            inner = self.statement(nested=True)
            self.expect_punct(")")
            return SubQuery(inner, start.pos)
        if self.tok.upper == "FIELDS" and self.peek(1).text == "(":
            start = self.advance()
            self.advance()
            if self.tok.upper not in {"ALL", "STANDARD", "CUSTOM"}:
                raise self.unexpected()
            which = self.advance().upper
            self.expect_punct(")")
            return FieldsMacro(which, start.pos)
        item = self.operand()
        if isinstance(item, Aggregate) and item.field is None:
            raise self.unexpected(self.tokens[self.i - 1])  # COUNT() only stands alone
        if self.tok.kind == "name":
            alias = self.advance()
            return SelectField(item, alias.text, alias.pos)
        return SelectField(item, None)

    def order_list(self) -> tuple[OrderItem, ...]:
        items = []
        while True:
            ref = self.operand()
            descending = False
            if self.keyword("ASC", "DESC"):
                descending = self.advance().upper == "DESC"
            nulls_last = descending
            if self.keyword("NULLS"):
                self.advance()
                if not self.keyword("FIRST", "LAST"):
                    raise self.unexpected()
                nulls_last = self.advance().upper == "LAST"
            items.append(OrderItem(ref, descending, nulls_last))
            if not (self.tok.kind == "punct" and self.tok.text == ","):
                return tuple(items)
            self.advance()

    def expression(self, *, having: bool) -> Expr:
        first = self.term(having=having)
        if not self.keyword("AND", "OR"):
            return first
        op = self.tok.upper
        items = [first]
        while self.keyword("AND", "OR"):
            if self.tok.upper != op:
                raise self.unexpected()  # SOQL needs parentheses to mix AND and OR
            self.advance()
            items.append(self.term(having=having))
        return Junction("AND" if op == "AND" else "OR", tuple(items))

    def term(self, *, having: bool) -> Expr:
        if self.keyword("NOT"):
            self.advance()
            return Negation(self.term(having=having))
        if self.tok.kind == "punct" and self.tok.text == "(":
            self.advance()
            inner = self.expression(having=having)
            self.expect_punct(")")
            return inner
        return self.comparison(having=having)

    def comparison(self, *, having: bool) -> Comparison:
        ref = self.operand() if having else self.field()
        if self.tok.kind == "op":
            op = self.advance().text
            return Comparison(ref, "!=" if op == "<>" else op, (self.value(),))
        if self.keyword("LIKE"):
            self.advance()
            return Comparison(ref, "LIKE", (self.value(),))
        negated = False
        if self.keyword("NOT"):
            self.advance()
            negated = True
        if self.keyword("IN"):
            self.advance()
            return Comparison(ref, "NOT IN" if negated else "IN", self.value_list())
        raise self.unexpected()

    def value_list(self) -> tuple[Value, ...]:
        self.expect_punct("(")
        if self.keyword("SELECT"):
            raise error(
                self.text,
                self.tok.pos,
                "MALFORMED_QUERY",
                "semi-join sub-selects are not supported",
            )
        items = [self.value()]
        while self.tok.kind == "punct" and self.tok.text == ",":
            self.advance()
            items.append(self.value())
        self.expect_punct(")")
        return tuple(items)

    def value(self) -> Value:
        token = self.tok
        if token.kind == "string":
            self.advance()
            return Value("string", self.unescape(token), token.text, token.pos)
        if token.kind == "number":
            self.advance()
            return Value("number", Decimal(token.text), token.text, token.pos)
        if token.kind == "date":
            parsed_date: date | None = parse_date(token.text)
            if parsed_date is None:
                raise self.unexpected()
            self.advance()
            return Value("date", parsed_date, token.text, token.pos)
        if token.kind == "datetime":
            parsed: datetime | None = parse_datetime(token.text)
            if parsed is None:
                raise self.unexpected()
            self.advance()
            return Value("datetime", parsed, token.text, token.pos)
        if self.keyword("TRUE", "FALSE"):
            self.advance()
            return Value("boolean", token.upper == "TRUE", token.text, token.pos)
        if self.keyword("NULL"):
            self.advance()
            return Value("null", None, token.text, token.pos)
        if token.kind in {"name", "dateliteral"}:
            name, _, number = token.text.partition(":")
            n = int(number) if number else None
            if is_date_literal(name.upper(), n):
                self.advance()
                return Value("dateliteral", (name.upper(), n), token.text, token.pos)
        raise self.unexpected()

    def unescape(self, token: Token) -> str:
        body = token.text[1:-1]
        out: list[str] = []
        i = 0
        while i < len(body):
            ch = body[i]
            if ch == "\\":
                nxt = body[i + 1] if i + 1 < len(body) else ""
                if nxt not in _ESCAPES:
                    raise error(
                        self.text, token.pos, "MALFORMED_QUERY", f"Invalid string literal '{body}'"
                    )
                out.append(_ESCAPES[nxt])
                i += 2
                continue
            out.append(ch)
            i += 1
        return "".join(out)
