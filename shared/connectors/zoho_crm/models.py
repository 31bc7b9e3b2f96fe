"""Shapes of what Zoho CRM's API and accounts server send."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class TokenResponse(BaseModel):
    """``POST {accounts_url}/oauth/v2/token`` success: the access token, good for
    ``expires_in`` seconds, and the ``api_domain`` to send API calls to."""

    model_config = ConfigDict(extra="ignore")

    access_token: str
    api_domain: str
    token_type: str = "Bearer"  # noqa: S105 - the OAuth token type, not a secret
    expires_in: int = 3600


class RecordAnswer(BaseModel):
    """One element of a write's ``data``: ``{code, details, message, status}`` (+ ``action``
    on an upsert)."""

    model_config = ConfigDict(extra="ignore")

    code: str
    status: str
    message: str = ""
    details: dict[str, Any] = Field(default_factory=dict)
    action: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == "success"


class Page(BaseModel):
    """A read's answer: ``data`` and ``info`` (``more_records``, ``next_page_token``)."""

    model_config = ConfigDict(extra="ignore")

    data: list[dict[str, Any]] = Field(default_factory=list)
    info: dict[str, Any] = Field(default_factory=dict)

    @property
    def more(self) -> bool:
        return bool(self.info.get("more_records"))
