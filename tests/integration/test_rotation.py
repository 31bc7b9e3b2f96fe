"""Token rotation without downtime, at the doors: while a rotation is under way a connection
accepts its current and its previous webhook token and action secret; once the previous one is
retired (removed from the secret) it is refused."""

from __future__ import annotations

import time

import pytest

from sandbox.emulators.salesforce import build_outbound_envelope
from sandbox.provisioning import connection_secrets
from sandbox.stories import contract_deal
from shared.ingest.signatures import HEADER, sign
from shared.models.connection import ConnectionSecrets

OLD_TOKEN = "old-webhook-token-retiring"
OLD_SECRET = "old-action-secret-retiring"


def _store(world, **changes) -> None:
    """Write the connection's secret as an operator would, and drop the function's cached copy
    (powertools caches a secret for minutes; a rotation allows for that with its overlap)."""
    body = {**connection_secrets(world.creds), **changes}
    world.runtime.secrets.put(world.creds.connection_id, ConnectionSecrets.model_validate(body))
    world.runtime.__dict__.pop("secrets", None)  # a new container would read it afresh


def _webhook(world, token: str):
    envelope = build_outbound_envelope(
        world.salesforce.org_id,
        "04k000000000001AAA",
        [("04l000000000001AAA", "Account", {"Id": "001000000000001AAA", "Name": "Acme"})],
    )
    url = f"{world.urls.api}/webhooks/{world.creds.connection_id}/salesforce?token={token}"
    return world.http.post(url, content=envelope, headers={"Content-Type": "text/xml"})


@pytest.fixture
def contract_id(world, sf_api, intacct_api) -> str:
    """An activated Salesforce contract, ready for its Sync button."""
    deal = contract_deal(sf_api, intacct_api)
    world.settle()
    return deal.contract_id


def _action(world, secret: str, contract: str):
    body = b"{}"
    url = f"{world.urls.api}/actions/{world.creds.connection_id}/contracts/{contract}/sync"
    signature = sign(secret, body, int(time.time()), url)
    return world.http.post(
        url, content=body, headers={HEADER: signature, "Content-Type": "application/json"}
    )


def test_webhook_accepts_current_and_previous_token_during_rotation(world):
    # Given a rotation under way: the new token is current, the old one still accepted
    _store(world, previous_webhook_token=OLD_TOKEN)
    # When Salesforce sends with either
    current = _webhook(world, world.creds.webhook_token)
    previous = _webhook(world, OLD_TOKEN)
    # Then both are acknowledged, and a token never issued is refused
    assert current.status_code == 200, current.text
    assert previous.status_code == 200, previous.text
    assert _webhook(world, "never-issued").status_code == 403


def test_retired_webhook_token_is_refused(world):
    # Given the rotation finished: the previous token was removed from the secret
    _store(world, previous_webhook_token=OLD_TOKEN)
    assert _webhook(world, OLD_TOKEN).status_code == 200
    _store(world)
    # When the old token is used again
    answer = _webhook(world, OLD_TOKEN)
    # Then it is refused, and the current one still works
    assert answer.status_code == 403
    assert _webhook(world, world.creds.webhook_token).status_code == 200


def test_action_accepts_current_and_previous_secret_during_rotation(world, contract_id):
    # Given a rotation of the action secret under way
    _store(world, previous_action_secret=OLD_SECRET)
    # When the CRM button signs with either secret, or with one never issued
    current = _action(world, world.creds.action_secret, contract_id)
    previous = _action(world, OLD_SECRET, contract_id)
    stranger = _action(world, "never-issued-secret", contract_id)
    # Then both are accepted and the stranger is not
    assert current.status_code == 202, current.text
    assert previous.status_code == 202, previous.text
    assert stranger.status_code == 401


def test_retired_action_secret_is_refused(world, contract_id):
    # Given the previous action secret, accepted until it is retired
    _store(world, previous_action_secret=OLD_SECRET)
    assert _action(world, OLD_SECRET, contract_id).status_code == 202
    _store(world)
    # When a request is signed with it after retirement
    answer = _action(world, OLD_SECRET, contract_id)
    # Then the door refuses it, and the current secret still works
    assert answer.status_code == 401
    assert _action(world, world.creds.action_secret, contract_id).status_code == 202
