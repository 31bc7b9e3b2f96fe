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


class TransactionSettings(BaseModel):
    """ "Create Sales Order": Intacct sales transactions built from Salesforce opportunities."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    record_type: str = "Sales Order"  # Opportunity record type allowed to produce them
    document_type: str = "Sales Order"  # Intacct transaction definition (DOCPARID)
    allow_open: bool = False  # open (not won) opportunities may produce one too
    on_closed_won: bool = False  # reaching Closed Won creates one with no button
    one_per_opportunity: bool = False  # a later press updates the open one, else is refused
    payment_term: str | None = None  # None: the customer's own term


class PriceListSettings(BaseModel):
    """Intacct price lists <-> Salesforce price books: from Intacct (the default) or, with
    ``direction: from_crm``, Salesforce's price books become Intacct order-entry price lists."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    enabled: bool = True
    direction: Literal["from_erp", "from_crm"] = "from_erp"


class SalesforceIntacctConnection(ProjectOptions):  # a Connection with project options
    erp_polled_objects: tuple[str, ...] = ("CUSTOMER", "CONTACT", "ITEM")
    crm_polled_objects: tuple[str, ...] = ("Account", "Contact", "Product2")
    contracts: ContractSettings = ContractSettings()
    transactions: TransactionSettings = TransactionSettings()
    price_lists: PriceListSettings = PriceListSettings()
    # The Salesforce org has multiple currencies (CurrencyIsoCode on records): price book
    # entries keep their Intacct currency, transactions take the opportunity's.
    crm_multi_currency: bool = False
