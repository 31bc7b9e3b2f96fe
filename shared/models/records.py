"""What connectors read and write, in one shape for every system."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from shared.models.events import RecordRef


class SourceRecord(BaseModel):
    """A record as read from a system, with nested fields flattened to dotted paths.

    ``key`` is the identity ledgerlink links by (Salesforce Id; Intacct CUSTOMERID,
    CONTACTNAME ...); ``internal_id`` is the system's own row id when it differs (RECORDNO).
    """

    model_config = ConfigDict(frozen=True)

    ref: RecordRef
    fields: dict[str, Any]
    modified_at: datetime | None = None
    internal_id: str | None = None
    deleted: bool = False

    @property
    def key(self) -> str:
        return self.ref.record_id

    def get(self, name: str) -> Any:
        return self.fields.get(name)


class WriteResult(BaseModel):
    """The answer to a create/update: the record's key and internal id in the target system."""

    model_config = ConfigDict(frozen=True)

    key: str
    internal_id: str | None = None
    created: bool = False
    # The record as it stands after the write, where the write asked for it (``Write.
    # read_back``) and the connector could read it in the write's own request.
    record: SourceRecord | None = None
