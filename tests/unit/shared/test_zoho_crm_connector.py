"""The Zoho CRM connector's own decisions, against the emulator: batching writes in the API's
hundreds, reading each record's answer out of ``data[]``, keyset paging through COQL, and
what its error table makes of the accounts server and the API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from sandbox.emulators.faults import FaultRule
from sandbox.emulators.protocol import ProvisionRequest
from sandbox.emulators.zoho_crm import ZohoCrmEmulator
from shared.connectors.base import RetrySettings, Write
from shared.connectors.registry import system
from shared.connectors.zoho_crm.connector import ZohoCrmConnector
from shared.errors import AuthenticationError, RecordRejectedError
from shared.models.records import WriteResult

START = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.fixture
def emulator() -> ZohoCrmEmulator:
    return ZohoCrmEmulator(clock=lambda: START)


def _connector(emulator: ZohoCrmEmulator, **secrets: str) -> ZohoCrmConnector:
    side = emulator.provision(ProvisionRequest(webhook_url="http://api.test/w"))
    plugin = system("zoho_crm")
    settings = plugin.settings({"system": "zoho_crm", **side.settings}, "t")
    typed = plugin.secrets({**side.secrets, **secrets}, "t")
    http = httpx.Client(transport=httpx.WSGITransport(app=emulator.wsgi_app))
    retry = RetrySettings(attempts=3, sleep=lambda s: None)
    connector = plugin.connector(http, settings, typed, retry)
    assert isinstance(connector, ZohoCrmConnector)
    return connector


def test_writes_go_in_batches_of_100_answered_per_record_in_order(emulator):
    # Given 120 new accounts (one without its mandatory name), 30 upserts on the external id
    # and an update of an existing account
    connector = _connector(emulator)
    existing = emulator.insert("Accounts", {"Account_Name": "Old name"})
    writes = [Write({"Account_Name": f"A{i}"}, f"k{i}") for i in range(120)]
    writes[7] = Write({"Phone": "555"}, "k7")
    writes += [
        Write({"Account_Name": f"U{i}"}, f"u{i}", external_key=("Zoho_Books_ID", f"B{i}"))
        for i in range(30)
    ]
    writes.append(Write({"Account_Name": "New name"}, "upd", key=existing))
    connector.check_access()
    before = connector.client.calls
    # When they are written together
    answers = connector.write_many("Accounts", writes)
    # Then four requests carried them (insert 100 + 20, one upsert, one update), answers in order
    assert connector.client.calls - before == 4
    assert len(answers) == 151
    rejected = answers[7]
    assert isinstance(rejected, RecordRejectedError)
    assert rejected.code == "MANDATORY_NOT_FOUND"
    assert "Account_Name" in rejected.detail
    created = [a for a in answers if isinstance(a, WriteResult) and a.created]
    assert len(created) == 149  # 119 inserts and 30 upserts that inserted
    assert answers[-1] == WriteResult(key=existing)
    assert emulator.get("Accounts", existing)["Account_Name"] == "New name"  # type: ignore[index]
    # And no write of ledgerlink's ran a CRM workflow
    assert emulator.workflow_runs == 0


def test_more_than_100_writes_take_one_request_per_hundred(emulator):
    # Given 250 inserts
    connector = _connector(emulator)
    seen: list[int] = []
    original = connector.client.request

    def counting(method, path, **kwargs):  # type: ignore[no-untyped-def]
        if kwargs.get("body") and "data" in kwargs["body"]:
            seen.append(len(kwargs["body"]["data"]))
        return original(method, path, **kwargs)

    connector.client.request = counting  # type: ignore[method-assign]
    # When they are written
    answers = connector.write_many(
        "Accounts", [Write({"Account_Name": f"A{i}"}, f"k{i}") for i in range(250)]
    )
    # Then three requests of at most 100 carried them, every record made
    assert seen == [100, 100, 50]
    assert all(isinstance(a, WriteResult) for a in answers)
    assert len(emulator.records("Accounts")) == 250


def test_a_retried_upsert_after_a_lost_answer_updates_instead_of_duplicating(emulator):
    # Given an upsert whose answer is lost once
    connector = _connector(emulator)
    emulator.faults.add(FaultRule(match="upsert Accounts", kind="lose_response"))
    # When the account is created on its external id
    result = connector.create(
        "Accounts",
        {"Account_Name": "Acme"},
        idempotency_key="x",
        external_key=("Zoho_Books_ID", "B1"),
    )
    # Then one account exists, the one answered
    rows = emulator.records("Accounts")
    assert [r["id"] for r in rows] == [result.key]


def test_changes_are_paged_by_keyset_across_equal_stamps(emulator):
    # Given five accounts sharing one stamp and two a minute later
    connector = _connector(emulator)
    first = [emulator.insert("Accounts", {"Account_Name": f"A{i}"}) for i in range(5)]
    emulator.advance_clock(timedelta(minutes=1))
    second = [emulator.insert("Accounts", {"Account_Name": f"B{i}"}) for i in range(2)]
    # When every change is read two at a time, and the changes since the later minute
    everything = list(connector.changed_since("Accounts", None, ["Account_Name"], page_size=2))
    later = list(
        connector.changed_since("Accounts", START + timedelta(minutes=1), ["Account_Name"], 2)
    )
    # Then each record comes once, oldest first, ties by id, and four COQL pages were read
    assert [r.key for r in everything] == first + second
    assert [r.key for r in later] == second
    assert emulator.calls.count("query", "Accounts") == 4 + 1


def test_a_lookup_is_read_as_a_dotted_id_and_written_nested(emulator):
    # Given an account
    connector = _connector(emulator)
    account = emulator.insert("Accounts", {"Account_Name": "Acme"})
    # When a contact is created with the account's id at Account_Name.id
    made = connector.create(
        "Contacts", {"Last_Name": "Lee", "Account_Name.id": account}, idempotency_key="c"
    )
    # Then the CRM links them, and a read gives the lookup back as dotted paths
    read = connector.fetch("Contacts", made.key, ["Last_Name", "Account_Name.id"])
    assert read is not None
    assert read.get("Account_Name.id") == account
    assert read.get("Account_Name.name") == "Acme"


def test_a_lapsed_token_is_refreshed_once_and_the_call_goes_through(emulator):
    # Given a connector holding a token the CRM has since forgotten
    connector = _connector(emulator)
    connector.check_access()
    emulator.accounts.expire_all()
    # When it reads
    connector.org()
    # Then it refreshed its token once (INVALID_TOKEN -> refresh) and read
    assert connector.client.auth.refreshes == 2


def test_a_refused_refresh_token_is_an_authentication_error(emulator):
    # Given a connection whose refresh token the accounts server does not know
    connector = _connector(emulator, refresh_token="1000.bad.token")
    # When it checks its access
    # Then the accounts server's {"error": "invalid_code"} (HTTP 200) is refused credentials
    with pytest.raises(AuthenticationError):
        connector.check_access()


def test_the_org_names_its_home_currency(emulator):
    # Given a CRM whose home currency is INR
    emulator.currency = "INR"
    # When the org is read
    # Then its iso_code says so
    assert _connector(emulator).org()["iso_code"] == "INR"


def test_an_accounts_server_error_page_is_an_api_error_not_a_crash():
    # Given an accounts server answering a gateway's HTML error page (found by make chaos)
    from shared.connectors.base import ApiError
    from shared.connectors.zoho_accounts import ZohoAuth

    page = httpx.Response(502, content=b"<html>Bad Gateway</html>")
    http = httpx.Client(transport=httpx.MockTransport(lambda request: page))
    auth = ZohoAuth(http, "https://accounts.test", "id", "secret", "1000.refresh")
    # When a token is asked for
    # Then the answer is an ApiError the error policy reads (a 502: retried), not a decode error
    with pytest.raises(ApiError) as raised:
        auth.token()
    assert raised.value.status == 502
