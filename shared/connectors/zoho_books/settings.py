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
    # The organisation's API limit: every container's calls are paced under it together
    # (Zoho Books "API Call Limit": 100 requests a minute per organisation)
    requests_per_minute: int = Field(default=100, ge=1, le=10_000)
    # What a create does on meeting its duplicate, per Books object (customers, vendors,
    # items, contact_persons): clone, overwrite (the default) or skip
    # (shared/connectors/zoho_books/duplicates.py). A Zoho CRM <-> Zoho Books connection
    # fills it from its per-module ``on_conflict``.
    on_duplicate: dict[str, Literal["clone", "overwrite", "skip"]] = Field(default_factory=dict)


class ZohoBooksSecrets(SystemSecrets):
    client_secret: SecretStr
    refresh_token: SecretStr
