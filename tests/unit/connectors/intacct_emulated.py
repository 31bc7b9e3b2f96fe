"""The Intacct connector against an in-process emulator, as the connector tests build it."""

from __future__ import annotations

import httpx
from pydantic import SecretStr

from sandbox.emulators.intacct import IntacctEmulator
from sandbox.emulators.protocol import ProvisionRequest
from shared.connectors.intacct.client import IntacctClient
from shared.connectors.intacct.connector import IntacctConnector
from shared.connectors.intacct.settings import IntacctSecrets, IntacctSettings


def connector_on(emu: IntacctEmulator) -> IntacctConnector:
    """A connection provisioned in ``emu`` and a connector signed in to it through httpx."""
    side = emu.provision(ProvisionRequest("http://api.test/webhooks/demo/intacct?token=t", {}))
    secrets = IntacctSecrets(
        sender_password=SecretStr(side.secrets["sender_password"]),
        user_password=SecretStr(side.secrets["user_password"]),
    )
    http = httpx.Client(transport=httpx.WSGITransport(app=emu.wsgi_app))
    return IntacctConnector(
        IntacctClient(http, IntacctSettings.model_validate(side.settings), secrets)
    )
