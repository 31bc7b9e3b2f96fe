"""The org's clock and Salesforce's wire formats for dates and times.

Audit fields have millisecond precision and ``SystemModstamp`` is strictly increasing
across the whole org, so every timestamp handed out is at least one millisecond after the
previous one. Tests can move the org's time forward with :meth:`OrgClock.advance`.

Wire formats (REST API Developer Guide, "Valid Date and DateTime Formats"): responses
carry ``2024-05-01T10:00:00.000+0000`` and ``2024-05-01``; requests may send
``yyyy-MM-ddTHH:mm:ss[.SSS](Z|+HH:mm)`` (``+HHmm`` is accepted too, as Salesforce's own
output format round-trips) and ``yyyy-MM-dd``.
"""

from __future__ import annotations

import re
import threading
from datetime import UTC, date, datetime, timedelta

_DATETIME = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?"
    r"(Z|[+-]\d{2}:?\d{2})$"
)
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


class OrgClock:
    """UTC, millisecond precision, strictly increasing; ``advance`` shifts it forward."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._offset = timedelta(0)
        self._last = datetime(2000, 1, 1, tzinfo=UTC)

    def now(self) -> datetime:
        """The current org time (not necessarily unique)."""
        wall = datetime.now(UTC) + self._offset
        return wall.replace(microsecond=wall.microsecond // 1000 * 1000)

    def tick(self) -> datetime:
        """A timestamp strictly after every one handed out before."""
        with self._lock:
            stamp = self.now()
            if stamp <= self._last:
                stamp = self._last + timedelta(milliseconds=1)
            self._last = stamp
            return stamp

    def advance(self, delta: timedelta) -> None:
        with self._lock:
            self._offset += delta


def format_datetime(value: datetime) -> str:
    """``2024-05-01T10:00:00.000+0000`` (always UTC)."""
    utc = value.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}+0000"


def format_datetime_xsd(value: datetime) -> str:
    """``2024-05-01T10:00:00.000Z``: xsd:dateTime as the SOAP messages carry it."""
    utc = value.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def parse_datetime(text: str) -> datetime | None:
    """A request dateTime, or None when ``text`` is not one."""
    match = _DATETIME.match(text.strip())
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    try:
        naive = datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second), micro
        )
    except ValueError:
        return None
    offset = timedelta(0)
    if zone != "Z":
        digits = zone[1:].replace(":", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        if zone[0] == "-":
            offset = -offset
    return (naive - offset).replace(tzinfo=UTC)


def parse_date(text: str) -> date | None:
    match = _DATE.match(text.strip())
    if match is None:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def floor_minute(value: datetime) -> datetime:
    return value.replace(second=0, microsecond=0)
