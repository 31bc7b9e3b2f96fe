"""Shapes of what the Salesforce REST API sends and takes."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class TokenResponse(BaseModel):
    """POST /services/oauth2/token success body."""

    model_config = ConfigDict(extra="ignore")

    access_token: str
    instance_url: str
    token_type: str = "Bearer"  # noqa: S105 - the OAuth token type, not a secret
    issued_at: str | None = None
    id: str | None = None


class ApiErrorItem(BaseModel):
    """One element of the REST error array ``[{message, errorCode, fields}]``."""

    model_config = ConfigDict(extra="ignore")

    message: str = ""
    errorCode: str = ""  # noqa: N815 - the API's name
    fields: list[str] = Field(default_factory=list)


class SaveResult(BaseModel):
    """Answer to create / upsert: ``{id, success, errors, created?}``."""

    model_config = ConfigDict(extra="ignore")

    id: str
    success: bool = True
    errors: list[ApiErrorItem] = Field(default_factory=list)
    created: bool | None = None


class SaveError(BaseModel):
    """One element of a collection SaveResult's ``errors``: ``{statusCode, message, fields}``
    (REST API Developer Guide, "sObject Collections": the per-record answer)."""

    model_config = ConfigDict(extra="ignore")

    statusCode: str = ""  # noqa: N815 - the API's name
    message: str = ""
    fields: list[str] = Field(default_factory=list)


class CollectionResult(BaseModel):
    """One record's answer in an sObject Collections reply, in request order: ``{id,
    success, errors, created?}`` (a failed create or upsert has no ``id``)."""

    model_config = ConfigDict(extra="ignore")

    id: str | None = None
    success: bool
    errors: list[SaveError] = Field(default_factory=list)
    created: bool | None = None


class QueryPage(BaseModel):
    model_config = ConfigDict(extra="ignore")

    totalSize: int  # noqa: N815
    done: bool
    records: list[dict[str, Any]]
    nextRecordsUrl: str | None = None  # noqa: N815


class CompositeAnswer(BaseModel):
    """One subrequest's answer in a Composite response (REST API Developer Guide,
    "Composite Response Body"): its body, status and reference id."""

    model_config = ConfigDict(extra="ignore")

    body: Any = None
    httpStatusCode: int  # noqa: N815
    referenceId: str  # noqa: N815
