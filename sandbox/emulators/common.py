"""The call log every emulator keeps (faults live in :mod:`sandbox.emulators.faults`).

An emulator records one ``Call`` per API operation it performs (a REST request, or one
Intacct function), so tests can assert "exactly one write reached the other side".
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from sandbox.emulators.faults import FaultInjector, FaultKind, FaultRule

__all__ = ["Call", "CallLog", "FaultInjector", "FaultKind", "FaultRule"]


@dataclass(frozen=True)
class Call:
    """One operation an emulator served: ``op`` is a verb (create/update/read/query/...)."""

    op: str
    target: str  # object or resource name, e.g. "Account", "CUSTOMER"
    record_id: str | None = None
    ok: bool = True
    at: float = field(default_factory=time.time)

    @property
    def is_write(self) -> bool:
        return self.op in {"create", "update", "upsert", "delete"}


class CallLog:
    """Thread-safe record of the operations an emulator performed."""

    def __init__(self) -> None:
        self._calls: list[Call] = []
        self._lock = threading.Lock()

    def record(self, call: Call) -> None:
        with self._lock:
            self._calls.append(call)

    def clear(self) -> None:
        with self._lock:
            self._calls.clear()

    def all(self) -> list[Call]:
        with self._lock:
            return list(self._calls)

    def writes(self, target: str | None = None) -> list[Call]:
        return [c for c in self.all() if c.is_write and c.ok and target in (None, c.target)]

    def count(self, op: str | None = None, target: str | None = None) -> int:
        return sum(1 for c in self.all() if op in (None, c.op) and target in (None, c.target))
