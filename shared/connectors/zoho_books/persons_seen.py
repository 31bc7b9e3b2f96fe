"""The persons of customers read after their stamp's second: what a poll in the overlap of
the last one need not read again.

A contact person has no stamp of its own: its version is its customer's
``last_modified_time`` (whole seconds), which Books moves whenever one of the customer's
persons changes. So the persons' poll reads every customer the list shows changed since the
cursor, and the next poll, whose window overlaps this one's, lists the same customers again.
A read answered in a later second than the customer's stamp (the answer's ``Date``) saw the
persons as they stay for as long as that stamp does: a change would have moved it. While the
list shows the customer at that same stamp, those persons are what a read would answer.

Kept by the connector, which a container keeps as long as the connection's tokens
(``Runtime.sides``): a warm container's next poll skips those reads; a cold one reads, as
before. A read answered within the stamp's own second is
not kept (a person changed later in that second would not move the stamp). Bounded: the
oldest entries go first. No values leave the process.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import datetime, timedelta

from shared.models.records import SourceRecord

MAX_CUSTOMERS = 20_000
_SECOND = timedelta(seconds=1)


def final(stamp: datetime | None, answered_at: datetime | None) -> bool:
    """Whether a read answered at ``answered_at`` shows the version stamped ``stamp`` whole."""
    if stamp is None or answered_at is None:
        return False
    return answered_at.replace(microsecond=0) >= stamp.replace(microsecond=0) + _SECOND


class SeenPersons:
    """One connector's memory of its customers' persons (the connector lives as long as the
    container keeps the connection's tokens)."""

    def __init__(self, limit: int = MAX_CUSTOMERS) -> None:
        self._limit = limit
        self._seen: OrderedDict[str, tuple[datetime, tuple[SourceRecord, ...]]] = OrderedDict()
        self._lock = threading.Lock()

    def remember(
        self,
        customer: str,
        stamp: datetime | None,
        answered_at: datetime | None,
        persons: list[SourceRecord],
    ) -> None:
        """Keep the customer's persons if the read saw its stamp's version whole; else
        forget what was kept of it."""
        with self._lock:
            if stamp is not None and final(stamp, answered_at):
                self._seen[customer] = (stamp, tuple(persons))
                self._seen.move_to_end(customer)
                while len(self._seen) > self._limit:
                    self._seen.popitem(last=False)
            else:
                self._seen.pop(customer, None)

    def recall(self, customer: str, stamp: datetime | None) -> list[SourceRecord] | None:
        """The persons kept for the customer at exactly ``stamp``, or None (read it)."""
        if stamp is None:
            return None
        with self._lock:
            kept = self._seen.get(customer)
        if kept is None or kept[0] != stamp:
            return None
        return list(kept[1])
