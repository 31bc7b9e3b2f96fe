"""Demo credentials and the demo connection: what an operator would set up for real."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from shared.models.connection import Connection
from shared.pairs.registry import load_connection
from shared.runtime import Runtime
from shared.setup import SetupReport, set_up_connection

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


def connection_config(
    creds: DemoCredentials, salesforce_url: str, org_id: str, intacct_endpoint: str
) -> dict[str, Any]:
    """The demo connection's configuration, as an operator would write it."""
    return {
        "connection_id": creds.connection_id,
        "crm": {
            "system": "salesforce",
            "login_url": salesforce_url,
            "org_id": org_id,
            "client_id": creds.sf_client_id,
        },
        "erp": {
            "system": "intacct",
            "endpoint_url": intacct_endpoint,
            "sender_id": creds.intacct_sender_id,
            "company_id": creds.intacct_company_id,
            "user_id": creds.intacct_user_id,
        },
        "poll_overlap_s": 5,
    }


def build_connection(
    creds: DemoCredentials, salesforce_url: str, org_id: str, intacct_endpoint: str
) -> Connection:
    return load_connection(connection_config(creds, salesforce_url, org_id, intacct_endpoint))


def connection_secrets(creds: DemoCredentials) -> dict[str, Any]:
    return {
        "webhook_token": creds.webhook_token,
        "action_secret": creds.action_secret,
        "crm": {"client_secret": creds.sf_client_secret},
        "erp": {
            "sender_password": creds.intacct_sender_password,
            "user_password": creds.intacct_user_password,
        },
    }


def register(runtime: Runtime, config: dict[str, Any], creds: DemoCredentials) -> SetupReport:
    """Set the demo connection up the way an operator would: checked, then stored."""
    return set_up_connection(runtime, config, connection_secrets(creds))
