"""Shapes of what Zoho CRM's API sends."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


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
