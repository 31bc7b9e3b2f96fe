"""One company's records, document sequences and the controlids it has completed.

Each object has its own table of records keyed by ``RECORDNO`` (integers from 1, in
creation order). Every write stamps the audit fields: the creation timestamp once
(``WHENCREATED``, or ``AUWHENCREATED`` where ``WHENCREATED`` is a document date) and
``WHENMODIFIED``/``MODIFIEDBY`` on every change, to the second, from the company clock.

A transaction (``<operation transaction="true">``) and every write function take a
:meth:`Company.snapshot` first and :meth:`Company.restore` it when they fail.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sandbox.emulators.intacct.clock import CompanyClock
from sandbox.emulators.intacct.schema import ObjectSpec, Record, coerce


@dataclass
class Sequence:
    """A document sequence: ``CON-`` + 1 + width 4 -> ``CON-0001``, ``CON-0002`` …"""

    prefix: str
    next_number: int
    width: int = 4

    def take(self) -> str:
        value = f"{self.prefix}{self.next_number:0{self.width}d}"
        self.next_number += 1
        return value


@dataclass
class User:
    user_id: str
    password: str
    recordno: int


@dataclass
class CompanyData:
    """Everything a rolled-back transaction must put back."""

    tables: dict[str, dict[int, Record]] = field(default_factory=dict)
    counters: dict[str, int] = field(default_factory=dict)
    sequences: dict[str, Sequence] = field(default_factory=dict)
    executed: set[str] = field(default_factory=set)
    billed: set[tuple[int, date]] = field(default_factory=set)


def created_field(spec: ObjectSpec) -> str:
    return "AUWHENCREATED" if spec.field("AUWHENCREATED") is not None else "WHENCREATED"


class Company:
    def __init__(self, company_id: str, clock: CompanyClock) -> None:
        self.company_id = company_id
        self.clock = clock
        self.users: dict[str, User] = {}
        self.data = CompanyData()

    # -- transactions ----------------------------------------------------------------------

    def snapshot(self) -> CompanyData:
        """A copy to roll back to. Records are flat dicts of immutable values, so copying
        each record (not each value) restores exactly, at a fraction of a deep copy."""
        data = self.data
        return CompanyData(
            tables={
                name: {k: dict(r) for k, r in rows.items()} for name, rows in data.tables.items()
            },
            counters=dict(data.counters),
            sequences={name: copy.copy(seq) for name, seq in data.sequences.items()},
            executed=set(data.executed),
            billed=set(data.billed),
        )

    def restore(self, snapshot: CompanyData) -> None:
        self.data = snapshot

    def clear(self) -> None:
        self.data = CompanyData()

    # -- reads -----------------------------------------------------------------------------

    def table(self, spec: ObjectSpec) -> dict[int, Record]:
        return self.data.tables.setdefault(spec.name, {})

    def rows(self, spec: ObjectSpec) -> list[Record]:
        return list(self.table(spec).values())

    def get(self, spec: ObjectSpec, recordno: int) -> Record | None:
        return self.table(spec).get(recordno)

    def find(self, spec: ObjectSpec, field_name: str, value: Any) -> Record | None:
        for row in self.table(spec).values():
            if row.get(field_name) == value:
                return row
        return None

    def by_id(self, spec: ObjectSpec, key: str) -> Record | None:
        return self.find(spec, spec.id_field, key) if spec.id_field else None

    def by_key(self, spec: ObjectSpec, key: str) -> Record | None:
        """A RECORDNO or, failing that, the object's ID."""
        if key.strip().isdigit():
            row = self.get(spec, int(key))
            if row is not None:
                return row
        return self.by_id(spec, key)

    # -- writes ----------------------------------------------------------------------------

    def next_id(self, spec: ObjectSpec) -> str | None:
        sequence = self.data.sequences.get(spec.name)
        return sequence.take() if sequence else None

    def set_sequence(self, object_name: str, sequence: Sequence) -> None:
        self.data.sequences[object_name] = sequence

    def insert(self, spec: ObjectSpec, values: Record, user_key: int) -> Record:
        """Store a new record: every field of ``spec`` present, audit fields stamped."""
        recordno = self.data.counters.get(spec.name, 0) + 1
        self.data.counters[spec.name] = recordno
        now = self.clock.now()
        record: Record = {}
        for f in spec.fields:
            value = values.get(f.name)
            record[f.name] = coerce(f, f.default) if value is None else value
        record["RECORDNO"] = recordno
        record[created_field(spec)] = now
        record["WHENMODIFIED"] = now
        record["CREATEDBY"] = user_key
        record["MODIFIEDBY"] = user_key
        self.table(spec)[recordno] = record
        return record

    def touch(self, record: Record, user_key: int) -> None:
        record["WHENMODIFIED"] = self.clock.now()
        record["MODIFIEDBY"] = user_key

    def delete(self, spec: ObjectSpec, recordno: int) -> None:
        self.table(spec).pop(recordno, None)
