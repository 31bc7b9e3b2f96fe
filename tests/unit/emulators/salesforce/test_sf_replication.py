"""getUpdated/getDeleted resources and the ordering of SystemModstamp."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from sandbox.emulators.salesforce import SalesforceEmulator
from tests.unit.emulators.salesforce.helpers import DATA, create, error_of, stored


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def test_system_modstamp_strictly_increases_across_the_org(api, emu: SalesforceEmulator):
    # Given many writes in quick succession on different objects
    ids = []
    for i in range(30):
        ids.append(create(api, "Account", Name=f"A{i}"))
        ids.append(create(api, "Contact", LastName=f"C{i}"))
    api.patch(f"{DATA}/sobjects/Account/{ids[0]}", json={"Phone": "1"})
    # When their SystemModstamps are read
    stamps = [
        stored(emu, "Account" if i.startswith("001") else "Contact", i)["SystemModstamp"]
        for i in ids[1:]
    ] + [stored(emu, "Account", ids[0])["SystemModstamp"]]
    # Then no two are equal and they follow the order of the writes, at millisecond precision
    assert stamps == sorted(stamps)
    assert len(set(stamps)) == len(stamps)
    assert all(s.microsecond % 1000 == 0 for s in stamps)


def test_updated_returns_ids_changed_in_whole_minutes(api, emu: SalesforceEmulator):
    # Given an account changed now, and the clock moved two minutes on
    start = emu.org.clock.now() - timedelta(minutes=1)
    account_id = create(api, "Account", Name="Acme")
    create(api, "Contact", LastName="Other object")
    emu.advance_clock(timedelta(minutes=2))
    end = emu.org.clock.now()
    # When the updated ids of the window are asked for
    answer = api.get(
        f"{DATA}/sobjects/Account/updated/", params={"start": iso(start), "end": iso(end)}
    )
    # Then the account is listed, and the window ends on a whole minute
    body = answer.json()
    assert answer.status_code == 200
    assert body["ids"] == [account_id]
    latest = datetime.strptime(body["latestDateCovered"], "%Y-%m-%dT%H:%M:%S.%f%z")
    assert latest == end.replace(second=0, microsecond=0)


def test_changes_in_the_current_minute_wait_for_the_next_window(api, emu: SalesforceEmulator):
    # Given an account changed early in the current minute
    emu.advance_clock(timedelta(seconds=61 - emu.org.clock.now().second))
    create(api, "Account", Name="Acme")
    now = emu.org.clock.now()
    # When the window ends now
    body = api.get(
        f"{DATA}/sobjects/Account/updated",
        params={"start": iso(now - timedelta(minutes=5)), "end": iso(now + timedelta(hours=1))},
    ).json()
    # Then seconds are ignored: the change falls after latestDateCovered, for the next call
    assert body["ids"] == []
    assert body["latestDateCovered"] == now.strftime("%Y-%m-%dT%H:%M:00.000+0000")


def test_deleted_lists_deleted_records_with_their_dates(api, emu: SalesforceEmulator):
    # Given two accounts, one deleted
    start = emu.org.clock.now() - timedelta(minutes=1)
    kept = create(api, "Account", Name="Kept")
    gone = create(api, "Account", Name="Gone")
    api.delete(f"{DATA}/sobjects/Account/{gone}")
    emu.advance_clock(timedelta(minutes=1))
    # When the deleted records of the window are asked for
    body = api.get(
        f"{DATA}/sobjects/Account/deleted/",
        params={"start": iso(start), "end": iso(emu.org.clock.now())},
    ).json()
    # Then only the deleted one is listed, with its deletion time
    assert [d["id"] for d in body["deletedRecords"]] == [gone]
    assert body["deletedRecords"][0]["deletedDate"].endswith("+0000")
    assert set(body) == {"deletedRecords", "earliestDateAvailable", "latestDateCovered"}
    updated = api.get(
        f"{DATA}/sobjects/Account/updated/",
        params={"start": iso(start), "end": iso(emu.org.clock.now())},
    ).json()
    assert updated["ids"] == [kept]


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"start": "2024-01-02T00:00:00+00:00", "end": "2024-01-01T00:00:00+00:00"}, None),
        ({"end": "2024-01-01T00:00:00+00:00"}, "MISSING_ARGUMENT"),
        ({"start": "yesterday", "end": "today"}, "INVALID_REPLICATION_DATE"),
    ],
)
def test_bad_windows_are_refused(api, emu: SalesforceEmulator, params, code):
    # Given a window that is backwards, incomplete or unreadable
    # When it is asked for
    answer = api.get(f"{DATA}/sobjects/Account/updated/", params=params)
    # Then it is refused
    assert answer.status_code == 400
    assert error_of(answer)["errorCode"] == (code or "INVALID_REPLICATION_DATE")


def test_updated_goes_back_at_most_30_days(api, emu: SalesforceEmulator):
    # Given a start 31 days ago
    now = emu.org.clock.now()
    # When it is asked for
    answer = api.get(
        f"{DATA}/sobjects/Account/updated/",
        params={"start": iso(now - timedelta(days=31)), "end": iso(now)},
    )
    # Then the replication date is invalid
    assert error_of(answer)["errorCode"] == "INVALID_REPLICATION_DATE"
