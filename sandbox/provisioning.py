"""The demo connection: what an operator would set up for real.

ledgerlink's own door secrets are made here; each emulator makes its system's credentials
itself (:meth:`sandbox.emulators.protocol.Emulator.provision`) and answers a
``ProvisionedSide``. :func:`connection_from_sides` is the one place that turns those sides
into the connection's configuration and secret, which :func:`register` sets up the way an
operator would (``shared.setup.set_up_connection``: checked, then stored).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sandbox.emulators.protocol import ProvisionedSide, ProvisionRequest
from shared.connectors.registry import system as system_plugin
from shared.mapping.fields import Side
from shared.models.connection import Connection
from shared.pairs.registry import load_connection
from shared.pairs.salesforce_intacct.project_settings import PROJECT_CRM_OBJECTS
from shared.runtime import Runtime
from shared.setup import SetupReport, set_up_connection

# Each message names the record's version and who saved it last (our own writes are dropped
# at the door) and when it was created (a creation's copy proves it unlinked by its first write)
_STAMPS = ["SystemModstamp", "LastModifiedById", "CreatedDate"]
OUTBOUND_OBJECTS: dict[str, list[str]] = {
    "Account": ["Id", "Name", *_STAMPS],
    "Contact": ["Id", "LastName", *_STAMPS],
    # the pair's triggers watch opportunities (Closed Won -> Create Sales Order)
    "Opportunity": ["Id", "Name", *_STAMPS],
    **{obj: ["Id", "Name", *_STAMPS] for obj in PROJECT_CRM_OBJECTS},
}
# Per system: the objects whose changes it pushes to ledgerlink (and the fields it sends).
WATCHED_OBJECTS: dict[str, dict[str, list[str]]] = {"salesforce": OUTBOUND_OBJECTS}
# The sandbox's demo connections: connection id -> the (CRM, ERP) systems it joins.
DEMO_CONNECTIONS: dict[str, tuple[str, str]] = {
    "demo": ("salesforce", "intacct"),
    "zoho": ("zoho_crm", "zoho_books"),
}

# Options a demo connection sets beyond its sides (the Zoho one shows its deal trigger).
DEMO_OPTIONS: dict[str, dict[str, Any]] = {"zoho": {"deal_trigger": "invoice_by_outcome"}}
# The API of the in-process world (its httpx mount); a served world names its own.
IN_PROCESS_API_URL = "http://api.test"


@dataclass(frozen=True)
class DemoCredentials:
    """The connection's id and door secrets, and each system's side once provisioned."""

    connection_id: str = "demo"
    webhook_token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    action_secret: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    sides: dict[str, ProvisionedSide] = field(default_factory=dict)
    # The API people's browsers reach: "View Project" links in Salesforce point at it
    api_url: str = IN_PROCESS_API_URL

    # What people acting through the vendors' APIs (sandbox/users.py) sign in with.
    @property
    def sf_client_secret(self) -> str:
        return self.sides["salesforce"].secrets["client_secret"]

    @property
    def sf_people_app(self) -> tuple[str, str]:
        """The connected app people sign in with (not the integration user's)."""
        endpoints = self.sides["salesforce"].endpoints
        return endpoints["people_client_id"], endpoints["people_client_secret"]

    @property
    def intacct_sender_password(self) -> str:
        return self.sides["intacct"].secrets["sender_password"]

    @property
    def intacct_user_password(self) -> str:
        return self.sides["intacct"].secrets["user_password"]

    @property
    def intacct_people_user(self) -> tuple[str, str]:
        """The Intacct user people sign in as (not the integration's Web Services user)."""
        endpoints = self.sides["intacct"].endpoints
        return endpoints["people_user_id"], endpoints["people_user_password"]


def webhook_url(api_url: str, creds: DemoCredentials, system: str = "salesforce") -> str:
    return f"{api_url}/webhooks/{creds.connection_id}/{system}?token={creds.webhook_token}"


def provision_request(api_url: str, creds: DemoCredentials, system: str) -> ProvisionRequest:
    return ProvisionRequest(
        webhook_url=webhook_url(api_url, creds, system),
        watched_objects=WATCHED_OBJECTS.get(system, {}),
    )


def connection_from_sides(
    creds: DemoCredentials, sides: Mapping[str, ProvisionedSide]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The demo connection's configuration and secret, from the provisioned sides: each side
    is the system whose plug-in plays it (the CRM and the ERP)."""
    config: dict[str, Any] = {"connection_id": creds.connection_id, "poll_overlap_s": 5}
    config.update(DEMO_OPTIONS.get(creds.connection_id, {}))
    if {"salesforce", "intacct"} <= set(sides):
        config["projects"] = {"api_url": creds.api_url}
    secret: dict[str, Any] = {
        "webhook_token": creds.webhook_token,
        "action_secret": creds.action_secret,
    }
    for name, side in sides.items():
        role = system_plugin(name).role
        key = "crm" if role is Side.CRM else "erp"
        config[key] = {"system": name, **side.settings}
        secret[key] = dict(side.secrets)
    return config, secret


def build_connection(creds: DemoCredentials) -> Connection:
    return load_connection(connection_from_sides(creds, creds.sides)[0])


def connection_secrets(creds: DemoCredentials) -> dict[str, Any]:
    """The secret stored for the provisioned demo connection."""
    return connection_from_sides(creds, creds.sides)[1]


def register(runtime: Runtime, creds: DemoCredentials) -> SetupReport:
    """Set the demo connection up the way an operator would: checked, then stored."""
    config, secret = connection_from_sides(creds, creds.sides)
    return set_up_connection(runtime, config, secret)
