"""The company clock and Intacct's wire formats for dates and timestamps.

Intacct's XML API reads and writes dates as ``mm/dd/yyyy`` and audit timestamps
(``WHENCREATED``/``WHENMODIFIED``) as ``mm/dd/yyyy hh:mm:ss`` with second precision, in the
company's time zone (this emulator's companies are on GMT). The authentication block of a
response carries ``sessiontimestamp``/``sessiontimeout`` as ISO 8601 with an offset
(``2023-04-25T00:50:25+00:00``). Sources: developer.intacct.com "XML Requests" (response
example), "Queries" (readByQuery examples ``CREATED_AT >= '04/19/2021 12:00:00'``), the
intacct-sdk-php test fixtures (``<WHENMODIFIED>07/24/2017 15:19:46</WHENMODIFIED>``).

Tests control time either by injecting ``now`` or by :meth:`CompanyClock.advance`.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_TIMESTAMP = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$")


def _system_now() -> datetime:
    return datetime.now(UTC)


class CompanyClock:
    """UTC wall time truncated to whole seconds, shifted by :meth:`advance`."""

    def __init__(self, now: Callable[[], datetime] | None = None) -> None:
        self._source = now or _system_now
        self._offset = timedelta(0)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            offset = self._offset
        wall = self._source()
        if wall.tzinfo is None:
            wall = wall.replace(tzinfo=UTC)
        return (wall.astimezone(UTC) + offset).replace(microsecond=0)

    def today(self) -> date:
        return self.now().date()

    def advance(self, delta: timedelta) -> None:
        with self._lock:
            self._offset += delta


def format_date(value: date) -> str:
    """``04/01/2024``."""
    return f"{value.month:02d}/{value.day:02d}/{value.year:04d}"


def format_timestamp(value: datetime) -> str:
    """``04/01/2024 13:05:09`` (company time zone GMT)."""
    utc = value.astimezone(UTC) if value.tzinfo else value
    return f"{format_date(utc.date())} {utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}"


def format_iso(value: datetime) -> str:
    """``2024-04-01T13:05:09+00:00``: the authentication block's session times."""
    return value.astimezone(UTC).replace(microsecond=0).isoformat()


def parse_date(text: str) -> date | None:
    """``mm/dd/yyyy`` or None when ``text`` is not a valid date in that format."""
    match = _DATE.match(text.strip())
    if match is None:
        return None
    month, day, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_timestamp(text: str) -> datetime | None:
    """``mm/dd/yyyy hh:mm[:ss]``, or a bare ``mm/dd/yyyy`` meaning midnight; UTC."""
    stripped = text.strip()
    match = _TIMESTAMP.match(stripped)
    if match is None:
        day = parse_date(stripped)
        return datetime(day.year, day.month, day.day, tzinfo=UTC) if day else None
    month, day_, year, hour, minute = (int(g) for g in match.groups()[:5])
    second = int(match.group(6) or 0)
    try:
        return datetime(year, month, day_, hour, minute, second, tzinfo=UTC)
    except ValueError:
        return None
