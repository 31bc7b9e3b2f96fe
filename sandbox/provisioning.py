"""Demo credentials and the demo connection: what an operator would set up for real."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from pydantic import SecretStr

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


@dataclass(frozen=True)
class DemoCredentials:
    connection_id: str = "demo"
    webhook_token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    action_secret: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    sf_client_id: str = "3MVG9sandboxLedgerlinkClientId"
    sf_client_secret: str = field(default_factory=lambda: secrets.token_hex(16))
    sf_username: str = "integration@ledgerlink.example"
    intacct_sender_id: str = "ledgerlink_sandbox"
    intacct_sender_password: str = field(default_factory=lambda: secrets.token_urlsafe(12))
    intacct_company_id: str = "ledgerlink-demo"
    intacct_user_id: str = "xml_gateway"
    intacct_user_password: str = field(default_factory=lambda: secrets.token_urlsafe(12))


def webhook_url(api_url: str, creds: DemoCredentials) -> str:
    return f"{api_url}/webhooks/{creds.connection_id}/salesforce?token={creds.webhook_token}"


def build_connection(
    creds: DemoCredentials, salesforce_url: str, org_id: str, intacct_endpoint: str
) -> Connection:
    return Connection(
        connection_id=creds.connection_id,
        salesforce=SalesforceSettings(
            login_url=salesforce_url,
            org_id=org_id,
            client_id=creds.sf_client_id,
        ),
        intacct=IntacctSettings(
            endpoint_url=intacct_endpoint,
            sender_id=creds.intacct_sender_id,
            company_id=creds.intacct_company_id,
            user_id=creds.intacct_user_id,
        ),
        poll_overlap_s=5,
    )


def connection_secrets(creds: DemoCredentials) -> ConnectionSecrets:
    return ConnectionSecrets(
        webhook_token=SecretStr(creds.webhook_token),
        action_secret=SecretStr(creds.action_secret),
        salesforce_client_secret=SecretStr(creds.sf_client_secret),
        intacct_sender_password=SecretStr(creds.intacct_sender_password),
        intacct_user_password=SecretStr(creds.intacct_user_password),
    )


def register(runtime: Runtime, connection: Connection, creds: DemoCredentials) -> None:
    runtime.connections.put(connection)
    runtime.secrets.put(connection.connection_id, connection_secrets(creds))
