"""Business set-ups shared by the demo and the tests, done as users would do them."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

import httpx

from sandbox.users import IntacctUser, SalesforceUser
from shared.connectors.salesforce import soql
from shared.ingest.signatures import HEADER, sign

if TYPE_CHECKING:
    from sandbox.provisioning import DemoCredentials
    from sandbox.world import World

PRODUCTS = (
    ("Platform licence", "PLAT-LIC", Decimal("1200.00"), Decimal(10)),
    ("Premium support", "SUP-PREM", Decimal("300.00"), Decimal(1)),
    ("Onboarding", "ONBOARD", Decimal("2500.00"), Decimal(1)),
)


def press_button(
    world: World, route: str, *, moment: int | None = None, creds: DemoCredentials | None = None
) -> httpx.Response:
    """A CRM user pressing a button: ``POST {api}/actions/{connection}/{route}`` signed with
    the connection's action secret at ``moment`` (now by default); the demo connection's
    unless ``creds`` names another (``world.zoho_creds``)."""
    creds = creds or world.creds
    body = b"{}"
    url = f"{world.urls.api}/actions/{creds.connection_id}/{route}"
    signature = sign(creds.action_secret, body, int(time.time()) if moment is None else moment, url)
    return world.http.post(
        url,
        content=body,
        headers={HEADER: signature, "Content-Type": "application/json"},
    )


@dataclass(frozen=True)
class ContractDeal:
    account_id: str
    opportunity_id: str
    contract_id: str
    line_ids: tuple[str, ...]


def record_type_id(sf: SalesforceUser, developer_name: str) -> str:
    where = f"SobjectType = 'Opportunity' AND DeveloperName = {soql.quote(developer_name)}"
    rows = sf.query(soql.select("RecordType", ["Id"], where))
    return str(rows[0]["Id"])


def contract_deal(
    sf: SalesforceUser,
    intacct: IntacctUser | None,
    *,
    account_name: str = "Acme Corporation",
    record_type: str = "Contract",
    start: date = date(2026, 1, 1),
    term_months: int = 12,
    products: tuple[tuple[str, str, Decimal, Decimal], ...] = PRODUCTS,
    activate: bool = True,
) -> ContractDeal:
    """An opportunity of ``record_type`` with products, won, and its contract (activated).
    Intacct items with the products' codes exist when ``intacct`` is given."""
    account = sf.create("Account", Name=account_name)
    standard = str(sf.query("SELECT Id FROM Pricebook2 WHERE IsStandard = true")[0]["Id"])
    opportunity = sf.create(
        "Opportunity",
        Name=f"{account_name} subscription",
        AccountId=account,
        StageName="Prospecting",
        CloseDate=start.isoformat(),
        RecordTypeId=record_type_id(sf, record_type),
        Pricebook2Id=standard,
    )
    lines = []
    for name, code, price, quantity in products:
        product = sf.create("Product2", Name=name, ProductCode=code, IsActive=True)
        entry = sf.create(
            "PricebookEntry",
            Pricebook2Id=standard,
            Product2Id=product,
            UnitPrice=price,
            IsActive=True,
        )
        lines.append(
            sf.create(
                "OpportunityLineItem",
                OpportunityId=opportunity,
                PricebookEntryId=entry,
                Quantity=quantity,
                UnitPrice=price,
                ServiceDate=start.isoformat(),
            )
        )
        if intacct is not None and intacct.get("ITEM", code) is None:
            intacct.create("ITEM", ITEMID=code, NAME=name, ITEMTYPE="Non-Inventory (Sales only)")
    sf.update("Opportunity", opportunity, StageName="Closed Won")
    contract = sf.create(
        "Contract",
        AccountId=account,
        Status="Draft",
        StartDate=start.isoformat(),
        ContractTerm=term_months,
    )
    sf.update("Opportunity", opportunity, ContractId=contract)
    if activate:
        sf.update("Contract", contract, Status="Activated")
    return ContractDeal(account, opportunity, contract, tuple(lines))


@dataclass(frozen=True)
class SalesDeal:
    account_id: str
    opportunity_id: str
    line_ids: tuple[str, ...]


def sales_deal(
    sf: SalesforceUser,
    intacct: IntacctUser | None,
    *,
    account_name: str = "Globex Corporation",
    record_type: str = "Sales_Order",
    close: date = date(2026, 1, 15),
    products: tuple[tuple[str, str, Decimal, Decimal], ...] = PRODUCTS,
    won: bool = True,
) -> SalesDeal:
    """An account with a contact and a ``record_type`` opportunity with products (the blog's
    story), won unless ``won`` is false. Intacct items with the products' codes exist when
    ``intacct`` is given."""
    account = sf.create("Account", Name=account_name)
    sf.create("Contact", FirstName="Hank", LastName="Scorpio", AccountId=account)
    standard = str(sf.query("SELECT Id FROM Pricebook2 WHERE IsStandard = true")[0]["Id"])
    opportunity = sf.create(
        "Opportunity",
        Name=f"{account_name} order",
        AccountId=account,
        StageName="Negotiation/Review",
        CloseDate=close.isoformat(),
        RecordTypeId=record_type_id(sf, record_type),
        Pricebook2Id=standard,
    )
    lines = []
    for name, code, price, quantity in products:
        found = sf.query(soql.select("Product2", ["Id"], f"ProductCode = {soql.quote(code)}"))
        product = (
            str(found[0]["Id"])
            if found
            else sf.create("Product2", Name=name, ProductCode=code, IsActive=True)
        )
        entries = sf.query(
            soql.select("PricebookEntry", ["Id"], f"Product2Id = {soql.quote(product)}")
        )
        entry = (
            str(entries[0]["Id"])
            if entries
            else sf.create(
                "PricebookEntry",
                Pricebook2Id=standard,
                Product2Id=product,
                UnitPrice=price,
                IsActive=True,
            )
        )
        lines.append(
            sf.create(
                "OpportunityLineItem",
                OpportunityId=opportunity,
                PricebookEntryId=entry,
                Quantity=quantity,
                UnitPrice=price,
            )
        )
        if intacct is not None and intacct.get("ITEM", code) is None:
            intacct.create("ITEM", ITEMID=code, NAME=name, ITEMTYPE="Non-Inventory (Sales only)")
    if won:
        sf.update("Opportunity", opportunity, StageName="Closed Won")
    return SalesDeal(account, opportunity, tuple(lines))
