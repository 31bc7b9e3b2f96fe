"""Price books and sales transactions in a multi-currency Salesforce org."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from moto import mock_aws

import sandbox.world
from sandbox.emulators.salesforce import SalesforceEmulator
from sandbox.stories import record_type_id
from sandbox.users import IntacctUser, SalesforceUser
from sandbox.world import World
from shared.runtime import set_runtime
from tests.integration.test_sales_transactions import documents, press


@pytest.fixture
def mc_world(monkeypatch) -> Iterator[World]:
    emulators = tuple(
        (system, (lambda url: SalesforceEmulator(base_url=url, multi_currency=True)))
        if system == "salesforce"
        else (system, factory)
        for system, factory in sandbox.world.EMULATORS
    )
    monkeypatch.setattr(sandbox.world, "EMULATORS", emulators)
    with mock_aws():
        world = World.in_process()
        world.runtime.connections.put(
            world.connection.model_copy(update={"crm_multi_currency": True})
        )
        yield world
    set_runtime(None)


def test_euro_prices_and_a_euro_opportunity(mc_world):
    world = mc_world
    sf, ia = SalesforceUser(world), IntacctUser(world)
    # Given a multi-currency org with EUR active, and an Intacct EUR price for an item
    sf.create("CurrencyType", IsoCode="EUR", ConversionRate=0.9, DecimalPlaces=2, IsActive=True)
    ia.create("ITEM", ITEMID="PLAT-LIC", NAME="Platform licence", ITEMTYPE="Non-Inventory")
    product = sf.create("Product2", Name="Platform licence", ProductCode="PLAT-LIC", IsActive=True)
    ia.create("SOPRICELIST", NAME="Europe", SALEPURCHASE="Sales")
    ia.create(
        "SOPRICELISTENTRY", PRICELISTID="Europe", ITEMID="PLAT-LIC", VALUE="999.90", CURRENCY="EUR"
    )
    # When the mirror runs
    world.mirror()
    # Then the Europe book has the EUR price, after a EUR standard price
    rows = sf.query(
        "SELECT Pricebook2.Name, Pricebook2Id, UnitPrice, CurrencyIsoCode FROM PricebookEntry "
        f"WHERE Product2Id = '{product}'"
    )
    prices = sorted((r["Pricebook2.Name"], r["CurrencyIsoCode"], r["UnitPrice"]) for r in rows)
    assert prices == [
        ("Europe", "EUR", Decimal("999.90")),
        ("Standard Price Book", "EUR", Decimal("999.90")),
    ]
    europe = next(r["Pricebook2Id"] for r in rows if r["Pricebook2.Name"] == "Europe")
    entry = next(
        r for r in sf.query(f"SELECT Id FROM PricebookEntry WHERE Pricebook2Id = '{europe}'")
    )
    # And a won EUR opportunity on that book becomes a EUR sales order
    account = sf.create("Account", Name="Kruger Industrial")
    opportunity = sf.create(
        "Opportunity",
        Name="Kruger order",
        AccountId=account,
        StageName="Negotiation/Review",
        CloseDate=date(2026, 1, 15).isoformat(),
        RecordTypeId=record_type_id(sf, "Sales_Order"),
        Pricebook2Id=europe,
        CurrencyIsoCode="EUR",
    )
    sf.create(
        "OpportunityLineItem",
        OpportunityId=opportunity,
        PricebookEntryId=entry["Id"],
        Quantity=2,
        UnitPrice=Decimal("999.90"),
    )
    sf.update("Opportunity", opportunity, StageName="Closed Won")
    world.settle()
    assert press(world, opportunity).status_code == 202
    world.settle()
    [order] = documents(world)
    assert (order["CURRENCY"], order["TOTAL"]) == ("EUR", Decimal("1999.80"))
