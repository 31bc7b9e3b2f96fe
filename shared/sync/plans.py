"""Batched calls for many records' work at once, written as if each record were alone.

The engine writes each record's work as a plan: a generator that yields the external calls
it needs (``Read`` a record, ``Put`` a create or update) and receives their answers, the way
it would call a connector. ``run_plans`` advances every plan of a batch to its next call,
then makes the calls of all of them together: one ``fetch_many`` per object and side for the
reads, one ``write_many`` per object and side for the writes, and sends each plan its own
answer, or throws its own error into it (so a plan's ``try`` around a call works as before).
A batch of ten records that each read, write and read back costs three requests per side,
not thirty; a create's later steps (showing the new key, completing the other side) batch
the same way, round by round.

A failure of a whole request (credentials, a transport error outlasting the retries) is
thrown into every plan that waited on it; each plan's error is its own outcome, so one bad
record never fails the others.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Generator, Hashable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from shared.connectors.base import Connector, SupportsWhereIn, Write
from shared.errors import ConfigurationError, LedgerlinkError
from shared.mapping.fields import Side
from shared.models.records import SourceRecord, WriteResult


@dataclass(frozen=True)
class Read:
    """Read one record fresh: answered with its ``SourceRecord``, or None if it is gone."""

    side: Side
    obj: str
    key: str
    fields: tuple[str, ...]


@dataclass(frozen=True)
class Find:
    """The records whose ``field`` holds ``value``: answered with a list (maybe empty). The
    connector must read by field (``SupportsWhereIn``); a batch asks once for all values."""

    side: Side
    obj: str
    field: str
    value: str
    fields: tuple[str, ...]


@dataclass(frozen=True)
class Put:
    """Create (``write.key`` None) or update one record: answered with its ``WriteResult``."""

    side: Side
    obj: str
    write: Write


Op = Read | Find | Put
T = TypeVar("T")
K = TypeVar("K", bound=Hashable)
Plan = Generator[Op, Any, T]


class ConnectorsBySide(Protocol):
    """What the runner needs of a connection's connectors (``engine.Sides``)."""

    def on(self, side: Side) -> Connector: ...


def run_plans(sides: ConnectorsBySide, plans: Mapping[K, Plan[T]]) -> dict[K, T | LedgerlinkError]:
    """Run every plan to its end; answers each plan's result, or the error it ended with."""
    results: dict[K, T | LedgerlinkError] = {}
    waiting: dict[K, Op] = {}

    def step(key: K, answer: Any = None, error: LedgerlinkError | None = None) -> None:
        plan = plans[key]
        try:
            op = plan.throw(error) if error is not None else plan.send(answer)
        except StopIteration as done:
            results[key] = done.value
            return
        except LedgerlinkError as exc:
            results[key] = exc
            return
        waiting[key] = op

    for key in plans:
        step(key)
    while waiting:
        ops, waiting = waiting, {}
        for key, answer, error in _call(sides, ops):
            step(key, answer, error)
    return results


def run_one(sides: ConnectorsBySide, plan: Plan[T]) -> T:
    """One plan alone (its calls unbatched); its error is raised."""
    result = run_plans(sides, {0: plan})[0]
    if isinstance(result, LedgerlinkError):
        raise result
    return result


Answered = tuple[K, Any, LedgerlinkError | None]


def _call(sides: ConnectorsBySide, ops: Mapping[K, Op]) -> list[Answered[K]]:
    reads: dict[tuple[Side, str, tuple[str, ...]], list[K]] = defaultdict(list)
    finds: dict[tuple[Side, str, str, tuple[str, ...]], list[K]] = defaultdict(list)
    puts: dict[tuple[Side, str], list[K]] = defaultdict(list)
    for key, op in ops.items():
        if isinstance(op, Read):
            reads[(op.side, op.obj, op.fields)].append(key)
        elif isinstance(op, Find):
            finds[(op.side, op.obj, op.field, op.fields)].append(key)
        else:
            puts[(op.side, op.obj)].append(key)
    answered: list[Answered[K]] = []
    for (side, obj, fields), keys in reads.items():
        answered.extend(_read(sides.on(side), obj, fields, keys, ops))
    for (side, obj, field, fields), keys in finds.items():
        answered.extend(_find(sides.on(side), obj, field, fields, keys, ops))
    for (side, obj), keys in puts.items():
        answered.extend(_write(sides.on(side), obj, keys, ops))
    return answered


def _read(
    connector: Connector, obj: str, fields: tuple[str, ...], keys: list[K], ops: Mapping[K, Op]
) -> list[Answered[K]]:
    wanted = [op.key for op in (ops[k] for k in keys) if isinstance(op, Read)]
    try:
        found = connector.fetch_many(obj, list(dict.fromkeys(wanted)), fields)
    except LedgerlinkError as exc:
        return [(k, None, exc) for k in keys]
    by_key: dict[str, SourceRecord] = {r.key: r for r in found}
    out: list[Answered[K]] = []
    for k in keys:
        op = ops[k]
        assert isinstance(op, Read)
        out.append((k, by_key.get(op.key), None))
    return out


def _find(
    connector: Connector,
    obj: str,
    field: str,
    fields: tuple[str, ...],
    keys: list[K],
    ops: Mapping[K, Op],
) -> list[Answered[K]]:
    values = [op.value for op in (ops[k] for k in keys) if isinstance(op, Find)]
    try:
        if not isinstance(connector, SupportsWhereIn):
            raise ConfigurationError(f"{connector.system} cannot look records up by {field}")
        found = connector.fetch_where_in(obj, field, values, fields)
    except LedgerlinkError as exc:
        return [(k, None, exc) for k in keys]
    by_value: dict[str, list[SourceRecord]] = defaultdict(list)
    for record in sorted(found, key=lambda r: r.key):
        by_value[str(record.get(field) or "")].append(record)
    out: list[Answered[K]] = []
    for k in keys:
        op = ops[k]
        assert isinstance(op, Find)
        out.append((k, by_value.get(op.value, []), None))
    return out


def _write(connector: Connector, obj: str, keys: list[K], ops: Mapping[K, Op]) -> list[Answered[K]]:
    writes = []
    for k in keys:
        op = ops[k]
        assert isinstance(op, Put)
        writes.append(op.write)
    try:
        answers = connector.write_many(obj, writes)
    except LedgerlinkError as exc:
        return [(k, None, exc) for k in keys]
    out: list[Answered[K]] = []
    for k, answer in zip(keys, answers, strict=True):
        if isinstance(answer, WriteResult):
            out.append((k, answer, None))
        else:
            out.append((k, None, answer))
    return out
