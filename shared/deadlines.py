"""How long the current invocation may still work, so no external call outlives it.

A Lambda function is stopped at its timeout (10 s for webhook_ingest, 30 s for
sync_records), and API Gateway gives up on a request after 29 s. One external call may
otherwise take ``attempts`` x the HTTP timeout plus backoff. The queue worker and the doors
set a :class:`Deadline` from the Lambda context's remaining time (less a reserve to record the
outcome); the connectors' retry loop never starts an attempt or a wait that cannot finish
before it, and :func:`cap_request_timeout` (an httpx request hook) gives each HTTP request at
most the time left.

The deadline lives in a context variable: each invocation (and each thread the sandbox runs
functions on) sees its own; outside one there is no deadline.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import NamedTuple, Protocol

import httpx

Clock = Callable[[], float]

# What an invocation keeps for itself after its last external call: recording the outcome,
# parking the message, answering the door.
RESERVE_S = 2.0


class Deadline(NamedTuple):
    """A moment on ``clock`` (monotonic seconds) after which no external work may run."""

    at: float
    clock: Clock = time.monotonic

    @classmethod
    def after(cls, seconds: float, clock: Clock = time.monotonic) -> Deadline:
        return cls(clock() + seconds, clock)

    def remaining_s(self) -> float:
        return self.at - self.clock()


class RemainingTime(Protocol):
    """What the Lambda context offers (and the sandbox runner's stand-in)."""

    def get_remaining_time_in_millis(self) -> int: ...


_current: ContextVar[Deadline | None] = ContextVar("ledgerlink_deadline", default=None)


def current() -> Deadline | None:
    return _current.get()


def remaining_s() -> float | None:
    deadline = _current.get()
    return None if deadline is None else deadline.remaining_s()


def of_invocation(context: RemainingTime | None, reserve_s: float = RESERVE_S) -> Deadline | None:
    """The deadline of the invocation whose Lambda context is ``context`` (None without one)."""
    if context is None:
        return None
    return Deadline.after(context.get_remaining_time_in_millis() / 1000 - reserve_s)


@contextmanager
def bounded(deadline: Deadline | None) -> Iterator[Deadline | None]:
    """Run the block under ``deadline`` (or the current one, if sooner)."""
    outer = _current.get()
    if deadline is None or (outer is not None and outer.remaining_s() <= deadline.remaining_s()):
        chosen = outer
    else:
        chosen = deadline
    token = _current.set(chosen)
    try:
        yield chosen
    finally:
        _current.reset(token)


def cap_request_timeout(request: httpx.Request) -> None:
    """httpx request hook: no HTTP request may wait past the current deadline."""
    left = remaining_s()
    if left is None:
        return
    left = max(left, 0.001)
    configured = request.extensions.get("timeout") or {}
    capped = {
        name: left if value is None else min(float(value), left)
        for name, value in {
            "connect": configured.get("connect"),
            "read": configured.get("read"),
            "write": configured.get("write"),
            "pool": configured.get("pool"),
        }.items()
    }
    request.extensions["timeout"] = capped
