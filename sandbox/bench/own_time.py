"""Issue 9's "ledgerlink's own CPU time" in an in-process run.

A bench run executes everything in one process: the people's clients, the emulators, moto,
the Lambda runner's deliveries, the world's settle loop, the meters, and ledgerlink. Its
wall time also counts the time the process waited for a core, which on a shared machine is
most of the noise. So this clock counts CPU time (the running thread's,
``time.thread_time``), and only while ledgerlink's own code runs: from entering one of its
entry points (a function's handler, however it is invoked; the backfill's function) to
leaving it, less the requests it makes meanwhile to AWS (botocore and moto, from
``before-call`` to ``after-call``) and to the emulated systems (an httpx request to its
response), the meters' bookkeeping of those requests included. An entry point reached from
inside one of those (a system calling ledgerlink's API) counts as ledgerlink's again.

Full garbage collections (generation 2) are not counted either. One walks every object of
the process, here mostly moto's tables and the emulators' records, so it grows with the
sandbox's data, costs as much as a few hundred records of ledgerlink's work, and lands in
whatever code happens to allocate then (a Lambda process holds only ledgerlink's objects).
The young generations' collections, which follow the allocations, still count.

Each thread keeps a stack of what is running (ledgerlink's or not); every change of the top
charges the CPU time since the previous change to ledgerlink when the top was its own.
Leaving a frame drops whatever is still above it, so a request that never answered (its
response hook never ran) cannot keep charging or hiding time after its caller returned.
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager


class OwnTime:
    """CPU seconds spent in ledgerlink's code: ``ours`` brackets its code, ``enter`` and
    ``leave`` what runs on its behalf (or around it)."""

    def __init__(self, clock: Callable[[], float] = time.thread_time) -> None:
        self._clock = clock
        self._local = threading.local()
        # reentrant: a collection's callback may run on a thread holding it
        self._lock = threading.RLock()
        self._seconds = 0.0
        self._collecting = 0.0  # full collections while ledgerlink's code was running

    @property
    def seconds(self) -> float:
        with self._lock:
            return self._seconds - self._collecting

    def install(self) -> None:
        """Leave full garbage collections out (until :meth:`uninstall`)."""
        if self._on_collection not in gc.callbacks:
            gc.callbacks.append(self._on_collection)

    def uninstall(self) -> None:
        if self._on_collection in gc.callbacks:
            gc.callbacks.remove(self._on_collection)

    def _on_collection(self, phase: str, info: dict[str, int]) -> None:
        if info.get("generation") != 2:
            return
        local = self._local
        if phase == "start":
            local.collection_started = self._clock()
            return
        started = getattr(local, "collection_started", None)
        stack = getattr(local, "stack", None)
        if started is not None and stack and stack[-1]:
            with self._lock:
                self._collecting += self._clock() - started
        local.collection_started = None

    def enter(self, *, ours: bool) -> int:
        """Something starts running on this thread (ledgerlink's code, or AWS / a system on
        its behalf); the token given back is for :meth:`leave`."""
        stack = self._charge()
        stack.append(ours)
        return len(stack) - 1

    def leave(self, token: int) -> None:
        """What :meth:`enter` started (and anything still running inside it) has returned."""
        stack = self._charge()
        del stack[token:]

    @contextmanager
    def ours(self) -> Iterator[None]:
        token = self.enter(ours=True)
        try:
            yield
        finally:
            self.leave(token)

    def _charge(self) -> list[bool]:
        now = self._clock()
        local = self._local
        stack: list[bool] | None = getattr(local, "stack", None)
        if stack is None:
            stack = local.stack = []
        elif stack and stack[-1]:
            with self._lock:
                self._seconds += now - local.since
        local.since = now
        return stack
