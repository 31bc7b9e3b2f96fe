"""A Salesforce <-> Intacct connection: the common connection plus this pair's options."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from shared.pairs.salesforce_intacct.project_settings import ProjectOptions


class ContractSettings(BaseModel):
    """Defaults for Intacct contracts built from Salesforce contracts (managed-list values)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    enabled: bool = True
    record_type: str = "Contract"  # Opportunity record type allowed to produce contracts
    sync_only_once: bool = False
    billing_frequency: str = "Monthly"
    payment_term: str | None = "Net 30"
    billing_method: Literal["Fixed price", "Quantity based"] = "Quantity based"
    renewal_template: str | None = None
    currency: str | None = None


class SalesforceIntacctConnection(ProjectOptions):  # a Connection with project options
    erp_polled_objects: tuple[str, ...] = ("CUSTOMER", "CONTACT")
    crm_polled_objects: tuple[str, ...] = ("Account", "Contact")
    contracts: ContractSettings = ContractSettings()
