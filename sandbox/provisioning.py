"""The demo connection: what an operator would set up for real.

ledgerlink's own door secrets are made here; each emulator makes its system's credentials
itself (:meth:`sandbox.emulators.protocol.Emulator.provision`) and answers a
``ProvisionedSide``. :func:`connection_from_sides` is the one place that turns those sides
into today's ``Connection`` and ``ConnectionSecrets``.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field

from pydantic import SecretStr

from sandbox.emulators.protocol import ProvisionedSide, ProvisionRequest
from shared.models.connection import (
    Connection,
    ConnectionSecrets,
    IntacctSettings,
    SalesforceSettings,
)
from shared.runtime import Runtime

OUTBOUND_OBJECTS: dict[str, list[str]] = {
    "Account": ["Id", "Name", "SystemModstamp"],
    "Contact": ["Id", "LastName", "SystemModstamp"],
}
# Per system: the objects whose changes it pushes to ledgerlink (and the fields it sends).
WATCHED_OBJECTS: dict[str, dict[str, list[str]]] = {"salesforce": OUTBOUND_OBJECTS}


@dataclass(frozen=True)
class DemoCredentials:
    """The connection's id and door secrets, and each system's side once provisioned."""

    connection_id: str = "demo"
    webhook_token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    action_secret: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    sides: dict[str, ProvisionedSide] = field(default_factory=dict)

    # What people acting through the vendors' APIs (sandbox/users.py) sign in with.
    @property
    def sf_client_secret(self) -> str:
        return self.sides["salesforce"].secrets["client_secret"]

    @property
    def intacct_sender_password(self) -> str:
        return self.sides["intacct"].secrets["sender_password"]

    @property
    def intacct_user_password(self) -> str:
        return self.sides["intacct"].secrets["user_password"]


def webhook_url(api_url: str, creds: DemoCredentials, system: str = "salesforce") -> str:
    return f"{api_url}/webhooks/{creds.connection_id}/{system}?token={creds.webhook_token}"


def provision_request(api_url: str, creds: DemoCredentials, system: str) -> ProvisionRequest:
    return ProvisionRequest(
        webhook_url=webhook_url(api_url, creds, system),
        watched_objects=WATCHED_OBJECTS.get(system, {}),
    )


def connection_from_sides(
    creds: DemoCredentials, sides: Mapping[str, ProvisionedSide]
) -> tuple[Connection, ConnectionSecrets]:
    """The adapter from provisioned sides to today's connection model (and its secret)."""
    crm, erp = sides["salesforce"], sides["intacct"]
    connection = Connection(
        connection_id=creds.connection_id,
        salesforce=SalesforceSettings.model_validate(crm.settings),
        intacct=IntacctSettings.model_validate(erp.settings),
        poll_overlap_s=5,
    )
    secret = ConnectionSecrets(
        webhook_token=SecretStr(creds.webhook_token),
        action_secret=SecretStr(creds.action_secret),
        salesforce_client_secret=SecretStr(crm.secrets["client_secret"]),
        intacct_sender_password=SecretStr(erp.secrets["sender_password"]),
        intacct_user_password=SecretStr(erp.secrets["user_password"]),
    )
    return connection, secret


def connection_secrets(creds: DemoCredentials) -> ConnectionSecrets:
    """The secret stored for the provisioned demo connection."""
    return connection_from_sides(creds, creds.sides)[1]


def register(runtime: Runtime, connection: Connection, secret: ConnectionSecrets) -> None:
    runtime.connections.put(connection)
    runtime.secrets.put(connection.connection_id, secret)
