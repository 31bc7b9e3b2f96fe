"""Both doors refuse what Salesforce would never send and what a stranger might: 4xx with the
reason, nothing queued; and they authenticate before they reveal anything about a
connection."""

from __future__ import annotations

import time

import pytest

from sandbox.emulators.salesforce import build_outbound_envelope
from sandbox.provisioning import webhook_url
from shared.ingest.signatures import HEADER, sign

GOOD_ID = "0015g00000Q2mNsAAJ"


def _envelope(world, sobject="Account", record_id=GOOD_ID):
    return build_outbound_envelope(
        world.salesforce.org_id,
        "04k5g000000AAAAAA0",
        [("04l5g00000DmLkBAAV", sobject, {"Id": record_id})],
    )


@pytest.mark.parametrize(
    ("sobject", "record_id", "named"),
    [
        ("A" * 81, GOOD_ID, "not an sObject type"),
        ("Account", "0" * 256, "not a Salesforce record id"),
        ("Account", "0015g00000Q2mNsAAA", "not a Salesforce record id"),  # bad checksum
        ("Account", "' OR Name != '", "not a Salesforce record id"),
        ("Account", "../../sobjects/User", "not a Salesforce record id"),
        ("../Account", GOOD_ID, "not an sObject type"),
    ],
)
def test_a_forged_notification_is_refused_whole_and_nothing_is_queued(
    world, sobject, record_id, named
):
    # Given an envelope from the right org whose notification Salesforce could never send
    body = _envelope(world, sobject, record_id)
    # When it reaches the webhook door with the right token
    answer = world.http.post(webhook_url(world.urls.api, world.creds), content=body)
    # Then it is refused with a reason naming the notification, and nothing is queued
    assert answer.status_code == 400, answer.text
    assert f"notification 1: {named}" in answer.json()["error"]
    assert world.queued() == 0
    assert world.dead_letters() == []


def test_a_well_formed_notification_still_passes(world):
    answer = world.http.post(webhook_url(world.urls.api, world.creds), content=_envelope(world))
    assert answer.status_code == 200
    assert world.queued() == 1


def test_an_unknown_connection_and_a_wrong_token_get_the_same_answer(world):
    body = _envelope(world)
    api = world.urls.api
    wrong_token = world.http.post(f"{api}/webhooks/demo/salesforce?token=nope", content=body)
    unknown = world.http.post(f"{api}/webhooks/nobody/salesforce?token=nope", content=body)
    assert (wrong_token.status_code, wrong_token.json()) == (unknown.status_code, unknown.json())
    assert wrong_token.status_code == 403
    # A missing token stays 401, for any connection
    assert world.http.post(f"{api}/webhooks/nobody/salesforce", content=body).status_code == 401


def test_an_unknown_connection_and_a_wrong_action_secret_get_the_same_answer(world):
    body = b"{}"
    header = {HEADER: sign("not-the-secret", body, int(time.time()), "/actions/demo/x")}
    api = world.urls.api
    path = "contracts/8005g000001AAAAAA0/sync"
    wrong = world.http.post(f"{api}/actions/demo/{path}", content=body, headers=header)
    unknown = world.http.post(f"{api}/actions/nobody/{path}", content=body, headers=header)
    assert (wrong.status_code, wrong.json()) == (unknown.status_code, unknown.json())
    assert wrong.status_code == 401
