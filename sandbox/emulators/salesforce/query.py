"""Running SOQL against the store, and paging the results.

Semantics (SOQL and SOSL Reference): text comparisons and ``LIKE`` are case-insensitive,
``!=`` and ``NOT IN`` match nulls, ordering is case-insensitive with nulls first ascending
and last descending unless ``NULLS FIRST|LAST`` says otherwise (the reference says "by
default, null values are sorted first", which is the ascending case; descending, the
platform puts them last); ``OFFSET`` is at most
2,000. Filter values must suit the field's type (``value of filter criterion for field
'CloseDate' must be of type date and should not be enclosed in quotes``; ids: ``invalid ID
field: abc``, INVALID_QUERY_FILTER_OPERATOR). Date literals are ranges of UTC days on the
org's clock (:mod:`date_literals`).

Aggregate queries ("Aggregate Functions", "GROUP BY", "Using Aliases with GROUP BY"):
records are ``{"attributes": {"type": "AggregateResult"}, ...}`` keyed by alias, by the
field name for a grouped path (``Account.Name`` → ``Name``), and ``expr0``, ``expr1``...
for unaliased aggregates in order; ``COUNT()`` alone answers only ``totalSize``. Without
``GROUP BY`` there is one result row; groups come back in the order of their values when
there is no ``ORDER BY``; group-by results are never paged. A selected field that is
neither grouped nor aggregated is MALFORMED_QUERY ``Field must be grouped or aggregated:
Name``; ``SUM``/``AVG`` take numbers only (INVALID_FIELD ``field Name does not support
aggregate operator SUM``). In a multi-currency org ``SUM``/``AVG``/``MAX``/``MIN`` of a
currency field are in the corporate currency ("Querying Currency Fields in Multicurrency
Orgs"): each amount divided by its record's currency's ``ConversionRate``.

Parent-to-child subqueries ("Relationship Queries") name a child relationship the describe
declares (``Contacts``); each parent carries ``{"totalSize", "done": true, "records"}`` or
``null`` when it has no matching children (INVALID_TYPE ``Didn't understand relationship
'X' in FROM part of query call...`` for an unknown name).

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
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NoReturn

from sandbox.emulators.salesforce import errors, ids, soql, values
from sandbox.emulators.salesforce.currency import currency_types
from sandbox.emulators.salesforce.date_literals import DayRange, day_range
from sandbox.emulators.salesforce.render import (
    Path,
    attributes,
    path_owner,
    path_value,
    place,
    resolve,
)
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

Predicate = Callable[[Any], bool]
Getter = Callable[[Any], Any]
_COUNTED = FieldDef("expr", "int")
_AVERAGED = FieldDef("expr", "double")


@dataclass(frozen=True)
class _OrderKey:
    value: Getter  # folded sort value of an item
    descending: bool
    nulls_last: bool


@dataclass(frozen=True)
class _Child:
    """A compiled parent-to-child subquery."""

    name: str  # the relationship's declared name
    obj: ObjectDef
    reference: FieldDef  # the child's field pointing at the parent
    paths: list[Path]
    predicate: Predicate | None
    order: list[_OrderKey]
    limit: int | None
    offset: int | None


@dataclass(frozen=True)
class _Column:
    """One column of an aggregate query: a grouped path or an aggregate."""

    key: str
    path: Path | None
    aggregate: soql.Aggregate | None


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
        if query.aggregated:
            records = self._aggregate(query, obj, include_deleted)
            return obj.name, {"totalSize": len(records), "done": True, "records": records}
        plan = [] if query.count else self._plan(query, obj)
        rows = self._matching(query, obj, query.where, include_deleted)
        if query.count:
            rows = self._window(query, rows)
            return obj.name, {"totalSize": len(rows), "done": True, "records": []}
        rows = self._window(query, _sorted(rows, self._row_order(query, obj, query.order)))
        records = [self._render(row, plan, version, include_deleted) for row in rows]
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

    def _matching(
        self, query: soql.Query, obj: ObjectDef, where: soql.Expr | None, include_deleted: bool
    ) -> list[Row]:
        predicate = self._predicate(query, obj, where) if where else None
        return [
            r
            for r in self.store.rows(obj, include_deleted=include_deleted)
            if predicate is None or predicate(r)
        ]

    @staticmethod
    def _window(query: soql.Query, items: list[Any]) -> list[Any]:
        if query.offset is not None:
            if query.offset > MAX_OFFSET:
                raise errors.ApiError(
                    400,
                    "NUMBER_OUTSIDE_VALID_RANGE",
                    f"Maximum SOQL offset allowed is {MAX_OFFSET}",
                )
            items = items[query.offset :]
        if query.limit is not None:
            items = items[: query.limit]
        return items

    # -- plain queries and subqueries ----------------------------------------------------

    def _plan(self, query: soql.Query, obj: ObjectDef) -> list[Path | _Child]:
        seen: set[str] = set()
        plan: list[Path | _Child] = []
        for item in query.items:
            if isinstance(item, soql.SubQuery):
                child = self._child(query, obj, item)
                name = child.name.lower()
                ref_pos = item.query.sobject_pos
                plan.append(child)
            else:
                if item.alias is not None:
                    self._fail(
                        query,
                        item.alias_pos,
                        "MALFORMED_QUERY",
                        "Only aggregate expressions use field aliasing",
                    )
                ref = item.item
                assert isinstance(ref, soql.FieldRef)  # aggregates make an aggregate query
                path = self._path(query, obj, ref)
                name = ".".join(path.names).lower()
                ref_pos = ref.pos
                plan.append(path)
            if name in seen:
                self._fail(query, ref_pos, "MALFORMED_QUERY", f"duplicate field selected: {name}")
            seen.add(name)
        return plan

    def _child(self, query: soql.Query, parent: ObjectDef, sub: soql.SubQuery) -> _Child:
        inner = sub.query
        relationship = self.store.schema.child_relationship(parent, inner.sobject)
        if relationship is None or relationship.name is None:
            self._fail(
                query,
                inner.sobject_pos,
                "INVALID_TYPE",
                f"Didn't understand relationship '{inner.sobject}' in FROM part of query call. "
                "If you are attempting to use a custom relationship, be sure to append the "
                "'__r' after the custom relationship name." + errors.WSDL_HINT,
            )
        child = relationship.child
        if inner.count or any(isinstance(i, soql.SubQuery) for i in inner.items):
            self._fail(query, sub.pos, "MALFORMED_QUERY", "Nested query is not supported here")
        paths = [p for p in self._plan(inner, child) if isinstance(p, Path)]
        predicate = self._predicate(inner, child, inner.where) if inner.where else None
        return _Child(
            relationship.name,
            child,
            relationship.field,
            paths,
            predicate,
            self._row_order(inner, child, inner.order),
            inner.limit,
            inner.offset,
        )

    def _render(
        self, row: Row, plan: list[Path | _Child], version: str, include_deleted: bool
    ) -> dict[str, Any]:
        out: dict[str, Any] = {"attributes": attributes(version, row)}
        for step in plan:
            if isinstance(step, Path):
                place(self.store, out, row, step, version)
                continue
            children = [
                c
                for c in self.store.rows(step.obj, include_deleted=include_deleted)
                if c.values.get(step.reference.name) == row.id
                and (step.predicate is None or step.predicate(c))
            ]
            children = _sorted(children, step.order)[step.offset or 0 :]
            if step.limit is not None:
                children = children[: step.limit]
            out[step.name] = (
                {
                    "totalSize": len(children),
                    "done": True,
                    "records": [
                        self._render(c, list(step.paths), version, include_deleted)
                        for c in children
                    ],
                }
                if children
                else None
            )
        return out

    def _row_order(
        self, query: soql.Query, obj: ObjectDef, order: tuple[soql.OrderItem, ...]
    ) -> list[_OrderKey]:
        keys = []
        for item in order:
            if isinstance(item.field, soql.Aggregate):
                self._fail(
                    query,
                    item.field.pos,
                    "MALFORMED_QUERY",
                    "Ordered field must be grouped or aggregated",
                )
            path = self._path(query, obj, item.field)
            keys.append(_OrderKey(self._getter(path), item.descending, item.nulls_last))
        return keys

    def _getter(self, path: Path) -> Getter:
        store = self.store
        return lambda row: _fold(path_value(store, row, path), path.leaf)

    # -- aggregate queries ---------------------------------------------------------------

    def _aggregate(
        self, query: soql.Query, obj: ObjectDef, include_deleted: bool
    ) -> list[dict[str, Any]]:
        groups = [self._path(query, obj, ref) for ref in query.group_by]
        grouped = {".".join(p.names).lower(): i for i, p in enumerate(groups)}
        columns = self._columns(query, obj, grouped)
        rows = self._matching(query, obj, query.where, include_deleted)
        buckets: dict[tuple[Any, ...], list[Row]] = {}
        for row in rows:
            key = tuple(self._getter(p)(row) for p in groups)
            buckets.setdefault(key, []).append(row)
        if not groups:
            buckets = {(): rows}
        results = [_Group(key, members) for key, members in buckets.items()]
        results = _sorted(
            results,
            [_OrderKey(_group_part(i), False, False) for i in range(len(groups))],
        )
        if query.having is not None:
            having = self._predicate(query, obj, query.having, grouped)
            results = [g for g in results if having(g)]
        order = [
            _OrderKey(
                self._group_getter(query, obj, item.field, grouped),
                item.descending,
                item.nulls_last,
            )
            for item in query.order
        ]
        results = self._window(query, _sorted(results, order))
        return [self._aggregate_record(g, columns) for g in results]

    def _columns(self, query: soql.Query, obj: ObjectDef, grouped: dict[str, int]) -> list[_Column]:
        columns: list[_Column] = []
        unnamed = 0
        for item in query.items:
            if isinstance(item, soql.SubQuery):
                self._fail(
                    query,
                    item.pos,
                    "MALFORMED_QUERY",
                    "Nested queries are not supported in aggregate queries",
                )
            if isinstance(item.item, soql.Aggregate):
                aggregate = item.item
                path = self._aggregated_path(query, obj, aggregate)
                key = item.alias or f"expr{unnamed}"
                unnamed += item.alias is None
                columns.append(_Column(key, path, aggregate))
                continue
            path = self._path(query, obj, item.item)
            if ".".join(path.names).lower() not in grouped:
                self._fail(
                    query,
                    item.item.pos,
                    "MALFORMED_QUERY",
                    f"Field must be grouped or aggregated: {item.item.path}",
                )
            columns.append(_Column(item.alias or path.leaf.name, path, None))
        seen: set[str] = set()
        for column in columns:
            if column.key.lower() in seen:
                self._fail(
                    query, query.sobject_pos, "MALFORMED_QUERY", f"duplicate alias: {column.key}"
                )
            seen.add(column.key.lower())
        return columns

    def _aggregated_path(
        self, query: soql.Query, obj: ObjectDef, aggregate: soql.Aggregate
    ) -> Path | None:
        if aggregate.field is None:
            return None
        path = self._path(query, obj, aggregate.field)
        leaf = path.leaf
        supported = {
            "SUM": leaf.numeric,
            "AVG": leaf.numeric,
            "MAX": leaf.type not in {"boolean", "textarea", "id", "reference"} or leaf.numeric,
            "MIN": leaf.type not in {"boolean", "textarea", "id", "reference"} or leaf.numeric,
            "COUNT": leaf.type != "textarea",
            "COUNT_DISTINCT": leaf.type != "textarea",
        }[aggregate.function]
        if not supported:
            self._fail(
                query,
                aggregate.field.pos,
                "INVALID_FIELD",
                f"field {leaf.name} does not support aggregate operator {aggregate.function}",
            )
        return path

    def _group_getter(
        self, query: soql.Query, obj: ObjectDef, operand: soql.Operand, grouped: dict[str, int]
    ) -> Getter:
        """A HAVING or ORDER BY operand's value for a group (aggregates or grouped paths)."""
        if isinstance(operand, soql.Aggregate):
            path = self._aggregated_path(query, obj, operand)
            function = operand.function
            return lambda group: _fold_any(self._compute(function, path, group.rows))
        path = self._path(query, obj, operand)
        index = grouped.get(".".join(path.names).lower())
        if index is None:
            self._fail(
                query,
                operand.pos,
                "MALFORMED_QUERY",
                f"Field must be grouped or aggregated: {operand.path}",
            )
        return _group_part(index)

    def _compute(self, function: str, path: Path | None, rows: list[Row]) -> Any:
        if path is None:
            return len(rows)
        money = function in {"SUM", "AVG", "MAX", "MIN"} and path.leaf.type == "currency"
        if money and currency_types(self.store):
            return self._in_corporate_currency(function, path, rows)
        present = [v for r in rows if (v := path_value(self.store, r, path)) is not None]
        if function == "COUNT":
            return len(present)
        if function == "COUNT_DISTINCT":
            return len({_fold(v, path.leaf) for v in present})
        if not present:
            return None
        if function == "SUM":
            return sum(present[1:], present[0])
        if function == "AVG":
            return sum((Decimal(v) for v in present), Decimal(0)) / len(present)
        pick = max if function == "MAX" else min
        return pick(present, key=lambda v: _fold(v, path.leaf))

    def _in_corporate_currency(self, function: str, path: Path, rows: list[Row]) -> Any:
        """Money aggregates in a multi-currency org are in the corporate currency."""
        rates = {
            r.values["IsoCode"]: Decimal(r.values["ConversionRate"])
            for r in currency_types(self.store)
        }
        amounts: list[Decimal] = []
        for row in rows:
            owner = path_owner(self.store, row, path)
            amount = path_value(self.store, row, path)
            if owner is None or amount is None:
                continue
            rate = rates.get(owner.values.get("CurrencyIsoCode"), Decimal(1))
            amounts.append(Decimal(amount) / rate)
        if not amounts:
            return None
        if function == "AVG":
            average = sum(amounts, Decimal(0)) / len(amounts)
            return average.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)
        if function == "SUM":
            result = sum(amounts, Decimal(0))
        else:
            result = max(amounts) if function == "MAX" else min(amounts)
        return result.quantize(Decimal(1).scaleb(-(path.leaf.scale or 2)), rounding=ROUND_HALF_UP)

    def _aggregate_record(self, group: _Group, columns: list[_Column]) -> dict[str, Any]:
        out: dict[str, Any] = {"attributes": {"type": "AggregateResult"}}
        for column in columns:
            if column.aggregate is None:
                assert column.path is not None
                value = path_value(self.store, group.rows[0], column.path) if group.rows else None
            else:
                value = self._compute(column.aggregate.function, column.path, group.rows)
            out[column.key] = values.to_json(value)
        return out

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

    def _literal(self, query: soql.Query, ref: str, leaf: FieldDef, v: soql.Value) -> Any:
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
        if v.kind == "dateliteral" and leaf.type in {"date", "datetime"}:
            name, n = v.value
            return day_range(name, n, self.store.clock.now().date())
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
                f"value of filter criterion for field '{ref}' {detail}",
            )
        return v.value

    def _predicate(
        self,
        query: soql.Query,
        obj: ObjectDef,
        expr: soql.Expr,
        grouped: dict[str, int] | None = None,
    ) -> Predicate:
        """A WHERE condition on rows, or (``grouped`` given) a HAVING condition on groups."""
        if isinstance(expr, soql.Negation):
            inner = self._predicate(query, obj, expr.item, grouped)
            return lambda item: not inner(item)
        if isinstance(expr, soql.Junction):
            parts = [self._predicate(query, obj, item, grouped) for item in expr.items]
            if expr.op == "AND":
                return lambda item: all(p(item) for p in parts)
            return lambda item: any(p(item) for p in parts)
        operand = expr.field
        if grouped is not None:
            getter = self._group_getter(query, obj, operand, grouped)
            if isinstance(operand, soql.Aggregate):
                path = self._aggregated_path(query, obj, operand)
                if operand.function in {"COUNT", "COUNT_DISTINCT"} or path is None:
                    leaf = _COUNTED
                elif operand.function == "AVG":
                    leaf = _AVERAGED
                else:
                    leaf = path.leaf
                return self._comparison(query, operand.text, operand.pos, leaf, expr, getter)
            path = self._path(query, obj, operand)
        else:
            assert isinstance(operand, soql.FieldRef)  # the parser allows aggregates in HAVING
            path = self._path(query, obj, operand)
            getter = self._getter(path)
        assert isinstance(operand, soql.FieldRef)
        return self._comparison(query, operand.path, operand.pos, path.leaf, expr, getter)

    def _comparison(
        self,
        query: soql.Query,
        ref: str,
        pos: int,
        leaf: FieldDef,
        cmp: soql.Comparison,
        value_of: Getter,
    ) -> Predicate:
        wanted = [self._literal(query, ref, leaf, v) for v in cmp.values]
        if cmp.op == "LIKE":
            if not leaf.text or wanted[0] is None:
                self._fail(query, pos, "INVALID_FIELD", f"invalid operator on field '{ref}'")
            pattern = like_pattern(str(wanted[0]))
            return lambda item: (v := value_of(item)) is not None and bool(pattern.match(str(v)))
        if any(isinstance(w, DayRange) for w in wanted):
            return _in_days(cmp.op, wanted, value_of)
        folded = [_fold(w, leaf) for w in wanted]
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


@dataclass(frozen=True)
class _Group:
    key: tuple[Any, ...]  # folded values of the GROUP BY paths
    rows: list[Row]


def _group_part(index: int) -> Getter:
    return lambda group: group.key[index]


def _fold_any(value: Any) -> Any:
    return value.casefold() if isinstance(value, str) else value


def _sorted(items: list[Any], keys: list[_OrderKey]) -> list[Any]:
    """Stable multi-key sort; nulls placed per key."""
    for key in reversed(keys):
        keyed = [(item, key.value(item)) for item in items]
        present = [pair for pair in keyed if pair[1] is not None]
        absent = [pair[0] for pair in keyed if pair[1] is None]
        present.sort(key=lambda pair: pair[1], reverse=key.descending)
        ordered = [pair[0] for pair in present]
        items = ordered + absent if key.nulls_last else absent + ordered
    return items


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
        day = wanted[0]
        low, high = day.bounds(value)
        return bool(
            {"<": value < low, "<=": value < high, ">": value >= high, ">=": value >= low}[op]
        )

    return test


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
