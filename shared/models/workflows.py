"""Messages on workflows.fifo: work a CRM user asked for by pressing a button."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field

SALESFORCE_ID = r"^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$"


class ContractSyncRequest(BaseModel):
    """ "Sync to Intacct" was pressed on a Salesforce contract."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["contract_sync"] = "contract_sync"
    connection_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    contract_id: str = Field(pattern=SALESFORCE_ID)
    contract_version: str | None = None  # the contract's SystemModstamp when pressed
    request_id: str = Field(default_factory=lambda: uuid.uuid4().hex)
    requested_at: datetime = Field(default_factory=lambda: datetime.now(UTC))

    @property
    def group_id(self) -> str:
        return f"{self.connection_id}/salesforce/Contract/{self.contract_id}"

    @computed_field  # type: ignore[prop-decorator]
    @property
    def dedup_id(self) -> str:
        """Pressing twice on the same version of a contract is one request."""
        basis = (
            f"{self.connection_id}|{self.contract_id}|{self.contract_version or self.request_id}"
        )
        return hashlib.sha256(basis.encode()).hexdigest()
