"""Injected faults, decided once for every emulator.

A :class:`FaultRule` applies its ``kind`` to the next ``times`` operations whose target
matches ``match`` (a glob against the emulator's target strings, e.g. ``"PATCH Account"``
or ``"create CUSTOMER"``). The :class:`FaultInjector` holds the rules and hands out the
ones that fire; :func:`run_with_faults` decides what they mean for one request. Each
emulator supplies only a :class:`FaultWire`: how its own wire shows each fault.

Kinds, and what :func:`run_with_faults` does with them:

==================  ===========================================================================
``latency``         sleep ``latency_s`` (the sum over the rules taken), then carry on
``timeout``         sleep ``latency_s``, then answer as a gateway that gave up (``timed_out``)
                    without running anything
``http_error``      answer a server error with ``status`` (``server_error``), run nothing
``rate_limit``      answer the vendor's rate limit (``rate_limited``), run nothing;
                    ``retry_after_s`` is the wait the answer asks for where the vendor's
                    wire carries one
``expire_session``  end the caller's session (``session_expired``); the wire either answers
                    at once or lets the request run into its own authentication check
``lose_response``   run the request, then lose its answer (``answer_lost``)
==================  ===========================================================================

The first rule (in the order taken) among ``timeout``/``http_error``/``rate_limit`` wins.
"""

from __future__ import annotations

import fnmatch
import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, TypeVar

FaultKind = Literal[
    "latency", "timeout", "http_error", "rate_limit", "lose_response", "expire_session"
]
DEFAULT_MESSAGE = "Injected fault"


@dataclass
class FaultRule:
    """Apply ``kind`` to the next ``times`` operations whose target matches ``match`` (glob)."""

    match: str
    kind: FaultKind
    times: int = 1
    status: int = 503
    latency_s: float = 0.0
    message: str = DEFAULT_MESSAGE
    retry_after_s: float | None = None  # rate_limit: the wait asked for, where the wire says
    # http_error: the vendor's own error code, where its wire carries one (Salesforce's
    # UNABLE_TO_LOCK_ROW is a 400 whose code says "try again")
    code: str | None = None
    # Fire on this share of the matching operations (a soak's background noise), not on each
    probability: float = 1.0

    def matches(self, target: str) -> bool:
        return fnmatch.fnmatchcase(target, self.match)


class FaultInjector:
    """Thread-safe list of fault rules, consumed as they fire."""

    def __init__(self, seed: int | None = None) -> None:
        self._rules: list[FaultRule] = []
        self._lock = threading.Lock()
        self._random = random.Random(seed)
        self.fired = 0  # faults injected so far

    def seed(self, seed: int) -> None:
        with self._lock:
            self._random.seed(seed)

    def add(self, rule: FaultRule) -> None:
        with self._lock:
            self._rules.append(rule)

    def clear(self) -> int:
        """Remove every rule; returns how many there were."""
        with self._lock:
            count = len(self._rules)
            self._rules.clear()
            return count

    def take(self, target: str) -> FaultRule | None:
        """Return (and count down) the first rule matching ``target``, if any."""
        with self._lock:
            for rule in self._rules:
                if rule.times > 0 and rule.matches(target):
                    if rule.probability < 1.0 and self._random.random() >= rule.probability:
                        continue
                    self.fired += 1
                    rule.times -= 1
                    if rule.times == 0:
                        self._rules.remove(rule)
                    return rule
        return None

    def take_all(self, targets: Sequence[str]) -> list[FaultRule]:
        """One rule per target at most (an Intacct request runs several functions)."""
        taken = [self.take(target) for target in targets]
        return [rule for rule in taken if rule is not None]


R = TypeVar("R")


class FaultWire(Protocol[R]):
    """How one emulator's wire shows each fault; ``R`` is its kind of answer."""

    def rate_limited(self, rule: FaultRule) -> R:
        """The vendor's rate-limit answer (with Retry-After where the vendor sends one)."""
        ...

    def server_error(self, rule: FaultRule) -> R:
        """A server error with ``rule.status``."""
        ...

    def timed_out(self, rule: FaultRule) -> R:
        """What a client sees when the gateway in front of the API gave up waiting."""
        ...

    def session_expired(self, rule: FaultRule) -> R | None:
        """End the caller's session; answer now, or None to let the request run."""
        ...

    def answer_lost(self, answer: R) -> R:
        """What a client sees instead of ``answer`` after the request ran."""
        ...


_EARLY: frozenset[str] = frozenset({"timeout", "http_error", "rate_limit"})


def run_with_faults(
    rules: Sequence[FaultRule],
    wire: FaultWire[R],
    run: Callable[[], R],
    *,
    sleep: Callable[[float], None] = time.sleep,
) -> R:
    """Answer one request under the rules taken for it (see the module docstring)."""
    delay = sum(rule.latency_s for rule in rules if rule.kind == "latency")
    if delay > 0:
        sleep(delay)
    for rule in rules:
        if rule.kind not in _EARLY:
            continue
        if rule.kind == "timeout":
            if rule.latency_s > 0:
                sleep(rule.latency_s)
            return wire.timed_out(rule)
        if rule.kind == "http_error":
            return wire.server_error(rule)
        return wire.rate_limited(rule)
    for rule in rules:
        if rule.kind == "expire_session":
            early = wire.session_expired(rule)
            if early is not None:
                return early
    answer = run()
    if any(rule.kind == "lose_response" for rule in rules):
        return wire.answer_lost(answer)
    return answer
