"""Injected faults as they look on the wire, the call log, and the admin endpoints."""

from __future__ import annotations

import time

import pytest

from sandbox.emulators.faults import FaultRule
from sandbox.emulators.salesforce import SalesforceEmulator
from tests.unit.emulators.salesforce.helpers import (
    CLIENT_ID,
    CLIENT_SECRET,
    DATA,
    create,
    error_of,
    login,
    stored,
)


def test_rate_limit_answers_403_request_limit_exceeded(api, emu: SalesforceEmulator):
    # Given a rate-limit fault on account reads
    account_id = create(api, "Account", Name="Acme")
    emu.faults.add(FaultRule(match="GET Account", kind="rate_limit"))
    # When the account is read twice
    limited = api.get(f"{DATA}/sobjects/Account/{account_id}")
    fine = api.get(f"{DATA}/sobjects/Account/{account_id}")
    # Then the first answer is the platform's limit error and the fault is used up
    assert limited.status_code == 403
    assert limited.json() == [
        {
            "message": "TotalRequests Limit exceeded.",
            "errorCode": "REQUEST_LIMIT_EXCEEDED",
        }
    ]
    assert fine.status_code == 200


@pytest.mark.parametrize(
    ("status", "code"), [(503, "SERVER_UNAVAILABLE"), (500, "UNKNOWN_EXCEPTION")]
)
def test_http_errors_look_like_the_platforms(api, emu: SalesforceEmulator, status, code):
    # Given a server-error fault on account creates
    emu.faults.add(FaultRule(match="POST Account", kind="http_error", status=status))
    # When an account is created
    answer = api.post(f"{DATA}/sobjects/Account", json={"Name": "Acme"})
    # Then the error is answered and nothing is written
    assert answer.status_code == status
    assert error_of(answer)["errorCode"] == code
    assert emu.records("Account") == []


def test_lose_response_applies_the_write_then_answers_504(api, emu: SalesforceEmulator):
    # Given a lost-response fault on account updates
    account_id = create(api, "Account", Name="Acme")
    emu.faults.add(FaultRule(match="PATCH Account", kind="lose_response"))
    # When the account is updated
    answer = api.patch(f"{DATA}/sobjects/Account/{account_id}", json={"Name": "Acme 2"})
    # Then the client sees a bare 504, but the change was made
    assert answer.status_code == 504
    assert answer.content == b""
    assert stored(emu, "Account", account_id)["Name"] == "Acme 2"


def test_expire_session_forces_a_new_token(api, emu: SalesforceEmulator):
    # Given an expire-session fault on account queries
    emu.faults.add(FaultRule(match="QUERY Account", kind="expire_session"))
    # When a query runs, then runs again with the same token
    first = api.get(f"{DATA}/query", params={"q": "SELECT Id FROM Account"})
    second = api.get(f"{DATA}/query", params={"q": "SELECT Id FROM Account"})
    # Then both are 401: the session is gone until the client logs in again
    assert first.status_code == second.status_code == 401
    assert error_of(first)["errorCode"] == "INVALID_SESSION_ID"
    api.headers["Authorization"] = f"Bearer {login(api)}"
    assert api.get(f"{DATA}/query", params={"q": "SELECT Id FROM Account"}).status_code == 200


def test_latency_delays_then_answers(api, emu: SalesforceEmulator):
    # Given a short latency fault that fires twice on any query
    emu.faults.add(FaultRule(match="QUERY *", kind="latency", latency_s=0.05, times=2))
    # When a query runs
    started = time.monotonic()
    answer = api.get(f"{DATA}/query", params={"q": "SELECT Id FROM Contact"})
    # Then it answers normally, late
    assert answer.status_code == 200
    assert time.monotonic() - started >= 0.05


def test_composite_faults_match_the_record_type(api, emu: SalesforceEmulator):
    # Given a fault on account collections
    emu.faults.add(FaultRule(match="COMPOSITE Account", kind="http_error", status=503))
    # When accounts are created through a collection
    answer = api.post(
        f"{DATA}/composite/sobjects",
        json={"records": [{"attributes": {"type": "Account"}, "Name": "A"}]},
    )
    # Then the fault fires
    assert answer.status_code == 503


def test_token_faults(client, emu: SalesforceEmulator):
    # Given a server error on the token endpoint
    emu.faults.add(FaultRule(match="TOKEN", kind="http_error", status=503))
    form = {
        "grant_type": "client_credentials",
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
    }
    # When a token is asked for twice
    failed = client.post("/services/oauth2/token", data=form)
    ok = client.post("/services/oauth2/token", data=form)
    # Then the first fails with an OAuth-shaped body, the second succeeds
    assert failed.status_code == 503
    assert failed.json() == {"error": "unknown_error", "error_description": "retry your request"}
    assert ok.status_code == 200


def test_the_call_log_records_each_operation(api, emu: SalesforceEmulator):
    # Given a cleared log
    emu.calls.clear()
    # When an account is created, updated, queried, and a create fails
    account_id = create(api, "Account", Name="Acme")
    api.patch(f"{DATA}/sobjects/Account/{account_id}", json={"Phone": "1"})
    api.get(f"{DATA}/query", params={"q": "SELECT Id FROM Account"})
    api.post(f"{DATA}/sobjects/Account", json={})
    # Then each operation is logged with its outcome
    calls = [(c.op, c.target, c.ok) for c in emu.calls.all()]
    assert calls == [
        ("create", "Account", True),
        ("update", "Account", True),
        ("query", "Account", True),
        ("create", "Account", False),
    ]
    assert [c.record_id for c in emu.calls.writes("Account")] == [account_id, account_id]


def test_admin_endpoints_drive_the_emulator(client, emu: SalesforceEmulator):
    # Given the admin API (no session needed)
    # When a fault is added over HTTP
    added = client.post(
        "/__admin__/faults", json={"match": "GET Account", "kind": "http_error", "status": 500}
    )
    # Then it is in force
    assert added.status_code == 201
    assert emu.faults.take("GET Account") is not None
    # When a record is seeded and listed
    seeded = client.post("/__admin__/records/Account", json={"Name": "Seeded"}).json()["id"]
    listed = client.get("/__admin__/records/Account").json()
    # Then the list has it, rendered like the API
    assert [(r["Id"], r["Name"]) for r in listed] == [(seeded, "Seeded")]
    assert listed[0]["attributes"]["type"] == "Account"
    # When a bad fault rule is posted
    bad = client.post("/__admin__/faults", json={"match": "X", "colour": "red"})
    # Then it is refused
    assert bad.status_code == 400
    # When the calls are read and the org reset
    assert isinstance(client.get("/__admin__/calls").json(), list)
    assert client.post("/__admin__/reset").json() == {"reset": True}
    # Then the records are gone but the org is usable again
    assert client.get("/__admin__/records/Account").json() == []
    assert login(client)


def test_admin_deliver_reports_what_was_acked(client, emu: SalesforceEmulator):
    # Given nothing queued
    # When delivery is triggered over HTTP
    answer = client.post("/__admin__/outbound/deliver")
    # Then it reports zero acked and zero pending
    assert answer.json() == {"acked": 0, "pending": 0}


def test_reset_keeps_apps_users_and_rules(api, emu: SalesforceEmulator):
    # Given an org with data, a rule and a user
    create(api, "Account", Name="Acme")
    user_id = emu.add_user("someone@example.com")
    emu.add_outbound_message("acct", "Account", ["Name"], "http://listener.test/")
    # When it is reset
    emu.reset()
    # Then records are gone, the user keeps its id, the rule still fires
    assert emu.records("Account") == []
    assert stored(emu, "User", user_id)["Username"] == "someone@example.com"
    emu.insert("Account", {"Name": "New"})
    assert emu.pending_outbound() == 1
    assert len(emu.records("Pricebook2")) == 1


def test_timeout_answers_504_without_running(api, emu: SalesforceEmulator):
    # Given a timeout on account creates
    emu.faults.add(FaultRule(match="POST Account", kind="timeout"))
    # When an account is created
    answer = api.post(f"{DATA}/sobjects/Account", json={"Name": "Acme"})
    # Then the edge answers 504 and, unlike a lost answer, nothing was written
    assert answer.status_code == 504
    assert emu.records("Account") == []
    assert emu.calls.writes("Account") == []


def test_rate_limit_sends_no_retry_after(api, emu: SalesforceEmulator):
    # Given a rate limit whose rule asks for a wait (Salesforce documents no Retry-After)
    emu.faults.add(FaultRule(match="QUERY Account", kind="rate_limit", retry_after_s=5))
    # When a query runs
    answer = api.get(f"{DATA}/query", params={"q": "SELECT Id FROM Account"})
    # Then it is the platform's 403 with no Retry-After header
    assert answer.status_code == 403
    assert "Retry-After" not in answer.headers


def test_token_rate_limit_is_invalid_grant(client, emu: SalesforceEmulator):
    # Given the login rate is exceeded once
    emu.faults.add(FaultRule(match="TOKEN", kind="rate_limit"))
    form = {
        "grant_type": "client_credentials",
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
    }
    # When a token is asked for
    answer = client.post("/services/oauth2/token", data=form)
    # Then the answer is OAuth's 400 invalid_grant "login rate exceeded"
    assert answer.status_code == 400
    assert answer.json() == {"error": "invalid_grant", "error_description": "login rate exceeded"}
