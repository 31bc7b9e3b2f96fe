"""Every text ledgerlink writes for people to read — statuses and refusal reasons shown in a
CRM, and the reasons its doors answer — from one catalogue, by stable code.

Codes never change (a CRM report may filter on a status); texts may, and may be translated:
add a language to ``CATALOGUE`` and pass ``lang``. English is the default and the fallback.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class Status(StrEnum):
    """Workflow statuses written into CRM status fields (stable codes: picklist values)."""

    SYNCED = "Synced"
    LINKED = "Linked to existing Intacct contract"
    SYNCED_ONCE = "Synced (sync only once: later changes are not sent)"
    REFUSED = "Refused"
    ERROR = "Error"
    RETRYING = "Retrying"
    CREATED = "Created"
    UPDATED = "Updated"


class Msg(StrEnum):
    CONTRACT_NOT_ACTIVATED = "contract_not_activated"
    CONTRACT_NEEDS_DATES = "contract_needs_dates"
    CONTRACT_MISSING_IN_ERP = "contract_missing_in_erp"
    CONTRACT_MANY_OPPORTUNITIES = "contract_many_opportunities"
    OPPORTUNITY_WRONG_RECORD_TYPE = "opportunity_wrong_record_type"
    PRODUCTS_WITHOUT_ITEM = "products_without_item"
    NOT_A_LIST_VALUE = "not_a_list_value"
    PROJECT_SYNC_OFF = "project_sync_off"
    LIST_VALUE_UNKNOWN = "list_value_unknown"
    LIST_VALUE_INACTIVE = "list_value_inactive"
    PROJECT_SUBJECT_NOT_FOUND = "project_subject_not_found"
    PROJECT_NEEDS_WON_OPPORTUNITY = "project_needs_won_opportunity"
    PROJECT_NEEDS_ACCOUNT = "project_needs_account"
    CONTRACT_SYNC_OFF = "contract_sync_off"
    CONTRACT_NOT_FOUND = "contract_not_found"
    NOT_A_RECORD_ID = "not_a_record_id"
    CRM_UNREADABLE = "crm_unreadable"
    NO_SUCH_ACTION = "no_such_action"
    SYSTEM_UNAVAILABLE = "system_unavailable"
    OPPORTUNITY_NOT_FOUND = "opportunity_not_found"
    OPPORTUNITY_NOT_WON = "opportunity_not_won"
    OPPORTUNITY_HAS_TRANSACTION = "opportunity_has_transaction"
    OPPORTUNITY_WITHOUT_LINES = "opportunity_without_lines"
    OPPORTUNITY_LINES_REMOVED = "opportunity_lines_removed"
    ERP_REFUSED = "erp_refused"


CATALOGUE: dict[str, dict[Msg, str]] = {
    "en": {
        Msg.CONTRACT_NOT_ACTIVATED: (
            "contract {contract} is {status}: only Activated contracts sync to Intacct"
        ),
        Msg.CONTRACT_NEEDS_DATES: "the contract needs a StartDate and a ContractTerm or EndDate",
        Msg.CONTRACT_MISSING_IN_ERP: (
            "Intacct contract {contract} (named on the Salesforce contract) does not exist"
        ),
        Msg.CONTRACT_MANY_OPPORTUNITIES: (
            "the contract is referenced by {count} opportunities ({ids}); "
            "one opportunity per contract"
        ),
        Msg.OPPORTUNITY_WRONG_RECORD_TYPE: (
            "opportunity {name} ({id}) has record type '{kind}': only '{allowed}' "
            "opportunities produce {produces}"
        ),
        Msg.PRODUCTS_WITHOUT_ITEM: "no Intacct item for {products}",
        Msg.NOT_A_LIST_VALUE: "not a value Intacct accepts: {fields}",
        Msg.PROJECT_SYNC_OFF: "project sync is turned off for this connection",
        Msg.LIST_VALUE_UNKNOWN: "'{value}' is not in Intacct's {list}",
        Msg.LIST_VALUE_INACTIVE: "'{value}' is inactive in Intacct's {list}",
        Msg.PROJECT_SUBJECT_NOT_FOUND: "Salesforce has no {object} {id}",
        Msg.PROJECT_NEEDS_WON_OPPORTUNITY: (
            "opportunity {name} is {stage}: only won opportunities create projects"
        ),
        Msg.PROJECT_NEEDS_ACCOUNT: "{object} {name} has no account: a project needs a customer",
        Msg.CONTRACT_SYNC_OFF: "contract sync is turned off for this connection",
        Msg.CONTRACT_NOT_FOUND: "Salesforce has no contract {contract}",
        Msg.NOT_A_RECORD_ID: "'{value}' is not a {system} {object} id",
        Msg.CRM_UNREADABLE: "{system} could not be read: {reason}",
        Msg.NO_SUCH_ACTION: "no action '{path}' for this connection",
        Msg.SYSTEM_UNAVAILABLE: (
            "{system} is not answering in time ({reason}); nothing was queued, try again later"
        ),
        Msg.OPPORTUNITY_NOT_FOUND: "Salesforce has no opportunity {opportunity}",
        Msg.OPPORTUNITY_NOT_WON: (
            "opportunity {name} is {stage}: only won opportunities produce {produces} "
            "(the connection does not allow open ones)"
        ),
        Msg.OPPORTUNITY_HAS_TRANSACTION: (
            "opportunity {name} already has Intacct transaction {document}: one per "
            "opportunity, and it is {state} in Intacct, no longer open to changes"
        ),
        Msg.OPPORTUNITY_LINES_REMOVED: (
            "opportunity {name} has {products} products and Intacct transaction {document} "
            "has {lines} lines: remove the extra lines in Intacct, then press again"
        ),
        Msg.OPPORTUNITY_WITHOUT_LINES: "opportunity {name} has no products to put on {produces}",
        Msg.ERP_REFUSED: "Intacct refused the {document}: {reason}",
    }
}
DEFAULT_LANGUAGE = "en"


def say(code: Msg, lang: str = DEFAULT_LANGUAGE, **params: Any) -> str:
    """The text of ``code`` in ``lang`` (English where that language lacks it)."""
    template = CATALOGUE.get(lang, {}).get(code) or CATALOGUE[DEFAULT_LANGUAGE][code]
    return template.format(**params)
