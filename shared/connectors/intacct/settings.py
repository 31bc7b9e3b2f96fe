"""What a connection names about its Sage Intacct company (settings) and keeps secret."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, HttpUrl, SecretStr

from shared.models.systems import SystemSecrets, SystemSettings


class IntacctSettings(SystemSettings):
    system: Literal["intacct"] = "intacct"
    endpoint_url: HttpUrl  # https://api.intacct.com/ia/xml/xmlgw.phtml
    sender_id: str = Field(min_length=1)
    company_id: str = Field(min_length=1)
    user_id: str = Field(min_length=1)
    entity_id: str | None = None  # locationid for multi-entity companies


class IntacctSecrets(SystemSecrets):
    sender_password: SecretStr
    user_password: SecretStr
