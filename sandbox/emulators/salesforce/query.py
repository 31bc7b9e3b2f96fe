"""Running SOQL against the store, and paging the results.

Semantics (SOQL and SOSL Reference): text comparisons and ``LIKE`` are case-insensitive,
``!=`` and ``NOT IN`` match nulls, ordering is case-insensitive with nulls first unless
``NULLS LAST``; ``OFFSET`` is at most 2,000. Filter values must suit the field's type
(``value of filter criterion for field 'CloseDate' must be of type date and should not be
enclosed in quotes``; ids: ``invalid ID field: abc``, INVALID_QUERY_FILTER_OPERATOR).

Results (REST API Developer Guide, "Query" and "Query More Results"): ``{"totalSize",
"done", "records"}`` plus ``nextRecordsUrl`` = ``/services/data/vXX.X/query/01g...-2000``
while more remain; batches default to 2,000 and ``Sforce-Query-Options: batchSize=N``
asks for 200..2,000. A query locator expires after 15 minutes unused
(INVALID_QUERY_LOCATOR).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NoReturn

from sandbox.emulators.salesforce import errors, ids, soql
from sandbox.emulators.salesforce.render import Path, path_value, render_paths, resolve
from sandbox.emulators.salesforce.schema import FieldDef, ObjectDef
from sandbox.emulators.salesforce.store import Row, Store

MAX_OFFSET = 2000
DEFAULT_BATCH = 2000
MIN_BATCH = 200
LOCATOR_TTL_S = 15 * 60
_FROM = re.compile(r"\bfrom\s+([A-Za-z_][A-Za-z0-9_]*)", re.IGNORECASE)
_TYPE_WORD = {
    "currency": "double",
    "double": "double",
    "percent": "double",
    "int": "int",
    "date": "date",
    "datetime": "dateTime",
    "boolean": "boolean",
}

Predicate = Callable[[Row], bool]


def target_object(text: str) -> str:
    """The object a query reads, for fault matching (``QUERY Account``)."""
    match = _FROM.search(text)
    return match.group(1) if match else ""


def requested_batch_size(header: str | None) -> int:
    """``Sforce-Query-Options: batchSize=N``, clamped to the documented 200..2,000."""
    for part in (header or "").split(","):
        key, _, value = part.strip().partition("=")
        if key.strip() == "batchSize" and value.strip().isdigit():
            return min(max(int(value), MIN_BATCH), DEFAULT_BATCH)
    return DEFAULT_BATCH


@dataclass
class _Cursor:
    sobject: str
    resource: str
    records: list[dict[str, Any]]
    batch: int
    expires: float = field(default_factory=lambda: time.monotonic() + LOCATOR_TTL_S)


class QueryEngine:
    """Parses, checks and runs queries; keeps the cursors of unfinished ones."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._cursors: dict[str, _Cursor] = {}
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._cursors.clear()

    # -- running -------------------------------------------------------------------------

    def run(
        self, text: str, *, include_deleted: bool, batch: int, version: str
    ) -> tuple[str, dict[str, Any]]:
        """(object name, first page) for a SOQL statement."""
        query = soql.parse(text)
        obj = self.store.schema.get(query.sobject)
        if obj is None:
            raise soql.error(
                text, query.sobject_pos, "INVALID_TYPE", errors.invalid_type_in_query(query.sobject)
            )
        selected = self._selected(query, obj)
        predicate = self._predicate(query, obj, query.where) if query.where else None
        rows = [
            r
            for r in self.store.rows(obj, include_deleted=include_deleted)
            if predicate is None or predicate(r)
        ]
        rows = self._ordered(query, obj, rows)
        if query.offset is not None:
            if query.offset > MAX_OFFSET:
                raise errors.ApiError(
                    400,
                    "NUMBER_OUTSIDE_VALID_RANGE",
                    f"Maximum SOQL offset allowed is {MAX_OFFSET}",
                )
            rows = rows[query.offset :]
        if query.limit is not None:
            rows = rows[: query.limit]
        if query.count:
            return obj.name, {"totalSize": len(rows), "done": True, "records": []}
        records = [render_paths(self.store, r, selected, version) for r in rows]
        cursor = _Cursor(obj.name, "queryAll" if include_deleted else "query", records, batch)
        return obj.name, self._page(cursor, ids.random_id("01g"), 0, version)

    def cursor_object(self, locator: str) -> str:
        """The object an open cursor reads ('' when there is no such cursor)."""
        with self._lock:
            cursor = self._cursors.get(locator.rpartition("-")[0])
        return cursor.sobject if cursor else ""

    def more(self, locator: str, version: str) -> tuple[str, dict[str, Any]]:
        """The page a ``nextRecordsUrl`` names (``01g...-2000``)."""
        key, _, start = locator.rpartition("-")
        with self._lock:
            cursor = self._cursors.get(key)
        if cursor is None or cursor.expires < time.monotonic() or not start.isdigit():
            raise errors.ApiError(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
        if int(start) > len(cursor.records):
            raise errors.ApiError(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
        cursor.expires = time.monotonic() + LOCATOR_TTL_S
        return cursor.sobject, self._page(cursor, key, int(start), version)

    def _page(self, cursor: _Cursor, key: str, start: int, version: str) -> dict[str, Any]:
        end = start + cursor.batch
        page: dict[str, Any] = {
            "totalSize": len(cursor.records),
            "done": end >= len(cursor.records),
            "records": cursor.records[start:end],
        }
        if not page["done"]:
            with self._lock:
                self._cursors[key] = cursor
            page["nextRecordsUrl"] = f"/services/data/v{version}/{cursor.resource}/{key}-{end}"
        return page

    # -- checking ------------------------------------------------------------------------

    def _path(self, query: soql.Query, obj: ObjectDef, ref: soql.FieldRef) -> Path:
        resolved = resolve(obj, ref.path, self.store.schema)
        if isinstance(resolved, Path):
            return resolved
        if resolved.relationship:
            message = errors.bad_relationship_in_query(resolved.part)
        else:
            message = errors.no_such_column_in_query(resolved.part, resolved.sobject)
        self._fail(query, ref.pos, "INVALID_FIELD", message)

    @staticmethod
    def _fail(query: soql.Query, pos: int, code: str, message: str) -> NoReturn:
        raise soql.error(query.text, pos, code, message)

    def _selected(self, query: soql.Query, obj: ObjectDef) -> list[Path]:
        seen: set[str] = set()
        paths = []
        for ref in query.fields:
            path = self._path(query, obj, ref)
            name = ".".join(path.names).lower()
            if name in seen:
                self._fail(
                    query, ref.pos, "MALFORMED_QUERY", f"duplicate field selected: {ref.path}"
                )
            seen.add(name)
            paths.append(path)
        return paths

    def _literal(self, query: soql.Query, ref: soql.FieldRef, leaf: FieldDef, v: soql.Value) -> Any:
        if v.kind == "null":
            return None
        if leaf.type in {"id", "reference"}:
            if v.kind != "string" or not ids.is_valid(v.value):
                self._fail(
                    query, v.pos, "INVALID_QUERY_FILTER_OPERATOR", f"invalid ID field: {v.value}"
                )
            return ids.to18(v.value)
        expected = (
            "string"
            if leaf.text
            else {
                "currency": "number",
                "double": "number",
                "percent": "number",
                "int": "number",
            }.get(leaf.type, leaf.type)
        )
        if v.kind != expected:
            if leaf.text:
                detail = "must be of type string and should be enclosed in quotes"
            else:
                detail = (
                    f"must be of type {_TYPE_WORD.get(leaf.type, leaf.type)} and should not be "
                    "enclosed in quotes"
                )
            self._fail(
                query,
                v.pos,
                "INVALID_FIELD",
                f"value of filter criterion for field '{ref.path}' {detail}",
            )
        return v.value

    def _predicate(self, query: soql.Query, obj: ObjectDef, expr: soql.Expr) -> Predicate:
        if isinstance(expr, soql.Negation):
            inner = self._predicate(query, obj, expr.item)
            return lambda row: not inner(row)
        if isinstance(expr, soql.Junction):
            parts = [self._predicate(query, obj, item) for item in expr.items]
            if expr.op == "AND":
                return lambda row: all(p(row) for p in parts)
            return lambda row: any(p(row) for p in parts)
        return self._comparison(query, obj, expr)

    def _comparison(self, query: soql.Query, obj: ObjectDef, cmp: soql.Comparison) -> Predicate:
        path = self._path(query, obj, cmp.field)
        leaf = path.leaf
        wanted = [self._literal(query, cmp.field, leaf, v) for v in cmp.values]
        store = self.store

        def value_of(row: Row) -> Any:
            return _fold(path_value(store, row, path), leaf)

        if cmp.op == "LIKE":
            if not leaf.text or wanted[0] is None:
                self._fail(
                    query,
                    cmp.field.pos,
                    "INVALID_FIELD",
                    f"invalid operator on field '{cmp.field.path}'",
                )
            pattern = like_pattern(str(wanted[0]))
            return lambda row: (v := value_of(row)) is not None and bool(pattern.match(str(v)))
        folded = [_fold(w, leaf) for w in wanted]
        if cmp.op in {"IN", "NOT IN"}:
            negate = cmp.op == "NOT IN"
            return lambda row: (value_of(row) in folded) != negate
        target = folded[0]
        if cmp.op == "=":
            return lambda row: value_of(row) == target
        if cmp.op == "!=":
            return lambda row: value_of(row) != target
        if target is None:
            return lambda row: False
        compare = _ORDERINGS[cmp.op]
        return lambda row: (v := value_of(row)) is not None and compare(v, target)

    def _ordered(self, query: soql.Query, obj: ObjectDef, rows: list[Row]) -> list[Row]:
        for item in reversed(query.order):
            path = self._path(query, obj, item.field)
            keyed = [(r, _fold(path_value(self.store, r, path), path.leaf)) for r in rows]
            present = [pair for pair in keyed if pair[1] is not None]
            absent = [pair[0] for pair in keyed if pair[1] is None]
            present.sort(key=lambda pair: pair[1], reverse=item.descending)
            ordered = [pair[0] for pair in present]
            rows = ordered + absent if item.nulls_last else absent + ordered
        return rows


def _fold(value: Any, leaf: FieldDef) -> Any:
    return value.casefold() if isinstance(value, str) and leaf.text else value


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
