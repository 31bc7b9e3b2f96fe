"""Running SOQL against the store, and paging the results.

Plain queries read field paths (parents nested with their own attributes) and
``FIELDS(ALL|STANDARD|CUSTOM)`` (the object's fields in describe order; ``ALL`` and
``CUSTOM`` need ``LIMIT`` 200 at most: MALFORMED_QUERY ``The SOQL FIELDS function must
have a LIMIT of at most 200``; "FIELDS()" in the SOQL reference); ``ORDER BY``
is case-insensitive with nulls first ascending and last descending unless ``NULLS
FIRST|LAST`` says otherwise (the reference's "by default, null values are sorted first" is
the ascending case; descending, the platform puts them last). Conditions are compiled by
:mod:`conditions`, aggregate queries run by :mod:`aggregates`; ``COUNT()`` alone answers
only ``totalSize`` (SOQL and SOSL Reference, "COUNT()").

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
from dataclasses import dataclass, field
from typing import Any

from sandbox.emulators.salesforce import errors, ids, soql
from sandbox.emulators.salesforce.aggregates import Aggregation
from sandbox.emulators.salesforce.conditions import (
    Predicate,
    condition,
    fail,
    field_path,
    record_operands,
    row_getter,
)
from sandbox.emulators.salesforce.ordering import OrderKey, sorted_by, window
from sandbox.emulators.salesforce.render import Path, attributes, place
from sandbox.emulators.salesforce.schema import FieldDef, ObjectDef
from sandbox.emulators.salesforce.store import Row, Store

DEFAULT_BATCH = 2000
MIN_BATCH = 200
LOCATOR_TTL_S = 15 * 60
FIELDS_LIMIT = 200
_FROM = re.compile(r"\bfrom\s+([A-Za-z_][A-Za-z0-9_]*)", re.IGNORECASE)


@dataclass(frozen=True)
class _Child:
    """A compiled parent-to-child subquery."""

    name: str  # the relationship's declared name
    obj: ObjectDef
    reference: FieldDef  # the child's field pointing at the parent
    paths: list[Path]
    predicate: Predicate | None
    order: list[OrderKey]
    query: soql.Query


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
            aggregation = Aggregation(self.store, query, obj)
            rows = self._matching(query, obj, include_deleted)
            if query.count:  # COUNT() GROUP BY ...: how many groups
                size = len(aggregation.results(rows))
                return obj.name, {"totalSize": size, "done": True, "records": []}
            records = aggregation.records(rows)
            return obj.name, {"totalSize": len(records), "done": True, "records": records}
        plan = [] if query.count else self._plan(query, obj)
        rows = self._matching(query, obj, include_deleted)
        if query.count:
            rows = window(query, rows)
            return obj.name, {"totalSize": len(rows), "done": True, "records": []}
        rows = window(query, sorted_by(rows, self._row_order(query, obj)))
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

    def _matching(self, query: soql.Query, obj: ObjectDef, include_deleted: bool) -> list[Row]:
        predicate = (
            condition(self.store, query, query.where, record_operands(self.store, query, obj))
            if query.where
            else None
        )
        return [
            r
            for r in self.store.rows(obj, include_deleted=include_deleted)
            if predicate is None or predicate(r)
        ]

    # -- plain queries and subqueries ----------------------------------------------------

    def _plan(self, query: soql.Query, obj: ObjectDef) -> list[Path | _Child]:
        seen: set[str] = set()
        plan: list[Path | _Child] = []
        for item in query.items:
            if isinstance(item, soql.FieldsMacro):
                for fd in self._fields_macro(query, obj, item):
                    if fd.name.lower() not in seen:
                        seen.add(fd.name.lower())
                        plan.append(Path((), fd))
                continue
            if isinstance(item, soql.SubQuery):
                child = self._child(query, obj, item)
                name = child.name.lower()
                written, ref_pos = item.query.sobject, item.query.sobject_pos
                plan.append(child)
            else:
                if item.alias is not None:
                    fail(
                        query,
                        item.alias_pos,
                        "MALFORMED_QUERY",
                        "Only aggregate expressions use field aliasing",
                    )
                ref = item.item
                assert isinstance(ref, soql.FieldRef)  # aggregates make an aggregate query
                path = field_path(self.store, query, obj, ref)
                name = ".".join(path.names).lower()
                written, ref_pos = ref.path, ref.pos
                plan.append(path)
            if name in seen:
                fail(query, ref_pos, "MALFORMED_QUERY", f"duplicate field selected: {written}")
            seen.add(name)
        return plan

    @staticmethod
    def _fields_macro(query: soql.Query, obj: ObjectDef, macro: soql.FieldsMacro) -> list[FieldDef]:
        """``FIELDS(...)``: unbounded ones (ALL, CUSTOM) need ``LIMIT`` 200 at most."""
        if macro.which != "STANDARD" and (query.limit is None or query.limit > FIELDS_LIMIT):
            fail(
                query,
                macro.pos,
                "MALFORMED_QUERY",
                f"The SOQL FIELDS function must have a LIMIT of at most {FIELDS_LIMIT}",
            )
        return [
            fd
            for fd in obj.fields
            if macro.which == "ALL" or fd.custom == (macro.which == "CUSTOM")
        ]

    def _child(self, query: soql.Query, parent: ObjectDef, sub: soql.SubQuery) -> _Child:
        inner = sub.query
        relationship = self.store.schema.child_relationship(parent, inner.sobject)
        if relationship is None or relationship.name is None:
            fail(
                query,
                inner.sobject_pos,
                "INVALID_TYPE",
                f"Didn't understand relationship '{inner.sobject}' in FROM part of query call. "
                "If you are attempting to use a custom relationship, be sure to append the "
                "'__r' after the custom relationship name." + errors.WSDL_HINT,
            )
        child = relationship.child
        if inner.count or any(isinstance(i, soql.SubQuery) for i in inner.items):
            fail(query, sub.pos, "MALFORMED_QUERY", "Nested query is not supported here")
        paths = [p for p in self._plan(inner, child) if isinstance(p, Path)]
        predicate = (
            condition(self.store, inner, inner.where, record_operands(self.store, inner, child))
            if inner.where
            else None
        )
        return _Child(
            relationship.name,
            child,
            relationship.field,
            paths,
            predicate,
            self._row_order(inner, child),
            inner,
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
            children = window(step.query, sorted_by(children, step.order))
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

    def _row_order(self, query: soql.Query, obj: ObjectDef) -> list[OrderKey]:
        keys = []
        for item in query.order:
            if isinstance(item.field, soql.Aggregate):
                fail(
                    query,
                    item.field.pos,
                    "MALFORMED_QUERY",
                    "Ordered field must be grouped or aggregated",
                )
            path = field_path(self.store, query, obj, item.field)
            keys.append(OrderKey(row_getter(self.store, path), item.descending, item.nulls_last))
        return keys
