"""SOQL date literals as ranges of days on the org's clock (UTC).

Source: SOQL and SOSL Reference, "Date Formats and Date Literals". Each literal names a
half-open range of calendar days ``[start, end)``; a comparison with it reads as:
``= X`` inside the range, ``!= X`` outside, ``< X`` before its start, ``<= X`` before its
end, ``> X`` from its end on, ``>= X`` from its start on. On a dateTime field the days are
UTC days (the emulator's org runs in UTC). Weeks start on Sunday (the en_US locale);
the fiscal year is the calendar year (an org's default fiscal settings), so the
``*_FISCAL_*`` literals equal their calendar twins.

- ``TODAY``, ``YESTERDAY``, ``TOMORROW``
- ``LAST_WEEK``, ``THIS_WEEK``, ``NEXT_WEEK``; ``LAST_MONTH``, ``THIS_MONTH``,
  ``NEXT_MONTH``; ``LAST_QUARTER``, ``THIS_QUARTER``, ``NEXT_QUARTER``; ``LAST_YEAR``,
  ``THIS_YEAR``, ``NEXT_YEAR`` (and the fiscal quarter and year ones)
- ``LAST_90_DAYS`` and ``LAST_N_DAYS:n``: the past n days and today; ``NEXT_90_DAYS`` and
  ``NEXT_N_DAYS:n``: the n days after today; ``N_DAYS_AGO:n``: that one day
- ``LAST_N_WEEKS:n``, ``LAST_N_MONTHS:n``, ``LAST_N_QUARTERS:n``, ``LAST_N_YEARS:n``: the n
  whole units before the current one; ``NEXT_N_...:n``: the n whole units after it;
  ``N_WEEKS_AGO:n``, ``N_MONTHS_AGO:n``, ``N_QUARTERS_AGO:n``, ``N_YEARS_AGO:n``: that one unit
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

_UNITS = ("DAY", "WEEK", "MONTH", "QUARTER", "YEAR")
_FIXED = {
    "TODAY": ("DAY", 0, 1),
    "YESTERDAY": ("DAY", -1, 1),
    "TOMORROW": ("DAY", 1, 1),
    "LAST_90_DAYS": ("DAY", -90, 91),
    "NEXT_90_DAYS": ("DAY", 1, 90),
    **{f"LAST_{u}": (u, -1, 1) for u in _UNITS[1:]},
    **{f"THIS_{u}": (u, 0, 1) for u in _UNITS[1:]},
    **{f"NEXT_{u}": (u, 1, 1) for u in _UNITS[1:]},
    **{
        f"{w}_FISCAL_{u}": (u, d, 1)
        for u in ("QUARTER", "YEAR")
        for w, d in (("LAST", -1), ("THIS", 0), ("NEXT", 1))
    },
}
_WITH_N = {
    "LAST_N_DAYS": ("DAY", "last_days"),
    "NEXT_N_DAYS": ("DAY", "next"),
    "N_DAYS_AGO": ("DAY", "ago"),
    **{f"LAST_N_{u}S": (u, "last") for u in _UNITS[1:]},
    **{f"NEXT_N_{u}S": (u, "next") for u in _UNITS[1:]},
    **{f"N_{u}S_AGO": (u, "ago") for u in _UNITS[1:]},
    "LAST_N_FISCAL_QUARTERS": ("QUARTER", "last"),
    "NEXT_N_FISCAL_QUARTERS": ("QUARTER", "next"),
    "N_FISCAL_QUARTERS_AGO": ("QUARTER", "ago"),
    "LAST_N_FISCAL_YEARS": ("YEAR", "last"),
    "NEXT_N_FISCAL_YEARS": ("YEAR", "next"),
    "N_FISCAL_YEARS_AGO": ("YEAR", "ago"),
}


@dataclass(frozen=True)
class DayRange:
    """Calendar days ``[start, end)``."""

    start: date
    end: date

    def contains(self, value: date | datetime) -> bool:
        low, high = self.bounds(value)
        return bool(low <= value < high)

    def bounds(self, value: date | datetime) -> tuple[date | datetime, date | datetime]:
        """The range in the type of ``value`` (UTC midnights for a dateTime)."""
        if isinstance(value, datetime):
            return (
                datetime.combine(self.start, time(), UTC),
                datetime.combine(self.end, time(), UTC),
            )
        return self.start, self.end


def is_date_literal(name: str, n: int | None) -> bool:
    """Whether ``name`` (upper case) is a date literal, taking ``:n`` exactly when it should."""
    return (name in _FIXED and n is None) or (name in _WITH_N and n is not None)


def _unit_start(day: date, unit: str) -> date:
    if unit == "DAY":
        return day
    if unit == "WEEK":
        return day - timedelta(days=(day.weekday() + 1) % 7)  # back to Sunday
    if unit == "MONTH":
        return day.replace(day=1)
    if unit == "QUARTER":
        return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    return date(day.year, 1, 1)


def _shift(start: date, unit: str, count: int) -> date:
    """The start of the unit ``count`` units after the one starting at ``start``."""
    if unit == "DAY":
        return start + timedelta(days=count)
    if unit == "WEEK":
        return start + timedelta(weeks=count)
    months = {"MONTH": 1, "QUARTER": 3, "YEAR": 12}[unit] * count
    month0 = start.month - 1 + months
    return date(start.year + month0 // 12, month0 % 12 + 1, 1)


def day_range(name: str, n: int | None, today: date) -> DayRange:
    """The days a literal covers when the org's date is ``today``."""
    if name in _FIXED:
        unit, offset, length = _FIXED[name]
        first = _shift(_unit_start(today, unit), unit, offset)
        return DayRange(first, _shift(first, unit, length))
    unit, kind = _WITH_N[name]
    count = n or 0
    current = _unit_start(today, unit)
    if kind == "last_days":
        return DayRange(today - timedelta(days=count), today + timedelta(days=1))
    if kind == "last":
        return DayRange(_shift(current, unit, -count), current)
    if kind == "next":
        return DayRange(_shift(current, unit, 1), _shift(current, unit, 1 + count))
    first = _shift(current, unit, -count)
    return DayRange(first, _shift(first, unit, 1))
