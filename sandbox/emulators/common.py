"""What every emulator shares: a log of the calls it served and injectable faults.

An emulator records one ``Call`` per API operation it performs (a REST request, or one
Intacct function), so tests can assert "exactly one write reached the other side". Faults
are rules matched against an operation's target string (for example ``"PATCH Account"`` or
``"create CUSTOMER"``); each emulator decides how a matched fault is rendered on its wire.
"""

from __future__ import annotations

import fnmatch
import threading
import time
from dataclasses import dataclass, field
from typing import Literal

FaultKind = Literal["latency", "http_error", "rate_limit", "lose_response", "expire_session"]


@dataclass
class FaultRule:
    """Apply ``kind`` to the next ``times`` operations whose target matches ``match`` (glob)."""

    match: str
    kind: FaultKind
    times: int = 1
    status: int = 503
    latency_s: float = 0.0
    message: str = "Injected fault"

    def matches(self, target: str) -> bool:
        return fnmatch.fnmatchcase(target, self.match)


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


class FaultInjector:
    """Thread-safe list of fault rules, consumed as they fire."""

    def __init__(self) -> None:
        self._rules: list[FaultRule] = []
        self._lock = threading.Lock()

    def add(self, rule: FaultRule) -> None:
        with self._lock:
            self._rules.append(rule)

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def take(self, target: str) -> FaultRule | None:
        """Return (and count down) the first rule matching ``target``, if any."""
        with self._lock:
            for rule in self._rules:
                if rule.times > 0 and rule.matches(target):
                    rule.times -= 1
                    if rule.times == 0:
                        self._rules.remove(rule)
                    return rule
        return None


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
