"""The Zoho CRM emulator speaks Zoho's documented wire: a client written from the docs (plain
httpx here, not ledgerlink's connector) works against it unchanged."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from sandbox.emulators.protocol import ProvisionRequest
from sandbox.emulators.zoho_crm import ZohoCrmEmulator

START = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.fixture
def crm() -> ZohoCrmEmulator:
    return ZohoCrmEmulator(clock=lambda: START)


@pytest.fixture
def api(crm: ZohoCrmEmulator) -> httpx.Client:
    side = crm.provision(ProvisionRequest(webhook_url="http://api.test/w"))
    http = httpx.Client(transport=httpx.WSGITransport(app=crm.wsgi_app))
    # The refresh-token grant, parameters in the query string as the docs' example sends them
    token = http.post(
        f"{side.endpoints['accounts_url']}/oauth/v2/token",
        params={
            "refresh_token": side.endpoints["refresh_token"],
            "client_id": side.endpoints["client_id"],
            "client_secret": side.endpoints["client_secret"],
            "grant_type": "refresh_token",
        },
    ).json()
    assert token["token_type"] == "Bearer"
    assert token["expires_in"] == 3600
    return httpx.Client(
        transport=httpx.WSGITransport(app=crm.wsgi_app),
        base_url=token["api_domain"] + "/crm/v8",
        headers={"Authorization": f"Zoho-oauthtoken {token['access_token']}"},
    )


def test_insert_answers_each_record_in_data_even_when_some_fail(api):
    # Given two records, the second without its mandatory Last_Name
    body = {"data": [{"Last_Name": "Daly", "Email": "p.daly@example.com"}, {"First_Name": "X"}]}
    # When they are inserted
    answer = api.post("/Contacts", json={**body, "trigger": []})
    # Then the answer is 207 with one success and one MANDATORY_NOT_FOUND, in order
    assert answer.status_code == 207
    ok, refused = answer.json()["data"]
    assert ok["code"] == "SUCCESS"
    assert ok["message"] == "record added"
    assert set(ok["details"]) == {
        "Modified_Time",
        "Modified_By",
        "Created_Time",
        "id",
        "Created_By",
    }
    assert refused == {
        "code": "MANDATORY_NOT_FOUND",
        "details": {"api_name": "Last_Name", "json_path": "$.data[1].Last_Name"},
        "message": "required field not found",
        "status": "error",
    }


def test_upsert_says_whether_it_inserted_or_updated_and_on_which_field(api):
    # Given an account upserted once on its unique field
    record = {"Account_Name": "Zylker", "Zoho_Books_ID": "460000000026049"}
    first = api.post(
        "/Accounts/upsert", json={"data": [record], "duplicate_check_fields": ["Zoho_Books_ID"]}
    ).json()["data"][0]
    # When the same is upserted again with a new phone
    second = api.post(
        "/Accounts/upsert",
        json={"data": [{**record, "Phone": "555"}], "duplicate_check_fields": ["Zoho_Books_ID"]},
    ).json()["data"][0]
    # Then the first inserted and the second updated the same record, naming the field
    assert (first["action"], first["duplicate_field"]) == ("insert", None)
    assert (second["action"], second["duplicate_field"]) == ("update", "Zoho_Books_ID")
    assert first["details"]["id"] == second["details"]["id"]


def test_a_unique_field_taken_is_duplicate_data_naming_the_record(api):
    # Given an account holding a unique value
    made = api.post("/Accounts", json={"data": [{"Account_Name": "A", "Zoho_Books_ID": "1"}]})
    # When another is inserted with it
    answer = api.post("/Accounts", json={"data": [{"Account_Name": "B", "Zoho_Books_ID": "1"}]})
    # Then it is refused (400: every record failed) with the duplicate's id
    assert answer.status_code == 400
    refused = answer.json()["data"][0]
    assert refused["code"] == "DUPLICATE_DATA"
    assert refused["details"]["duplicate_record"]["id"] == made.json()["data"][0]["details"]["id"]


def test_get_records_needs_fields_reads_ids_and_answers_204_when_empty(api):
    # Given two accounts
    ids = [
        api.post("/Accounts", json={"data": [{"Account_Name": n}]}).json()["data"][0]["details"][
            "id"
        ]
        for n in ("A", "B")
    ]
    # When records are read without fields, by ids, and by an id no record has
    missing = api.get("/Accounts")
    both = api.get("/Accounts", params={"ids": ",".join(ids), "fields": "Account_Name"})
    none = api.get("/Accounts", params={"ids": "4150868000000000001", "fields": "Account_Name"})
    # Then fields is required, the ids come with id and the field, and nothing is 204
    assert missing.status_code == 400
    assert missing.json()["code"] == "REQUIRED_PARAM_MISSING"
    assert sorted(r["id"] for r in both.json()["data"]) == sorted(ids)
    assert set(both.json()["data"][0]) == {"id", "Account_Name"}
    assert both.json()["info"]["more_records"] is False
    assert none.status_code == 204


def test_if_modified_since_and_coql_read_changes(api, crm):
    # Given one account, then another a minute later
    api.post("/Accounts", json={"data": [{"Account_Name": "Old"}]})
    crm.advance_clock(timedelta(minutes=1))
    api.post("/Accounts", json={"data": [{"Account_Name": "New"}]})
    # When the changes since between them are read both ways
    since = (START + timedelta(seconds=30)).isoformat()
    header = api.get(
        "/Accounts", params={"fields": "Account_Name"}, headers={"If-Modified-Since": since}
    )
    query = api.post(
        "/coql",
        json={
            "select_query": "select Account_Name, Modified_Time from Accounts "
            f"where Modified_Time >= '{since}' order by Modified_Time asc limit 0, 10"
        },
    )
    # Then both give the new one only; COQL with its count and more_records
    assert [r["Account_Name"] for r in header.json()["data"]] == ["New"]
    assert [r["Account_Name"] for r in query.json()["data"]] == ["New"]
    assert query.json()["info"] == {"count": 1, "more_records": False}


def test_an_unknown_token_is_invalid_token(crm):
    # Given a request with a token the accounts server never gave
    http = httpx.Client(transport=httpx.WSGITransport(app=crm.wsgi_app))
    answer = http.get(
        f"{crm.base_url}/crm/v8/org", headers={"Authorization": "Zoho-oauthtoken 1000.nope"}
    )
    # Then it is 401 INVALID_TOKEN
    assert answer.status_code == 401
    assert answer.json() == {
        "code": "INVALID_TOKEN",
        "details": {},
        "message": "invalid oauth token",
        "status": "error",
    }


def test_a_watched_module_calls_back_with_ids_and_token_until_the_channel_lapses(api, crm):
    # Given a channel watching Accounts for a day at most, as the docs' example subscribes
    expiry = (START + timedelta(hours=2)).isoformat()
    watch = {
        "watch": [
            {
                "channel_id": "1000000068001",
                "events": ["Accounts.all"],
                "channel_expiry": expiry,
                "token": "TOKEN_FOR_VERIFICATION_OF_1000000068001",
                "notify_url": "http://listener.test/callback?key1=val1",
            }
        ]
    }
    answer = api.post("/actions/watch", json=watch).json()["watch"][0]
    assert answer["code"] == "SUCCESS"
    assert answer["details"]["events"][0]["resource_name"] == "Accounts"
    # When an account is inserted, and again after the channel lapsed
    made = api.post("/Accounts", json={"data": [{"Account_Name": "A"}]}).json()["data"][0]
    received: list[dict] = []

    def listen(request: httpx.Request) -> httpx.Response:
        received.append(json.loads(request.content))
        return httpx.Response(200)

    listener = httpx.Client(transport=httpx.MockTransport(listen))
    crm.background_work(listener)
    crm.advance_clock(timedelta(hours=3))
    api.post("/Accounts", json={"data": [{"Account_Name": "B"}]})
    crm.background_work(listener)
    # Then one callback came, naming the record, the channel and the token, not the values
    assert len(received) == 1
    callback = received[0]
    assert callback["ids"] == [made["details"]["id"]]
    assert callback["operation"] == "insert"
    assert callback["module"] == "Accounts"
    assert callback["channel_id"] == "1000000068001"
    assert callback["token"] == "TOKEN_FOR_VERIFICATION_OF_1000000068001"
    assert callback["query_params"] == {"key1": "val1"}
    assert "Account_Name" not in callback


def test_bad_paging_is_invalid_data_not_a_crash(api):
    # Given a read asking for a page that is no number
    answer = api.get("/Accounts", params={"fields": "Account_Name", "per_page": "many"})
    # Then it is refused as the API refuses bad parameters
    assert answer.status_code == 400
    assert answer.json()["code"] == "INVALID_DATA"


def test_the_metadata_an_sdk_reads_first_is_served(api):
    # Given the calls a client SDK makes before any record call
    modules = api.get("/settings/modules").json()["modules"]
    fields = api.get("/settings/fields", params={"module": "Deals"}).json()["fields"]
    user = api.get("/users", params={"type": "CurrentUser"}).json()["users"][0]
    org = api.get("/org").json()["org"][0]
    # Then they describe the modules, the Deals pipeline's stages, the user and the org
    assert {"Accounts", "Contacts", "Vendors", "Products", "Deals"} <= {
        m["api_name"] for m in modules
    }
    stage = next(f for f in fields if f["api_name"] == "Stage")
    assert stage["system_mandatory"] is True
    assert "Closed Won" in [v["actual_value"] for v in stage["pick_list_values"]]
    assert user["status"] == "active"
    assert org["iso_code"] == "USD"
