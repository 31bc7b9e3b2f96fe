"""What a connection names about its Zoho CRM org (settings) and keeps secret (secrets)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, HttpUrl, SecretStr

from shared.models.systems import SystemSecrets, SystemSettings


class ZohoCrmSettings(SystemSettings):
    system: Literal["zoho_crm"] = "zoho_crm"
    # The accounts server of the org's data centre: https://accounts.zoho.com (.eu, .in …).
    # The API's own base URL comes back with each access token (``api_domain``).
    accounts_url: HttpUrl
    client_id: str = Field(min_length=1)
    # The Notification API channel ledgerlink opens for this connection (a number Zoho echoes
    # in every callback); set-up subscribes it and a job renews it before it lapses.
    channel_id: str = Field(default="1000000068001", pattern=r"^[0-9]{1,18}$")
    # Where the CRM sends the channel's callbacks: this connection's webhook door,
    # ``https://<api>/webhooks/<connection_id>/zoho_crm``. None: no channel, polling only.
    notify_url: HttpUrl | None = None


class ZohoCrmSecrets(SystemSecrets):
    client_secret: SecretStr
    refresh_token: SecretStr
