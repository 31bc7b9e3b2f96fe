"""Messages on a workflow's queue: work a CRM user asked for by pressing a button (or that a
change set off), and what came of it. Vendor-neutral: the pair's workflow reads the subject."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field, computed_field

from shared.models.events import RecordRef, new_correlation_id

CONNECTION_ID = r"^[A-Za-z0-9_-]+$"


class WorkflowRequest(BaseModel):
    """Run ``workflow`` for ``subject`` (the record the button was pressed on)."""

    model_config = ConfigDict(frozen=True)

    workflow: str = Field(min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_]*$")
    connection_id: str = Field(min_length=1, max_length=64, pattern=CONNECTION_ID)
    subject: RecordRef
    subject_version: str | None = None  # the subject's modification stamp when pressed
    params: dict[str, str] = Field(default_factory=dict)
    request_id: str = Field(default_factory=lambda: uuid.uuid4().hex)
    requested_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    correlation_id: str = Field(default_factory=new_correlation_id, max_length=64)

    @property
    def group_id(self) -> str:
        return f"{self.connection_id}/{self.subject}"[:128]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def dedup_id(self) -> str:
        """Pressing twice on the same version of a record is one request; where the door
        names the press (``params["press"]``: one signed request), one press is one request."""
        basis = "|".join(
            [
                self.connection_id,
                self.workflow,
                str(self.subject),
                self.params.get("press") or self.subject_version or self.request_id,
            ]
        )
        return hashlib.sha256(basis.encode()).hexdigest()


class WorkflowOutcome(BaseModel):
    """What a workflow did (returned to the handler, stored by idempotency)."""

    model_config = ConfigDict(frozen=True)

    status: str  # a stable status code, as shown in the CRM
    subject: str
    target: str | None = None  # the ERP record made or linked
    created: int = 0  # documents or lines created
    detail: str = ""
