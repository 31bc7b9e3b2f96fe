"""Zoho CRM notification callbacks at the door: what is refused before anything is queued."""

from __future__ import annotations

import json

import pytest

from shared.connectors.plugin import InboundRequest
from shared.connectors.zoho_crm.settings import ZohoCrmSettings
from shared.connectors.zoho_crm.webhook import NotificationWebhook
from shared.errors import RequestRejectedError

SETTINGS = ZohoCrmSettings(
    accounts_url="https://accounts.zoho.com", client_id="1000.X", channel_id="1000000068001"
)
GOOD = {
    "server_time": 1764446400000,
    "query_params": {},
    "module": "Accounts",
    "resource_uri": "https://www.zohoapis.com/crm/v8/Accounts",
    "ids": ["4150868000000224005", 4150868000000224006],
    "affected_fields": [],
    "operation": "update",
    "channel_id": 1000000068001,
    "token": "t0ken",
}


class Secrets:
    def webhook_tokens(self) -> tuple[str, ...]:
        return ("t0ken", "old-token")


def _request(body: object) -> InboundRequest:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return InboundRequest(query={}, headers={}, body=raw)


def test_a_callback_becomes_one_notice_per_id():
    # Given a callback as Zoho sends it (ids and channel as numbers or strings)
    webhook = NotificationWebhook()
    # When it is authenticated and read
    webhook.authenticate(_request(GOOD), Secrets())
    notices = webhook.notices(_request(GOOD), SETTINGS)
    # Then each id is a hint to re-read that Accounts record
    assert [(n.object, n.record_id) for n in notices] == [
        ("Accounts", "4150868000000224005"),
        ("Accounts", "4150868000000224006"),
    ]
    assert notices[0].source_event_id != notices[1].source_event_id
    assert webhook.answer(2).status == 200


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({**GOOD, "token": None}, 401),
        ({**GOOD, "token": "wrong"}, 403),
        (b"<xml/>", 400),
        ({**GOOD, "ids": []}, 400),
    ],
)
def test_authentication_refuses_what_is_not_our_callback(body, status):
    # Given a callback without our token, or not a callback at all
    # When it is authenticated
    # Then it is refused with the status saying why
    with pytest.raises(RequestRejectedError) as refused:
        NotificationWebhook().authenticate(_request(body), Secrets())
    assert refused.value.status == status


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"channel_id": "42"}, 403),
        ({"ids": ["12ab"]}, 400),
        ({"operation": "merge"}, 400),
        ({"module": "Accounts; drop"}, 400),
    ],
)
def test_reading_refuses_another_channel_and_malformed_ids(change, status):
    # Given an authentic token on a callback for another channel, or with a malformed part
    # When it is read
    # Then nothing becomes a notice
    with pytest.raises(RequestRejectedError) as refused:
        NotificationWebhook().notices(_request({**GOOD, **change}), SETTINGS)
    assert refused.value.status == status


def test_an_update_with_affected_values_carries_each_records_new_values():
    # Given an update callback of a channel subscribed with return_affected_field_values, in
    # the shape of Zoho's documented sample (a lookup's value as {"name", "id"})
    first, second = "4150868000000224005", "4150868000000224006"
    body = {
        **GOOD,
        "ids": [first, second],
        "affected_fields": [{first: ["Phone", "Parent_Account"]}, {second: ["Phone"]}],
        "affected_values": [
            {"record_id": first, "values": {"Phone": "2", "Parent_Account": {"id": "7"}}},
            {"record_id": second, "values": {}},
        ],
    }
    # When it is read
    notices = NotificationWebhook().notices(_request(body), SETTINGS)
    # Then the first notice carries its values as the connector's reads show them, and the
    # second (no value for a field it names) carries none: a plain hint to re-read
    assert notices[0].changed == {"Phone": "2", "Parent_Account.id": "7"}
    assert notices[1].changed is None
    assert not notices[0].created


def test_an_insert_is_a_creation_and_carries_no_values():
    # Given an insert callback (affected_fields empty, as Zoho sends for inserts)
    body = {**GOOD, "operation": "insert"}
    # When it is read
    notices = NotificationWebhook().notices(_request(body), SETTINGS)
    # Then each notice says the record was created, with no values
    assert [(n.created, n.changed) for n in notices] == [(True, None), (True, None)]
