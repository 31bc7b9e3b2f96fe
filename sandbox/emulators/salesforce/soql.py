"""SOQL: a lexer and parser for the subset the emulator answers.

Supported (SOQL and SOSL Reference): ``SELECT`` field paths (``Account.Name``,
``PricebookEntry.Product2.ProductCode``) or ``COUNT()``; ``FROM`` one object; ``WHERE``
with ``= != <> < > <= >= LIKE IN NOT IN``, ``AND``/``OR``/``NOT`` and parentheses (mixing
``AND`` and ``OR`` needs parentheses, as in SOQL); literals ``'text'`` (backslash escapes),
numbers, ``true``/``false``, ``null``, dates ``YYYY-MM-DD`` and dateTimes
``YYYY-MM-DDThh:mm:ss[.SSS](Z|±hh:mm)``; ``ORDER BY`` paths ``ASC|DESC`` ``NULLS
FIRST|LAST``; ``LIMIT``; ``OFFSET``.

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
from sandbox.emulators.salesforce.errors import ApiError

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<datetime>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2}))
  | (?P<date>\d{4}-\d{2}-\d{2}(?![\w:]))
  | (?P<number>[+-]?\d+(?:\.\d+)?(?![\w.]))
  | (?P<string>'(?:[^'\\]|\\.)*')
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
    }
)
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

LiteralKind = Literal["string", "number", "boolean", "null", "date", "datetime"]


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
class Value:
    kind: LiteralKind
    value: Any  # str, Decimal, bool, None, date, datetime
    text: str
    pos: int


@dataclass(frozen=True)
class Comparison:
    field: FieldRef
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
    field: FieldRef
    descending: bool
    nulls_last: bool


@dataclass(frozen=True)
class Query:
    text: str
    sobject: str
    sobject_pos: int
    fields: tuple[FieldRef, ...]
    count: bool
    where: Expr | None
    order: tuple[OrderItem, ...]
    limit: int | None
    offset: int | None


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
        self.expect_keyword("SELECT")
        fields, count = self.select_list()
        self.expect_keyword("FROM")
        if self.tok.kind != "name" or "." in self.tok.text:
            raise self.unexpected()
        sobject = self.advance()
        where = None
        if self.keyword("WHERE"):
            self.advance()
            where = self.expression()
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
        if self.tok.kind != "eof":
            raise self.unexpected()
        return Query(
            self.text, sobject.text, sobject.pos, fields, count, where, order, limit, offset
        )

    def select_list(self) -> tuple[tuple[FieldRef, ...], bool]:
        if self.keyword("COUNT"):
            self.advance()
            self.expect_punct("(")
            self.expect_punct(")")
            return (), True
        fields = [self.field()]
        while self.tok.kind == "punct" and self.tok.text == ",":
            self.advance()
            fields.append(self.field())
        return tuple(fields), False

    def order_list(self) -> tuple[OrderItem, ...]:
        items = []
        while True:
            ref = self.field()
            descending = False
            if self.keyword("ASC", "DESC"):
                descending = self.advance().upper == "DESC"
            nulls_last = False
            if self.keyword("NULLS"):
                self.advance()
                if not self.keyword("FIRST", "LAST"):
                    raise self.unexpected()
                nulls_last = self.advance().upper == "LAST"
            items.append(OrderItem(ref, descending, nulls_last))
            if not (self.tok.kind == "punct" and self.tok.text == ","):
                return tuple(items)
            self.advance()

    def expression(self) -> Expr:
        first = self.term()
        if not self.keyword("AND", "OR"):
            return first
        op = self.tok.upper
        items = [first]
        while self.keyword("AND", "OR"):
            if self.tok.upper != op:
                raise self.unexpected()  # SOQL needs parentheses to mix AND and OR
            self.advance()
            items.append(self.term())
        return Junction("AND" if op == "AND" else "OR", tuple(items))

    def term(self) -> Expr:
        if self.keyword("NOT"):
            self.advance()
            return Negation(self.term())
        if self.tok.kind == "punct" and self.tok.text == "(":
            self.advance()
            inner = self.expression()
            self.expect_punct(")")
            return inner
        return self.comparison()

    def comparison(self) -> Comparison:
        ref = self.field()
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
