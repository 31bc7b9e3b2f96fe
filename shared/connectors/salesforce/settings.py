"""What a connection names about its Salesforce org (settings) and keeps secret (secrets)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, HttpUrl, SecretStr

from shared.models.systems import SystemSecrets, SystemSettings


class SalesforceSettings(SystemSettings):
    system: Literal["salesforce"] = "salesforce"
    login_url: HttpUrl  # token endpoint host: https://login.salesforce.com or My Domain
    org_id: str = Field(pattern=r"^00D[A-Za-z0-9]{12}([A-Za-z0-9]{3})?$")
    client_id: str = Field(min_length=1)
    auth_flow: Literal["client_credentials", "jwt_bearer"] = "client_credentials"
    username: str | None = None  # the integration user, for the JWT bearer flow
    api_version: str = Field(default="62.0", pattern=r"^\d{2}\.\d$")
    # The User Id ledgerlink's writes are made as (the last part of the token's identity URL):
    # an outbound message whose record this user modified last is our own echo, dropped at
    # the door. Unset, every notification is queued.
    integration_user_id: str | None = Field(
        default=None, pattern=r"^005[A-Za-z0-9]{12}([A-Za-z0-9]{3})?$"
    )


class SalesforceSecrets(SystemSecrets):
    client_secret: SecretStr | None = None  # client credentials flow
    private_key: SecretStr | None = None  # PEM, JWT bearer flow
