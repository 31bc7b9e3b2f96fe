"""SOQL date literals (SOQL and SOSL Reference, "Date Formats and Date Literals"): the
ranges each documented literal covers, and filters using them on the org's UTC clock."""

from __future__ import annotations

from datetime import date, timedelta

import httpx
import pytest

from sandbox.emulators.salesforce import SalesforceEmulator
from sandbox.emulators.salesforce.date_literals import DayRange, day_range
from tests.unit.emulators.salesforce.helpers import DATA, create, error_of, query

WEDNESDAY = date(2024, 5, 15)


@pytest.mark.parametrize(
    ("literal", "n", "start", "end"),
    [
        ("TODAY", None, date(2024, 5, 15), date(2024, 5, 16)),
        ("YESTERDAY", None, date(2024, 5, 14), date(2024, 5, 15)),
        ("TOMORROW", None, date(2024, 5, 16), date(2024, 5, 17)),
        ("THIS_WEEK", None, date(2024, 5, 12), date(2024, 5, 19)),  # weeks start Sunday
        ("LAST_WEEK", None, date(2024, 5, 5), date(2024, 5, 12)),
        ("NEXT_WEEK", None, date(2024, 5, 19), date(2024, 5, 26)),
        ("THIS_MONTH", None, date(2024, 5, 1), date(2024, 6, 1)),
        ("LAST_MONTH", None, date(2024, 4, 1), date(2024, 5, 1)),
        ("NEXT_MONTH", None, date(2024, 6, 1), date(2024, 7, 1)),
        ("THIS_QUARTER", None, date(2024, 4, 1), date(2024, 7, 1)),
        ("LAST_QUARTER", None, date(2024, 1, 1), date(2024, 4, 1)),
        ("NEXT_QUARTER", None, date(2024, 7, 1), date(2024, 10, 1)),
        ("THIS_YEAR", None, date(2024, 1, 1), date(2025, 1, 1)),
        ("LAST_YEAR", None, date(2023, 1, 1), date(2024, 1, 1)),
        ("NEXT_YEAR", None, date(2025, 1, 1), date(2026, 1, 1)),
        ("THIS_FISCAL_YEAR", None, date(2024, 1, 1), date(2025, 1, 1)),
        ("LAST_90_DAYS", None, date(2024, 2, 15), date(2024, 5, 16)),
        ("NEXT_90_DAYS", None, date(2024, 5, 16), date(2024, 8, 14)),
        ("LAST_N_DAYS", 7, date(2024, 5, 8), date(2024, 5, 16)),  # today included
        ("NEXT_N_DAYS", 7, date(2024, 5, 16), date(2024, 5, 23)),  # from tomorrow
        ("N_DAYS_AGO", 3, date(2024, 5, 12), date(2024, 5, 13)),
        ("LAST_N_WEEKS", 2, date(2024, 4, 28), date(2024, 5, 12)),
        ("NEXT_N_WEEKS", 1, date(2024, 5, 19), date(2024, 5, 26)),
        ("LAST_N_MONTHS", 2, date(2024, 3, 1), date(2024, 5, 1)),  # whole months before
        ("NEXT_N_MONTHS", 2, date(2024, 6, 1), date(2024, 8, 1)),
        ("N_MONTHS_AGO", 13, date(2023, 4, 1), date(2023, 5, 1)),
        ("LAST_N_QUARTERS", 2, date(2023, 10, 1), date(2024, 4, 1)),
        ("LAST_N_YEARS", 1, date(2023, 1, 1), date(2024, 1, 1)),
        ("N_YEARS_AGO", 2, date(2022, 1, 1), date(2023, 1, 1)),
    ],
)
def test_each_literal_covers_the_documented_days(literal, n, start, end):
    # Given the org's date is Wednesday 15 May 2024
    # When the literal is evaluated
    # Then it covers the days the reference describes
    assert day_range(literal, n, WEDNESDAY) == DayRange(start, end)


def test_ranges_cross_year_boundaries():
    # Given the org's date is 10 January 2024
    today = date(2024, 1, 10)
    # When the previous month and quarter are asked for
    # Then they fall in the previous year
    assert day_range("LAST_MONTH", None, today) == DayRange(date(2023, 12, 1), date(2024, 1, 1))
    assert day_range("LAST_QUARTER", None, today) == DayRange(date(2023, 10, 1), date(2024, 1, 1))


@pytest.fixture
def today(emu: SalesforceEmulator) -> date:
    """The org's date, with its clock moved to midday UTC so no test runs across midnight."""
    now = emu.org.clock.now()
    emu.advance_clock((timedelta(hours=12) - (now - now.replace(hour=0, minute=0))) % timedelta(1))
    return emu.org.clock.now().date()


@pytest.fixture
def deals(api: httpx.Client, today: date) -> date:
    for name, offset in [("Past", -10), ("Yesterday", -1), ("Today", 0), ("Tomorrow", 1)]:
        close = (today + timedelta(days=offset)).isoformat()
        create(api, "Opportunity", Name=name, StageName="Prospecting", CloseDate=close)
    create(
        api,
        "Opportunity",
        Name="Later",
        StageName="Prospecting",
        CloseDate=(today + timedelta(days=20)).isoformat(),
    )
    return today


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("CloseDate = TODAY", ["Today"]),
        ("CloseDate = YESTERDAY", ["Yesterday"]),
        ("CloseDate != TODAY", ["Later", "Past", "Tomorrow", "Yesterday"]),
        ("CloseDate > TODAY", ["Later", "Tomorrow"]),
        ("CloseDate >= TODAY", ["Later", "Today", "Tomorrow"]),
        ("CloseDate < TODAY", ["Past", "Yesterday"]),
        ("CloseDate <= TODAY", ["Past", "Today", "Yesterday"]),
        ("CloseDate = LAST_N_DAYS:3", ["Today", "Yesterday"]),
        ("CloseDate = NEXT_N_DAYS:15", ["Tomorrow"]),
        ("CloseDate IN (YESTERDAY, TOMORROW)", ["Tomorrow", "Yesterday"]),
        ("CloseDate = LAST_N_DAYS:365 AND CloseDate < YESTERDAY", ["Past"]),
    ],
)
def test_date_fields_filter_by_literal(api, deals, where, expected):
    # Given opportunities closing around the org's today
    # When filtered with a date literal (the reference's CloseDate = NEXT_N_DAYS:15 ...)
    body = query(api, f"SELECT Name FROM Opportunity WHERE {where} ORDER BY Name")
    # Then the literal's days decide
    assert [r["Name"] for r in body["records"]] == expected


def test_datetime_fields_compare_with_utc_days(api, emu: SalesforceEmulator, today):
    # Given an account created today (UTC)
    create(api, "Account", Name="Acme")
    # When filtered by CreatedDate today and yesterday, then again a day later
    created_today = query(api, "SELECT Name FROM Account WHERE CreatedDate = TODAY")
    created_yesterday = query(api, "SELECT Name FROM Account WHERE CreatedDate = YESTERDAY")
    emu.advance_clock(timedelta(days=1))
    a_day_later = query(api, "SELECT Name FROM Account WHERE CreatedDate = YESTERDAY")
    last_two_days = query(api, "SELECT Name FROM Account WHERE CreatedDate = LAST_N_DAYS:2")
    # Then the literal is evaluated on the org's clock each time
    assert created_today["totalSize"] == 1
    assert created_yesterday["totalSize"] == 0
    assert a_day_later["totalSize"] == 1
    assert last_two_days["totalSize"] == 1
    assert emu.org.clock.now().date() == today + timedelta(days=1)


@pytest.mark.parametrize(
    ("soql", "code", "message_end"),
    [
        (
            "SELECT Id FROM Account WHERE Name = TODAY",
            "INVALID_FIELD",
            "value of filter criterion for field 'Name' must be of type string and should be "
            "enclosed in quotes",
        ),
        (
            "SELECT Id FROM Opportunity WHERE CloseDate = LAST_N_DAYS",
            "MALFORMED_QUERY",
            "unexpected token: 'LAST_N_DAYS'",
        ),
        (
            "SELECT Id FROM Opportunity WHERE CloseDate = TODAY:3",
            "MALFORMED_QUERY",
            "unexpected token: 'TODAY:3'",
        ),
        (
            "SELECT Id FROM Opportunity WHERE CloseDate = NEXT_DECADE",
            "MALFORMED_QUERY",
            "unexpected token: 'NEXT_DECADE'",
        ),
    ],
)
def test_date_literal_errors(api, soql, code, message_end):
    # Given a misused or unknown date literal
    # When queried
    answer = api.get(f"{DATA}/query", params={"q": soql})
    # Then the platform's error comes back
    assert answer.status_code == 400
    error = error_of(answer)
    assert error["errorCode"] == code
    assert error["message"].endswith(message_end)
