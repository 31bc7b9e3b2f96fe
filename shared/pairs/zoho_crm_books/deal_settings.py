"""A Zoho CRM <-> Zoho Books connection's deal trigger: which Books document a deal's stage
sets off (Zoho Finance Suite's "CRM trigger points" for Zoho Books).

``deal_trigger``:

- ``estimate_by_stage``: an estimate is created when a deal reaches ``deal_stages.
  estimate_create``, marked accepted at ``estimate_accept`` and declined at
  ``estimate_decline`` (Books' estimate statuses; a draft is marked sent first);
- ``invoice_by_outcome``: an invoice is created when the deal reaches ``deal_stages.won``
  and voided when it reaches one of ``deal_stages.lost``;
- ``none`` (the default).
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator


class DealTrigger(StrEnum):
    ESTIMATE_BY_STAGE = "estimate_by_stage"
    INVOICE_BY_OUTCOME = "invoice_by_outcome"
    NONE = "none"


class DealStages(BaseModel):
    """The deal stages (``Stage`` picklist values) each trigger point watches."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    estimate_create: str = Field(default="Proposal/Price Quote", min_length=1)
    estimate_accept: str = Field(default="Closed Won", min_length=1)
    estimate_decline: str = Field(default="Closed Lost", min_length=1)
    won: str = Field(default="Closed Won", min_length=1)
    lost: tuple[str, ...] = ("Closed Lost", "Closed-Lost to Competition")

    @model_validator(mode="after")
    def _distinct(self) -> DealStages:
        estimate = (self.estimate_create, self.estimate_accept, self.estimate_decline)
        if len(set(estimate)) != len(estimate):
            raise ValueError(
                "deal_stages: estimate_create, estimate_accept and estimate_decline must be "
                "three different stages"
            )
        if self.won in self.lost:
            raise ValueError(f"deal_stages: '{self.won}' cannot be both won and lost")
        return self
