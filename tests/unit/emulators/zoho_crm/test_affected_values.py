"""The emulator's callbacks with ``return_affected_field_values`` (Zoho CRM API v7/v8 "Update
Specific Information of a Notification": the sample callback of a record update)."""

from __future__ import annotations

import json
from datetime import timedelta

import httpx

from tests.unit.emulators.zoho_crm.conftest import START

CHANNEL = "1000000068001"


def _watch(api: httpx.Client, **options: object) -> None:
    item = {
        "channel_id": CHANNEL,
        "events": ["Accounts.all"],
        "channel_expiry": (START + timedelta(hours=2)).isoformat(),
        "token": "TOKEN_FOR_VERIFICATION_OF_1000000068001",
        "notify_url": "http://listener.test/callback",
        **options,
    }
    answer = api.post("/actions/watch", json={"watch": [item]}).json()["watch"][0]
    assert answer["code"] == "SUCCESS"


def _callbacks(crm) -> list[dict]:
    received: list[dict] = []

    def listen(request: httpx.Request) -> httpx.Response:
        received.append(json.loads(request.content))
        return httpx.Response(200)

    crm.background_work(httpx.Client(transport=httpx.MockTransport(listen)))
    return received


def _account(api: httpx.Client) -> str:
    made = api.post("/Accounts", json={"data": [{"Account_Name": "A", "Phone": "1"}]}).json()
    return str(made["data"][0]["details"]["id"])


def test_an_update_calls_back_with_the_new_values_of_the_fields_it_changed(api, crm):
    # Given a channel asking for the affected fields' values, and an account made under it
    _watch(api, return_affected_field_values=True, notify_on_related_action=False)
    account = _account(api)
    # When the account's phone is changed (its name written again, unchanged)
    api.put("/Accounts", json={"data": [{"id": account, "Phone": "2", "Account_Name": "A"}]})
    inserted, updated = _callbacks(crm)
    # Then the insert's callback names the record only, and the update's gives the changed
    # field and its value as the records API shows it, in Zoho's documented shape
    assert inserted["operation"] == "insert"
    assert "affected_values" not in inserted
    assert updated["operation"] == "update"
    assert updated["affected_fields"] == [{account: ["Phone"]}]
    assert updated["affected_values"] == [{"record_id": account, "values": {"Phone": "2"}}]


def test_a_channel_without_the_option_sends_no_values(api, crm):
    # Given a channel subscribed without return_affected_field_values (its default: false)
    _watch(api)
    account = _account(api)
    # When the account is updated
    api.put("/Accounts", json={"data": [{"id": account, "Phone": "2"}]})
    updated = _callbacks(crm)[-1]
    # Then the callback names the changed field, never its value
    assert updated["affected_fields"] == [{account: ["Phone"]}]
    assert "affected_values" not in updated


def test_a_patch_keeps_the_options_it_does_not_name_and_the_listing_shows_them(api, crm):
    # Given a channel with values on and related notifications off
    _watch(api, return_affected_field_values=True, notify_on_related_action=False)
    # When it is renewed with a PATCH that names only its expiry
    later = (START + timedelta(hours=5)).isoformat()
    patch = {"watch": [{"channel_id": CHANNEL, "channel_expiry": later}]}
    assert api.patch("/actions/watch", json=patch).json()["watch"][0]["code"] == "SUCCESS"
    # Then the listing still shows both options as subscribed
    row = api.get("/actions/watch").json()["watch"][0]
    assert row["return_affected_field_values"] is True
    assert row["notify_on_related_action"] is False


def test_an_option_that_is_no_boolean_is_invalid_data(api):
    # Given a subscription whose return_affected_field_values is a string
    item = {
        "channel_id": CHANNEL,
        "events": ["Accounts.all"],
        "notify_url": "http://listener.test/callback",
        "return_affected_field_values": "yes",
    }
    # When it is sent
    answer = api.post("/actions/watch", json={"watch": [item]}).json()["watch"][0]
    # Then it is refused, naming the key
    assert answer["code"] == "INVALID_DATA"
    assert answer["details"]["api_name"] == "return_affected_field_values"
