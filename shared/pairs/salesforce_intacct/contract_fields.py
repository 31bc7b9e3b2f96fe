"""Which Salesforce fields the contract workflow reads and writes, and how an Intacct
contract header and its lines are built from them."""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from shared.errors import ValidationFailedError
from shared.mapping.transforms import date_to_mdy
from shared.messages import Msg, say
from shared.pairs.salesforce_intacct.connection import ContractSettings

# Contract fields whose values come from Intacct's managed lists and, when filled, replace
# the connection's default (ContractSettings attribute -> Salesforce field).
MANAGED_LIST_FIELDS = (
    "Intacct_Billing_Frequency__c",
    "Intacct_Billing_Method__c",
    "Intacct_Payment_Term__c",
    "Intacct_Renewal_Template__c",
)
_CHOSEN = {
    "billing_frequency": "Intacct_Billing_Frequency__c",
    "billing_method": "Intacct_Billing_Method__c",
    "payment_term": "Intacct_Payment_Term__c",
    "renewal_template": "Intacct_Renewal_Template__c",
}

CONTRACT_FIELDS = (
    "Id",
    "AccountId",
    "Account.Name",
    "Status",
    "StartDate",
    "EndDate",
    "ContractTerm",
    "ContractNumber",
    "Description",
    "Intacct_Contract_ID__c",
    "Intacct_Sync_Status__c",
    *MANAGED_LIST_FIELDS,
)
OPPORTUNITY_FIELDS = (
    "Id",
    "Name",
    "AccountId",
    "RecordTypeId",
    "RecordType.Name",
    "RecordType.DeveloperName",
    "Pricebook2Id",
)
LINE_FIELDS = (
    "Id",
    "OpportunityId",
    "Product2Id",
    "Product2.Name",
    "Product2.ProductCode",
    "Product2.Intacct_Item_ID__c",
    "Quantity",
    "UnitPrice",
    "TotalPrice",
    "ServiceDate",
    "Description",
)


def contract_end(fields: Mapping[str, Any]) -> date | None:
    """EndDate, or StartDate + ContractTerm months - 1 day (Salesforce's own rule)."""
    if fields.get("EndDate"):
        return date.fromisoformat(str(fields["EndDate"])[:10])
    start, term = fields.get("StartDate"), fields.get("ContractTerm")
    if not start or not term:
        return None
    begin = date.fromisoformat(str(start)[:10])
    months = begin.month - 1 + int(term)
    year, month = begin.year + months // 12, months % 12 + 1
    day = min(begin.day, monthrange(year, month)[1])
    return date.fromordinal(date(year, month, day).toordinal() - 1)


def contract_name(fields: Mapping[str, Any]) -> str:
    """Unique per Salesforce org (ContractNumber is an auto-number): also how a lost create
    is found again."""
    account = fields.get("Account.Name") or "Contract"
    return f"{account} - SF {fields.get('ContractNumber') or fields['Id']}"[:100]


def chosen_settings(fields: Mapping[str, Any], defaults: ContractSettings) -> ContractSettings:
    """The connection's defaults, with what the Salesforce contract chose from Intacct's
    managed lists in their place. A value Intacct does not know is Intacct's to refuse."""
    chosen = {
        setting: str(fields[name]).strip()
        for setting, name in _CHOSEN.items()
        if fields.get(name) and str(fields[name]).strip()
    }
    try:
        return ContractSettings.model_validate({**defaults.model_dump(), **chosen})
    except ValidationError as exc:
        wrong = ", ".join(_CHOSEN[str(e["loc"][0])] for e in exc.errors() if e["loc"])
        raise ValidationFailedError(say(Msg.NOT_A_LIST_VALUE, fields=wrong)) from exc


def header(
    fields: Mapping[str, Any], customer_id: str, end: date, settings: ContractSettings
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "NAME": contract_name(fields),
        "CUSTOMERID": customer_id,
        "BEGINDATE": date_to_mdy(fields["StartDate"]),
        "ENDDATE": date_to_mdy(end),
        "BILLINGFREQUENCY": settings.billing_frequency,
        "DESCRIPTION": f"Salesforce contract {fields['Id']}"
        + (f": {fields['Description']}" if fields.get("Description") else ""),
    }
    if settings.payment_term:
        payload["TERMNAME"] = settings.payment_term
    if settings.currency:
        payload["CURRENCY"] = settings.currency
    if settings.renewal_template:
        payload["RENEWAL"] = True
        payload["RENEWALMACRO"] = settings.renewal_template
    return payload


def line(
    contract_id: str,
    line_fields: Mapping[str, Any],
    item_id: str,
    begin: date,
    end: date,
    settings: ContractSettings,
) -> dict[str, Any]:
    quantity = Decimal(str(line_fields.get("Quantity") or 1))
    price = Decimal(str(line_fields.get("UnitPrice") or 0))
    service = line_fields.get("ServiceDate")
    start = date.fromisoformat(str(service)[:10]) if service else begin
    payload: dict[str, Any] = {
        "CONTRACTID": contract_id,
        "ITEMID": item_id,
        "BEGINDATE": date_to_mdy(max(start, begin)),
        "ENDDATE": date_to_mdy(end),
        "BILLINGMETHOD": settings.billing_method,
        "BILLINGFREQUENCY": settings.billing_frequency,
        "MEMO": f"Salesforce line {line_fields['Id']}",
    }
    if settings.billing_method == "Fixed price":
        payload["FLATAMOUNT"] = quantity * price
    else:
        payload["QUANTITY"] = quantity
        payload["PRICE"] = price
    return payload
