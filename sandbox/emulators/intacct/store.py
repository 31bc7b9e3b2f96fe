"""One company's records, document sequences and the controlids it has completed.

Each object has its own table of records keyed by ``RECORDNO`` (integers from 1, in
creation order). Every write stamps the audit fields: the creation timestamp once
(``WHENCREATED``, or ``AUWHENCREATED`` where ``WHENCREATED`` is a document date) and
``WHENMODIFIED``/``MODIFIEDBY`` on every change, to the second, from the company clock.

A transaction (``<operation transaction="true">``) and every write function open a
:meth:`Company.snapshot` first and :meth:`Company.restore` it when they fail, or
:meth:`Company.release` it when they succeed. A snapshot is an undo journal, not a copy: a
record handed out while one is open is saved the first time (the caller gets a fresh copy to
change), and only what was touched is put back. Each object's records are also indexed by
their ID (IDs are immutable once created), so lookups by key do not scan. Both keep a write
function's cost independent of how many records the company holds.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Generic, TypeVar

from sandbox.emulators.intacct import audit_history
from sandbox.emulators.intacct.clock import CompanyClock
from sandbox.emulators.intacct.schema import ObjectSpec, Record, coerce

T = TypeVar("T")


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


class Journaled(Generic[T]):
    """An insertion-ordered set that a rollback truncates back to an earlier size."""

    def __init__(self) -> None:
        self._items: dict[T, None] = {}

    def add(self, item: T) -> None:
        self._items[item] = None

    def __contains__(self, item: object) -> bool:
        return item in self._items

    def __len__(self) -> int:
        return len(self._items)

    def truncate(self, size: int) -> None:
        for item in list(self._items)[size:]:
            del self._items[item]


@dataclass
class CompanyData:
    tables: dict[str, dict[int, Record]] = field(default_factory=dict)
    counters: dict[str, int] = field(default_factory=dict)
    sequences: dict[str, Sequence] = field(default_factory=dict)
    executed: Journaled[str] = field(default_factory=Journaled)
    billed: Journaled[tuple[int, date]] = field(default_factory=Journaled)


@dataclass
class Snapshot:
    """What one open transaction must put back: each touched record as it was (``None`` for
    a record it created), the counters and sequences, and the sizes of the journaled sets."""

    saved: dict[tuple[str, int], Record | None]
    counters: dict[str, int]
    sequences: dict[str, Sequence]
    executed: int
    billed: int


def created_field(spec: ObjectSpec) -> str:
    return "AUWHENCREATED" if spec.field("AUWHENCREATED") is not None else "WHENCREATED"


class Company:
    def __init__(self, company_id: str, clock: CompanyClock) -> None:
        self.company_id = company_id
        self.clock = clock
        self.users: dict[str, User] = {}
        self.data = CompanyData()
        self._ids: dict[str, dict[str, int]] = {}
        self._open: list[Snapshot] = []
        self.audit_trail = audit_history.AuditTrail()

    # -- transactions ----------------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        data = self.data
        opened = Snapshot(
            saved={},
            counters=dict(data.counters),
            sequences={name: copy.copy(seq) for name, seq in data.sequences.items()},
            executed=len(data.executed),
            billed=len(data.billed),
        )
        self._open.append(opened)
        return opened

    @contextmanager
    def transaction(self, enabled: bool = True) -> Iterator[Callable[[], None]]:
        """Undo everything done inside when it raises (the error goes on) or when the body
        calls the roll-back it is handed; keep it otherwise."""
        if not enabled:
            yield lambda: None
            return
        opened = self.snapshot()
        rolled_back = False

        def roll_back() -> None:
            nonlocal rolled_back
            if not rolled_back:
                rolled_back = True
                self.restore(opened)

        try:
            yield roll_back
        except BaseException:
            roll_back()
            raise
        if not rolled_back:
            self.release(opened)

    def release(self, snapshot: Snapshot) -> None:
        """Keep what ``snapshot``'s transaction did. An enclosing transaction inherits the
        records it saved, since they are as the enclosing one found them too."""
        self._close(snapshot)
        if self._open:
            outer = self._open[-1].saved
            for key, record in snapshot.saved.items():
                outer.setdefault(key, record)

    def restore(self, snapshot: Snapshot) -> None:
        self._close(snapshot)
        data = self.data
        touched: set[str] = set()
        for (name, recordno), record in snapshot.saved.items():
            table = data.tables.setdefault(name, {})
            if record is None:
                table.pop(recordno, None)
            else:
                table[recordno] = record
            touched.add(name)
        for name in touched:
            self._reindex(name)
        data.counters = snapshot.counters
        data.sequences = snapshot.sequences
        data.executed.truncate(snapshot.executed)
        data.billed.truncate(snapshot.billed)

    def _close(self, snapshot: Snapshot) -> None:
        while self._open:
            if self._open.pop() is snapshot:
                return
        raise ValueError("That snapshot is not open.")

    def clear(self) -> None:
        self.data = CompanyData()
        self._ids = {}
        self._open = []

    def _handed_out(self, name: str, record: Record) -> Record:
        """``record`` as a caller may change it: while a transaction is open, its first
        hand-out saves the record as it was and stores a copy in its place."""
        if not self._open:
            return record
        saved = self._open[-1].saved
        key = (name, int(record["RECORDNO"]))
        if key in saved:
            return record
        saved[key] = record
        fresh = dict(record)
        self.data.tables[name][key[1]] = fresh
        return fresh

    def _reindex(self, name: str) -> None:
        self._ids.pop(name, None)

    def _index(self, spec: ObjectSpec) -> dict[str, int]:
        index = self._ids.get(spec.name)
        if index is None:
            id_field = spec.id_field or ""
            index = {
                str(row[id_field]): recordno
                for recordno, row in self.table(spec).items()
                if row.get(id_field) not in (None, "")
            }
            self._ids[spec.name] = index
        return index

    # -- reads -----------------------------------------------------------------------------

    def table(self, spec: ObjectSpec) -> dict[int, Record]:
        return self.data.tables.setdefault(spec.name, {})

    def rows(self, spec: ObjectSpec) -> list[Record]:
        return [self._handed_out(spec.name, row) for row in list(self.table(spec).values())]

    def get(self, spec: ObjectSpec, recordno: int) -> Record | None:
        row = self.table(spec).get(recordno)
        return None if row is None else self._handed_out(spec.name, row)

    def find(self, spec: ObjectSpec, field_name: str, value: Any) -> Record | None:
        if field_name == spec.id_field and isinstance(value, str):
            return self.by_id(spec, value)
        for row in self.table(spec).values():
            if row.get(field_name) == value:
                return self._handed_out(spec.name, row)
        return None

    def by_id(self, spec: ObjectSpec, key: str) -> Record | None:
        if not spec.id_field:
            return None
        recordno = self._index(spec).get(key)
        return None if recordno is None else self.get(spec, recordno)

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
        # objects whose definition shows the users' login ids too (CUSTOMER, CONTACT, ...)
        for login_field in ("CREATEDBYLOGINID", "MODIFIEDBYLOGINID"):
            if spec.field(login_field) is not None:
                record[login_field] = self.login_of(user_key)
        self.table(spec)[recordno] = record
        if self._open:
            self._open[-1].saved.setdefault((spec.name, recordno), None)
        id_value = record.get(spec.id_field) if spec.id_field else None
        if id_value not in (None, "") and spec.name in self._ids:
            self._ids[spec.name][str(id_value)] = recordno
        self._audit(spec.name, record, "C", user_key)
        return record

    def touch(self, record: Record, user_key: int) -> None:
        record["WHENMODIFIED"] = self.clock.now()
        record["MODIFIEDBY"] = user_key
        if "MODIFIEDBYLOGINID" in record:
            record["MODIFIEDBYLOGINID"] = self.login_of(user_key)
        name = self._object_of(record)
        if name is not None:
            self._audit(name, record, "M", user_key)

    def delete(self, spec: ObjectSpec, recordno: int, user_key: int) -> None:
        record = self.table(spec).pop(recordno, None)
        if record is None:
            return
        if self._open:
            self._open[-1].saved.setdefault((spec.name, recordno), record)
        self._reindex(spec.name)
        self._audit(spec.name, record, "D", user_key)

    def _object_of(self, record: Record) -> str | None:
        """The object whose table holds ``record`` (the live row a write changed)."""
        recordno = record.get("RECORDNO")
        for name, table in self.data.tables.items():
            if table.get(recordno) is record:  # type: ignore[arg-type]
                return name
        return None

    def login_of(self, user_key: int) -> str:
        """The login id of the user whose RECORDNO is ``user_key`` ("" for none)."""
        return next((u.user_id for u in self.users.values() if u.recordno == user_key), "")

    def _audit(self, object_name: str, record: Record, mode: str, user_key: int) -> None:
        """One row of the audit trail (``AUDITHISTORY``), undone with the write's
        transaction like any record it creates."""
        if object_name == audit_history.OBJECT:
            return
        spec = audit_history.AUDITHISTORY
        recordno = self.data.counters.get(spec.name, 0) + 1
        self.data.counters[spec.name] = recordno
        user = self.login_of(user_key)
        self.table(spec)[recordno] = {
            "RECORDNO": recordno,
            "OBJECTTYPE": object_name.lower(),
            "OBJECTKEY": str(record.get("RECORDNO") or ""),
            "OBJECTDESC": None,
            "USERID": user,
            "ACCESSTIME": self.clock.now(),
            "ACCESSMODE": mode,
            "SOURCE": "API",
            "WORKFLOWACTION": None,
        }
        if self._open:
            self._open[-1].saved.setdefault((spec.name, recordno), None)
