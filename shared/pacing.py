"""Pacing calls to an API account shared by every container: a rate limit met by waiting a
little before calls, not by 429s.

Some APIs limit calls per account whoever makes them (Zoho Books: about 100 requests a minute
per organisation, "API Call Limit"); Lambda containers running side by side each see only
their own calls. So the pace lives in the state table: the generic cell rate algorithm over
one item per account holding the moment its next call is due (shared/state/paces.py).

- A container reserves ``block`` calls at a time (at most a burst's) with one conditional
  write (not one per call) and spends them locally; the write names the moment it read, so
  two containers never take the same slot (the loser re-reads and tries again).
- Calls are spaced at ``share`` of the account's limit, with a burst of ``burst_share`` of a
  minute's calls: at most about (share + burst_share) x the limit in any minute, under it.
- A reservation that must wait waits (``sleep``) when the wait is at most ``max_wait_s``;
  a longer one is not made: ``RateLimitedError`` with the wait as ``retry_after_s`` goes back
  to the caller (the message comes back later, as for a 429).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from shared.errors import RateLimitedError
from shared.state.paces import PaceStore

ATTEMPTS = 5  # conditional writes lost to other containers before giving up for now


@dataclass
class Pacer:
    store: PaceStore
    clock: Callable[[], float] = time.time
    sleep: Callable[[float], None] = time.sleep
    max_wait_s: float = 10.0
    block: int = 5
    share: float = 0.8
    burst_share: float = 0.1
    _known: dict[str, float | None] = field(default_factory=dict)
    _left: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    writes: int = 0  # conditional writes made (won or lost)

    def before_call(self, account: str, per_minute: int) -> None:
        """Wait, if need be, until one more call to ``account`` keeps it under its limit."""
        with self._lock:
            left = self._left.get(account, 0)
            if left > 0:
                self._left[account] = left - 1
                return
            block = self._reserve(account, per_minute)
            self._left[account] = block - 1

    def _reserve(self, account: str, per_minute: int) -> int:
        """Reserve a block of calls (no more than a burst); how many."""
        interval = 60.0 / max(1.0, per_minute * self.share)
        burst = max(1, int(per_minute * self.burst_share))
        block = max(1, min(self.block, burst))
        tolerance = burst * interval
        known = self._known.get(account)
        for _ in range(ATTEMPTS):
            now = self.clock()
            due = max(known or 0.0, now) + block * interval
            wait = due - now - tolerance - interval
            if wait > self.max_wait_s:
                raise RateLimitedError(f"{account}: paced, next calls in {wait:.1f} s", wait)
            self.writes += 1
            current = self.store.move(account, known, due)
            if current is None:
                self._known[account] = due
                if wait > 0:
                    self.sleep(wait)
                return block
            known = current
            self._known[account] = current
        raise RateLimitedError(f"{account}: other containers hold the pace", interval)
