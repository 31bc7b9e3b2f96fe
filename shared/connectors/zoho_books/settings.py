"""What a connection names about its Zoho Books organisation (settings) and keeps secret."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, HttpUrl, SecretStr

from shared.models.systems import SystemSecrets, SystemSettings


class ZohoBooksSettings(SystemSettings):
    system: Literal["zoho_books"] = "zoho_books"
    accounts_url: HttpUrl  # https://accounts.zoho.com (.eu, .in …); the API domain comes back
    client_id: str = Field(min_length=1)
    organization_id: str = Field(pattern=r"^[0-9]{1,20}$")  # sent with every call


class ZohoBooksSecrets(SystemSecrets):
    client_secret: SecretStr
    refresh_token: SecretStr
