"""A connection: one CRM org paired with one ERP company, and how they sync.

The configuration lives in the state table (no secrets); the secrets live in AWS Secrets
Manager under ``ledgerlink/connections/<connection_id>``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, SecretStr

from shared.mapping.fields import Side
from shared.mapping.overrides import MappingOverride


class ConflictPolicy(StrEnum):
    """Who wins when the same field changed on both sides since the last sync."""

    CRM_WINS = "crm_wins"
    ERP_WINS = "erp_wins"
    NEWEST_WINS = "newest_wins"


class SalesforceSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    login_url: HttpUrl  # token endpoint host: https://login.salesforce.com or My Domain
    org_id: str = Field(pattern=r"^00D[A-Za-z0-9]{12}([A-Za-z0-9]{3})?$")
    client_id: str = Field(min_length=1)
    auth_flow: Literal["client_credentials", "jwt_bearer"] = "client_credentials"
    username: str | None = None  # the integration user, for the JWT bearer flow
    api_version: str = Field(default="62.0", pattern=r"^\d{2}\.\d$")


class IntacctSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    endpoint_url: HttpUrl  # https://api.intacct.com/ia/xml/xmlgw.phtml
    sender_id: str = Field(min_length=1)
    company_id: str = Field(min_length=1)
    user_id: str = Field(min_length=1)
    entity_id: str | None = None  # locationid for multi-entity companies


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


class Connection(BaseModel):
    """Everything non-secret ledgerlink knows about one paired CRM org and ERP company."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    connection_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    pair: Literal["salesforce_intacct"] = "salesforce_intacct"
    salesforce: SalesforceSettings
    intacct: IntacctSettings
    conflict_policy: ConflictPolicy = ConflictPolicy.CRM_WINS
    mappings: dict[str, MappingOverride] = Field(default_factory=dict)
    # Objects the poller reads on each schedule, in order (parents before children). The ERP
    # has no push, so its poll is the only way in; the CRM's poll is the safety net under its
    # outbound messages (Salesforce gives up on one after 24 hours of failed deliveries).
    erp_polled_objects: tuple[str, ...] = ("CUSTOMER", "CONTACT")
    crm_polled_objects: tuple[str, ...] = ("Account", "Contact")
    poll_overlap_s: int = Field(default=60, ge=0, le=3600)
    poll_page_size: int = Field(default=100, ge=1, le=1000)
    contracts: ContractSettings = ContractSettings()
    enabled: bool = True

    def polled(self) -> tuple[tuple[str, Side, tuple[str, ...]], ...]:
        """(setting, side, objects) for each side the poller reads, the ERP first."""
        return (
            ("erp_polled_objects", Side.ERP, self.erp_polled_objects),
            ("crm_polled_objects", Side.CRM, self.crm_polled_objects),
        )


class ConnectionSecrets(BaseModel):
    """The JSON stored in the connection's secret."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    webhook_token: SecretStr
    action_secret: SecretStr
    salesforce_client_secret: SecretStr | None = None
    salesforce_private_key: SecretStr | None = None  # PEM, JWT bearer flow
    intacct_sender_password: SecretStr
    intacct_user_password: SecretStr
