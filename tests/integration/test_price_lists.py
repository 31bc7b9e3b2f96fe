"""Intacct price lists -> Salesforce price books, from Intacct."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal


def _item_and_product(sf_api, intacct_api, code: str, name: str, base: str | None = None):
    fields = {"ITEMID": code, "NAME": name, "ITEMTYPE": "Non-Inventory (Sales only)"}
    if base:
        fields["BASEPRICE"] = base
    intacct_api.create("ITEM", **fields)
    return sf_api.create("Product2", Name=name, ProductCode=code, IsActive=True)


def test_an_intacct_price_list_becomes_a_price_book_standard_entries_first(
    world, sf_api, intacct_api
):
    # Given items with products in Salesforce, and an Intacct price list with two prices and
    # a markup (which Salesforce cannot hold)
    licence = _item_and_product(sf_api, intacct_api, "PLAT-LIC", "Platform licence", "1500.00")
    support = _item_and_product(sf_api, intacct_api, "SUP-PREM", "Premium support")
    intacct_api.create("SOPRICELIST", NAME="Partners 2026", SALEPURCHASE="Sales")
    intacct_api.create(
        "SOPRICELISTENTRY", PRICELISTID="Partners 2026", ITEMID="PLAT-LIC", VALUE="1200.00"
    )
    intacct_api.create(
        "SOPRICELISTENTRY", PRICELISTID="Partners 2026", ITEMID="SUP-PREM", VALUE="299.99"
    )
    intacct_api.create(
        "SOPRICELISTENTRY",
        PRICELISTID="Partners 2026",
        ITEMID="SUP-PREM",
        VALUE="10",
        VALUETYPE="Percent Markup",
    )
    # When the mirror schedule runs
    world.mirror()
    # Then Salesforce has the price book with the two prices, as Decimals
    [book] = sf_api.query(
        "SELECT Id, Name, IsActive FROM Pricebook2 WHERE Intacct_Price_List_ID__c = 'Partners 2026'"
    )
    assert (book["Name"], book["IsActive"]) == ("Partners 2026", True)
    entries = sf_api.query(
        f"SELECT Product2Id, UnitPrice FROM PricebookEntry WHERE Pricebook2Id = '{book['Id']}'"
    )
    assert sorted((e["Product2Id"], e["UnitPrice"]) for e in entries) == sorted(
        [(licence, Decimal("1200.00")), (support, Decimal("299.99"))]
    )
    # And each product got its standard price first: the item's base price, else the list's
    standard = sf_api.query(
        "SELECT Product2Id, UnitPrice FROM PricebookEntry WHERE Pricebook2.IsStandard = true"
    )
    assert sorted((e["Product2Id"], e["UnitPrice"]) for e in standard) == sorted(
        [(licence, Decimal("1500.00")), (support, Decimal("299.99"))]
    )


def test_a_price_changed_twice_between_runs_is_written_once(world, sf_api, intacct_api):
    # Given a synced price list entry
    _item_and_product(sf_api, intacct_api, "ONBOARD", "Onboarding")
    intacct_api.create("SOPRICELIST", NAME="Retail", SALEPURCHASE="Sales")
    entry = intacct_api.create(
        "SOPRICELISTENTRY", PRICELISTID="Retail", ITEMID="ONBOARD", VALUE="2500.00"
    )
    world.mirror()
    # When finance changes the price twice before the next run
    world.intacct.advance_clock(timedelta(seconds=2))
    world.intacct.edit("SOPRICELISTENTRY", entry, {"VALUE": "2600.00"})
    world.intacct.advance_clock(timedelta(seconds=2))
    world.intacct.edit("SOPRICELISTENTRY", entry, {"VALUE": "2700.50"})
    world.salesforce.calls.clear()
    world.mirror()
    # Then Salesforce received one write of that entry, with the latest price
    assert len(world.salesforce.calls.writes("PricebookEntry")) == 1
    [price] = sf_api.query(
        "SELECT UnitPrice FROM PricebookEntry WHERE Pricebook2.Intacct_Price_List_ID__c = 'Retail'"
    )
    assert price["UnitPrice"] == Decimal("2700.50")


def test_a_contract_billing_price_list_becomes_its_own_price_book(world, sf_api, intacct_api):
    # Given a product whose item is priced in a contract billing price list (nested entry
    # detail, as Intacct's documented create takes it)
    product = _item_and_product(sf_api, intacct_api, "SUP-PREM", "Premium support")
    intacct_api.create("CONTRACTPRICELIST", NAME="Support 2026")
    intacct_api.create(
        "CONTRACTITEMPRICELIST",
        PRICELISTNAME="Support 2026",
        ITEMID="SUP-PREM",
        ITMPRCLSTTYP="Range",
        VARUNITDIVSR="1",
        **{
            "CONTRACTITEMPRICELISTENTRIES.CONTRACTITEMPRICELISTENTRY.STARTDATE": "01/01/2026",
            "CONTRACTITEMPRICELISTENTRIES.CONTRACTITEMPRICELISTENTRY.VALUE": "300.00",
            "CONTRACTITEMPRICELISTENTRIES.CONTRACTITEMPRICELISTENTRY.INCLUDEDUNITS": "1",
        },
    )
    # When the mirror schedule runs
    world.mirror()
    # Then a price book for the billing list holds the product at that price
    [book] = sf_api.query(
        "SELECT Id, Name FROM Pricebook2 WHERE Intacct_Price_List_ID__c = 'Billing: Support 2026'"
    )
    assert book["Name"] == "Billing: Support 2026"
    entries = sf_api.query(
        f"SELECT Product2Id, UnitPrice FROM PricebookEntry WHERE Pricebook2Id = '{book['Id']}'"
    )
    assert [(e["Product2Id"], e["UnitPrice"]) for e in entries] == [(product, Decimal("300.00"))]


def test_prices_of_items_without_a_product_wait_for_the_product(world, sf_api, intacct_api):
    # Given an Intacct price for an item Salesforce has no product for yet
    intacct_api.create("ITEM", ITEMID="LATER", NAME="Later", ITEMTYPE="Non-Inventory")
    intacct_api.create("SOPRICELIST", NAME="Retail", SALEPURCHASE="Sales")
    intacct_api.create("SOPRICELISTENTRY", PRICELISTID="Retail", ITEMID="LATER", VALUE="10.00")
    # When the mirror runs
    world.mirror()
    # Then the book exists without the entry
    [book] = sf_api.query("SELECT Id FROM Pricebook2 WHERE Intacct_Price_List_ID__c = 'Retail'")
    entries = (
        "SELECT Product2.ProductCode, UnitPrice FROM PricebookEntry "
        f"WHERE Pricebook2Id = '{book['Id']}'"
    )
    assert sf_api.query(entries) == []
    # When later prices are synced, and only then the product arrives in Salesforce
    world.intacct.advance_clock(timedelta(minutes=5))  # beyond the polls' overlap
    _item_and_product(sf_api, intacct_api, "NOW", "Now")
    intacct_api.create("SOPRICELISTENTRY", PRICELISTID="Retail", ITEMID="NOW", VALUE="20.00")
    world.mirror()
    sf_api.create("Product2", Name="Later", ProductCode="LATER", IsActive=True)
    world.mirror()
    # Then the waiting price is written too
    prices = sorted((e["Product2.ProductCode"], e["UnitPrice"]) for e in sf_api.query(entries))
    assert prices == [("LATER", Decimal("10.00")), ("NOW", Decimal("20.00"))]


def test_turned_around_salesforce_price_books_become_intacct_price_lists(
    world, sf_api, intacct_api
):
    # Given a connection whose price lists flow from Salesforce, and a product with its item
    connection = world.connection
    world.runtime.connections.put(
        connection.model_copy(
            update={
                "price_lists": connection.price_lists.model_copy(update={"direction": "from_crm"})
            }
        )
    )
    product = _item_and_product(sf_api, intacct_api, "PLAT-LIC", "Platform licence")
    # When a rep prices it in the standard and a custom price book
    standard = sf_api.query("SELECT Id FROM Pricebook2 WHERE IsStandard = true")[0]["Id"]
    sf_api.create(
        "PricebookEntry", Pricebook2Id=standard, Product2Id=product, UnitPrice=1500, IsActive=True
    )
    book = sf_api.create("Pricebook2", Name="Partners", IsActive=True)
    entry = sf_api.create(
        "PricebookEntry", Pricebook2Id=book, Product2Id=product, UnitPrice=1200, IsActive=True
    )
    world.mirror()
    # Then Intacct has a sales price list named like the book, with that Actual price only
    listed = intacct_api.get("SOPRICELIST", "Partners", "SALEPURCHASE")
    assert listed is not None
    assert listed["SALEPURCHASE"] == "Sales"
    prices = [
        (r["PRICELISTID"], r["ITEMID"], r["VALUE"], r["VALUETYPE"])
        for r in world.intacct.records("SOPRICELISTENTRY")
    ]
    assert prices == [("Partners", "PLAT-LIC", Decimal("1200.00"), "Actual")]
    # When the rep changes the price
    world.salesforce.advance_clock(timedelta(seconds=2))
    sf_api.update("PricebookEntry", entry, UnitPrice=1150)
    world.mirror()
    # Then the same Intacct entry has the new price, and no price book came back from Intacct
    prices = [(r["ITEMID"], r["VALUE"]) for r in world.intacct.records("SOPRICELISTENTRY")]
    assert prices == [("PLAT-LIC", Decimal("1150.00"))]
    assert sf_api.query("SELECT Id FROM Pricebook2 WHERE Intacct_Price_List_ID__c != null") == []
