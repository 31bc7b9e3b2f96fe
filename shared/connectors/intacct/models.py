"""Shapes of what the Intacct XML gateway sends back."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class GatewayError(BaseModel):
    """One ``<error>`` of an ``<errormessage>``."""

    model_config = ConfigDict(frozen=True)

    errorno: str = ""
    description: str = ""
    description2: str = ""
    correction: str = ""

    def text(self) -> str:
        parts = [self.description, self.description2, self.correction]
        return " ".join(p.strip() for p in parts if p and p.strip()) or self.errorno


class FunctionResult(BaseModel):
    """One ``<result>``: status, the function's controlid, its records or its errors."""

    model_config = ConfigDict(frozen=True)

    status: str
    function: str
    controlid: str
    records: list[dict[str, Any]] = Field(default_factory=list)
    errors: list[GatewayError] = Field(default_factory=list)
    # <data> attributes: listtype, count, totalcount, numremaining, offset, resultId
    data_attributes: dict[str, str] = Field(default_factory=dict)
    key: str | None = None  # what a legacy (2.1) create answers instead of <data>

    @property
    def ok(self) -> bool:
        return self.status == "success"

    @property
    def numremaining(self) -> int:
        return int(self.data_attributes.get("numremaining", "0") or 0)


class Session(BaseModel):
    model_config = ConfigDict(frozen=True)

    sessionid: str
    endpoint: str
