"""SOQL aggregate queries: ``GROUP BY``, aggregate functions, ``HAVING``, AggregateResult.

Sources: SOQL and SOSL Reference ("Aggregate Functions", "GROUP BY", "Considerations for
GROUP BY", "HAVING", "Using Aliases with GROUP BY", "Querying Currency Fields in
Multicurrency Orgs") and the SOAP API's AggregateResult:

- Each result row is ``{"attributes": {"type": "AggregateResult"}, ...}`` keyed by alias,
  by the field's own name for a grouped path (``Account.Name`` → ``Name``), and ``expr0``,
  ``expr1``... for unaliased aggregates, counting only those.
- ``COUNT(field)`` counts non-null values, ``COUNT_DISTINCT`` distinct non-null ones;
  ``SUM``/``AVG`` take numbers; ``MAX``/``MIN`` numbers, text, dates; over no values they
  are null (and ``COUNT`` 0). Without ``GROUP BY`` there is exactly one row. Groups come in
  the order of their values unless ``ORDER BY`` (grouped fields or aggregates) says
  otherwise; ``LIMIT``/``OFFSET`` count groups; the result is never paged.
- A selected or ``HAVING`` field neither grouped nor aggregated is MALFORMED_QUERY ``Field
  must be grouped or aggregated: Name``; an aggregate a field's type does not allow is
  INVALID_FIELD ``field Name does not support aggregate operator SUM``.
- In a multi-currency org ``SUM``/``AVG``/``MAX``/``MIN`` of a currency field are in the
  corporate currency: each amount divided by its record's currency's ``ConversionRate``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sandbox.emulators.salesforce import soql, values
from sandbox.emulators.salesforce.conditions import (
    Getter,
    Operand,
    condition,
    fail,
    field_path,
    fold,
    row_getter,
)
from sandbox.emulators.salesforce.currency import currency_types
from sandbox.emulators.salesforce.ordering import OrderKey, sorted_by, window
from sandbox.emulators.salesforce.render import Path, path_owner, path_value
from sandbox.emulators.salesforce.schema import FieldDef, ObjectDef
from sandbox.emulators.salesforce.store import Row, Store

AGGREGATE_RESULT = {"type": "AggregateResult"}
_COUNTED = FieldDef("expr", "int")
_AVERAGED = FieldDef("expr", "double")
_NOT_MIN_MAX = {"boolean", "textarea", "id", "reference"}


@dataclass(frozen=True)
class _Column:
    """One column of the result: a grouped path or an aggregate."""

    key: str
    path: Path | None
    aggregate: soql.Aggregate | None


@dataclass(frozen=True)
class _Group:
    key: tuple[Any, ...]  # folded values of the GROUP BY paths
    rows: list[Row]


class Aggregation:
    """One aggregate query, checked against ``obj``; :meth:`records` runs it on rows."""

    def __init__(self, store: Store, query: soql.Query, obj: ObjectDef) -> None:
        self.store = store
        self.query = query
        self.obj = obj
        self.groups = [field_path(store, query, obj, ref) for ref in query.group_by]
        self.grouped = {".".join(p.names).lower(): i for i, p in enumerate(self.groups)}
        self.columns = self._columns()
        self.having = condition(store, query, query.having, self._operand) if query.having else None
        self.order = [
            OrderKey(self._operand(item.field).value, item.descending, item.nulls_last)
            for item in query.order
        ]

    def records(self, rows: list[Row]) -> list[dict[str, Any]]:
        return [self._record(group) for group in self.results(rows)]

    def results(self, rows: list[Row]) -> list[_Group]:
        """The groups the query answers, filtered, ordered and windowed."""
        buckets: dict[tuple[Any, ...], list[Row]] = {} if self.groups else {(): rows}
        getters = [row_getter(self.store, p) for p in self.groups]
        for row in rows if self.groups else ():
            buckets.setdefault(tuple(g(row) for g in getters), []).append(row)
        groups = [_Group(key, members) for key, members in buckets.items()]
        by_value = [OrderKey(_group_part(i), False, False) for i in range(len(self.groups))]
        groups = sorted_by(groups, by_value)
        if self.having is not None:
            groups = [g for g in groups if self.having(g)]
        return window(self.query, sorted_by(groups, self.order))

    # -- checking ------------------------------------------------------------------------

    def _columns(self) -> list[_Column]:
        query = self.query
        columns: list[_Column] = []
        unnamed = 0
        for item in query.items:
            if isinstance(item, soql.SubQuery | soql.FieldsMacro):
                fail(
                    query,
                    item.pos,
                    "MALFORMED_QUERY",
                    "Field must be grouped or aggregated",
                )
            if isinstance(item.item, soql.Aggregate):
                key = item.alias or f"expr{unnamed}"
                unnamed += item.alias is None
                columns.append(_Column(key, self._aggregated(item.item), item.item))
                continue
            path = self._grouped(item.item)[0]
            columns.append(_Column(item.alias or path.leaf.name, path, None))
        seen: set[str] = set()
        for column in columns:
            if column.key.lower() in seen:
                fail(query, query.sobject_pos, "MALFORMED_QUERY", f"duplicate alias: {column.key}")
            seen.add(column.key.lower())
        return columns

    def _aggregated(self, aggregate: soql.Aggregate) -> Path | None:
        if aggregate.field is None:
            return None
        path = field_path(self.store, self.query, self.obj, aggregate.field)
        leaf = path.leaf
        supported = {
            "SUM": leaf.numeric,
            "AVG": leaf.numeric,
            "MAX": leaf.type not in _NOT_MIN_MAX,
            "MIN": leaf.type not in _NOT_MIN_MAX,
            "COUNT": leaf.type != "textarea",
            "COUNT_DISTINCT": leaf.type != "textarea",
        }[aggregate.function]
        if not supported:
            fail(
                self.query,
                aggregate.field.pos,
                "INVALID_FIELD",
                f"field {leaf.name} does not support aggregate operator {aggregate.function}",
            )
        return path

    def _grouped(self, ref: soql.FieldRef) -> tuple[Path, int]:
        path = field_path(self.store, self.query, self.obj, ref)
        index = self.grouped.get(".".join(path.names).lower())
        if index is None:
            fail(
                self.query,
                ref.pos,
                "MALFORMED_QUERY",
                f"Field must be grouped or aggregated: {ref.path}",
            )
        return path, index

    def _operand(self, ref: soql.Operand) -> Operand:
        """A HAVING or ORDER BY operand on a group: an aggregate or a grouped field."""
        if isinstance(ref, soql.FieldRef):
            grouped, index = self._grouped(ref)
            return Operand(_group_part(index), grouped.leaf, ref.path, ref.pos)
        path = self._aggregated(ref)
        function = ref.function
        if function in {"COUNT", "COUNT_DISTINCT"} or path is None:
            leaf = _COUNTED
        elif function == "AVG":
            leaf = _AVERAGED
        else:
            leaf = path.leaf

        def value(group: _Group) -> Any:
            result = self._compute(function, path, group.rows)
            return result.casefold() if isinstance(result, str) else result

        return Operand(value, leaf, ref.text, ref.pos)

    # -- computing -----------------------------------------------------------------------

    def _record(self, group: _Group) -> dict[str, Any]:
        out: dict[str, Any] = {"attributes": dict(AGGREGATE_RESULT)}
        for column in self.columns:
            if column.aggregate is None:
                assert column.path is not None
                value = path_value(self.store, group.rows[0], column.path) if group.rows else None
            else:
                value = self._compute(column.aggregate.function, column.path, group.rows)
            out[column.key] = values.to_json(value)
        return out

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
            return len({fold(v, path.leaf) for v in present})
        if not present:
            return None
        if function == "SUM":
            return sum(present[1:], present[0])
        if function == "AVG":
            return sum((Decimal(v) for v in present), Decimal(0)) / len(present)
        pick = max if function == "MAX" else min
        return pick(present, key=lambda v: fold(v, path.leaf))

    def _in_corporate_currency(self, function: str, path: Path, rows: list[Row]) -> Any:
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


def _group_part(index: int) -> Getter:
    return lambda group: group.key[index]
