"""The Salesforce emulator through its HTTP surface, as a REST client would see it."""

from __future__ import annotations

import time

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from sandbox.emulators.common import FaultRule
from sandbox.emulators.sfdc import SalesforceEmulator
from sandbox.emulators.sfdc.ids import checksum, is_valid

DATA = "/services/data/v62.0"


@pytest.fixture
def emu() -> SalesforceEmulator:
    e = SalesforceEmulator()
    e.add_connected_app("cid", "secret")
    return e


@pytest.fixture
def api(emu):
    client = httpx.Client(
        transport=httpx.WSGITransport(app=emu.wsgi_app), base_url="http://salesforce.test"
    )
    token = client.post(
        "/services/oauth2/token",
        data={"grant_type": "client_credentials", "client_id": "cid", "client_secret": "secret"},
    ).json()
    client.headers["Authorization"] = f"Bearer {token['access_token']}"
    return client


def test_ids_carry_the_case_safe_checksum():
    assert checksum("001A0000006Vm9r") == "IAC"  # a documented example id
    assert is_valid("001A0000006Vm9rIAC")
    assert not is_valid("001A0000006Vm9rAAA")


def test_oauth_errors_have_the_documented_shapes(emu):
    client = httpx.Client(transport=httpx.WSGITransport(app=emu.wsgi_app), base_url="http://s")
    bad_secret = client.post(
        "/services/oauth2/token",
        data={"grant_type": "client_credentials", "client_id": "cid", "client_secret": "x"},
    )
    assert bad_secret.status_code == 400
    assert bad_secret.json() == {
        "error": "invalid_client",
        "error_description": "invalid client credentials",
    }
    unknown = client.post("/services/oauth2/token", data={"grant_type": "password"})
    assert unknown.json()["error"] == "unsupported_grant_type"
    no_token = client.get(f"{DATA}/sobjects/Account/001000000000000AAA")
    assert no_token.status_code == 401
    assert no_token.json()[0]["errorCode"] == "INVALID_SESSION_ID"


def test_jwt_bearer_grant_is_verified_with_the_apps_certificate(emu):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    emu.add_connected_app("jwt-app", "unused", public_key_pem=public.decode())
    emu.add_user("integration@example.com")
    client = httpx.Client(transport=httpx.WSGITransport(app=emu.wsgi_app), base_url="http://s")
    claims = {
        "iss": "jwt-app",
        "sub": "integration@example.com",
        "aud": "https://login.salesforce.com",
        "exp": int(time.time()) + 60,
    }
    assertion = jwt.encode(claims, key, algorithm="RS256")
    ok = client.post(
        "/services/oauth2/token",
        data={"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": assertion},
    )
    assert ok.status_code == 200
    assert ok.json()["token_type"] == "Bearer"
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(claims, other, algorithm="RS256")
    refused = client.post(
        "/services/oauth2/token",
        data={"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": forged},
    )
    assert refused.json()["error"] == "invalid_grant"


def test_create_errors_name_the_fields(api):
    missing = api.post(f"{DATA}/sobjects/Contact", json={"FirstName": "A"})
    assert missing.status_code == 400
    assert missing.json() == [
        {
            "message": "Required fields are missing: [LastName]",
            "errorCode": "REQUIRED_FIELD_MISSING",
            "fields": ["LastName"],
        }
    ]
    unknown = api.post(f"{DATA}/sobjects/Account", json={"Name": "x", "Nope__c": 1})
    assert unknown.json()[0]["errorCode"] == "INVALID_FIELD"
    readonly = api.post(f"{DATA}/sobjects/Account", json={"Name": "x", "CreatedDate": "2020-01-01"})
    assert readonly.json()[0]["errorCode"] == "INVALID_FIELD_FOR_INSERT_UPDATE"
    assert api.get(f"{DATA}/sobjects/Account/001000000000000AAA").status_code == 404


def test_upsert_on_an_external_id_creates_then_updates(api):
    first = api.patch(f"{DATA}/sobjects/Account/Intacct_Customer_ID__c/C-1", json={"Name": "A"})
    again = api.patch(f"{DATA}/sobjects/Account/Intacct_Customer_ID__c/C-1", json={"Name": "B"})
    assert (first.status_code, first.json()["created"]) == (201, True)
    assert (again.status_code, again.json()["created"]) == (200, False)
    assert first.json()["id"] == again.json()["id"]
    dup = api.post(f"{DATA}/sobjects/Account", json={"Name": "C", "Intacct_Customer_ID__c": "C-1"})
    assert dup.json()[0]["errorCode"] == "DUPLICATE_VALUE"


def test_soql_pages_filters_orders_and_follows_relationships(emu, api):
    emu.query_batch_size = 2
    account = api.post(f"{DATA}/sobjects/Account", json={"Name": "Acme"}).json()["id"]
    for name in ("Cy", "Al", "Bo"):
        api.post(f"{DATA}/sobjects/Contact", json={"LastName": name, "AccountId": account})
    soql = (
        "SELECT LastName, Account.Name FROM Contact WHERE Account.Name = 'acme' "
        "AND (LastName LIKE 'A%' OR LastName IN ('Bo', 'Cy')) ORDER BY LastName DESC"
    )
    page = api.get(f"{DATA}/query", params={"q": soql}).json()
    assert (page["totalSize"], page["done"]) == (3, False)
    rest = api.get(page["nextRecordsUrl"]).json()
    names = [r["LastName"] for r in page["records"] + rest["records"]]
    assert names == ["Cy", "Bo", "Al"]
    assert page["records"][0]["Account"]["Name"] == "Acme"
    assert page["records"][0]["attributes"]["type"] == "Contact"
    bad = api.get(f"{DATA}/query", params={"q": "SELECT Nope FROM Account"})
    assert bad.json()[0]["errorCode"] == "INVALID_FIELD"


def test_composite_all_or_none_rolls_back(emu, api):
    body = {
        "allOrNone": True,
        "records": [
            {"attributes": {"type": "Account"}, "Name": "Good"},
            {"attributes": {"type": "Contact"}, "FirstName": "no last name"},
        ],
    }
    results = api.post(f"{DATA}/composite/sobjects", json=body).json()
    assert [r["success"] for r in results] == [False, False]
    assert results[0]["errors"][0]["statusCode"] == "ALL_OR_NONE_OPERATION_ROLLED_BACK"
    assert emu.records("Account") == []


def test_contracts_cannot_be_created_activated_and_derive_their_end_date(api):
    account = api.post(f"{DATA}/sobjects/Account", json={"Name": "A"}).json()["id"]
    refused = api.post(
        f"{DATA}/sobjects/Contract", json={"AccountId": account, "Status": "Activated"}
    )
    assert refused.json()[0]["errorCode"] == "FIELD_INTEGRITY_EXCEPTION"
    cid = api.post(
        f"{DATA}/sobjects/Contract",
        json={
            "AccountId": account,
            "Status": "Draft",
            "StartDate": "2026-01-31",
            "ContractTerm": 1,
        },
    ).json()["id"]
    contract = api.get(f"{DATA}/sobjects/Contract/{cid}").json()
    assert contract["EndDate"] == "2026-02-27"
    assert contract["ContractNumber"].isdigit()


def test_outbound_messages_retry_until_acknowledged(emu, api):
    emu.add_outbound_message("acc", "Account", ["Name"], "http://listener.test/hook")
    emu.outbound.retry_backoff_s = 0
    api.post(f"{DATA}/sobjects/Account", json={"Name": "Acme"})
    answers = iter(
        [
            httpx.Response(500),
            httpx.Response(
                200,
                text=(
                    '<Envelope xmlns="http://schemas.xmlsoap.org/soap/envelope/"><Body>'
                    '<notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound">'
                    "<Ack>true</Ack></notificationsResponse></Body></Envelope>"
                ),
            ),
        ]
    )
    seen: list[bytes] = []

    def listener(request: httpx.Request) -> httpx.Response:
        seen.append(request.content)
        return next(answers)

    client = httpx.Client(transport=httpx.MockTransport(listener))
    assert emu.deliver_outbound(client) == 0
    assert emu.pending_outbound() == 1
    assert emu.deliver_outbound(client) == 1
    assert emu.pending_outbound() == 0
    assert seen[0] == seen[1]  # the same notification id, retried
    assert b"<sf:Name>Acme</sf:Name>" in seen[0]


def test_faults_shape_like_the_api(emu, api):
    emu.faults.add(FaultRule(match="POST Account", kind="rate_limit"))
    limited = api.post(f"{DATA}/sobjects/Account", json={"Name": "x"})
    assert (limited.status_code, limited.json()[0]["errorCode"]) == (403, "REQUEST_LIMIT_EXCEEDED")
    emu.faults.add(FaultRule(match="POST Account", kind="lose_response"))
    lost = api.post(f"{DATA}/sobjects/Account", json={"Name": "kept"})
    assert lost.status_code == 504
    assert [a["Name"] for a in emu.records("Account")] == ["kept"]
