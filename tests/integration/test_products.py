"""Salesforce products <-> Intacct items, with per-field direction, in-process."""

from __future__ import annotations

from datetime import timedelta

from shared.mapping.fields import Direction
from shared.mapping.overrides import FieldOverride, MappingOverride


def _poll_products(world, **mappings: MappingOverride) -> None:
    """Products and items are polled by default; ``mappings`` override their fields."""
    connection = world.connection
    assert "ITEM" in connection.erp_polled_objects
    assert "Product2" in connection.crm_polled_objects
    world.runtime.connections.put(
        connection.model_copy(update={"mappings": {**connection.mappings, **mappings}})
    )


def test_a_product_becomes_an_item_whose_id_is_its_product_code(world, sf_api, intacct_api):
    # Given products and items are synced, and a Salesforce user creates a product
    _poll_products(world)
    product = sf_api.create(
        "Product2", Name="Platform licence", ProductCode="PLAT-LIC", IsActive=True
    )
    # When ledgerlink polls
    world.poll()
    # Then Intacct holds an active, sold-not-stocked item keyed by the product code
    item = intacct_api.get("ITEM", "PLAT-LIC", "NAME", "STATUS", "ITEMTYPE")
    assert item is not None
    assert (item["NAME"], item["STATUS"], item["ITEMTYPE"]) == (
        "Platform licence",
        "active",
        "Non-Inventory (Sales only)",
    )
    # And the product shows its Intacct item id
    assert sf_api.get("Product2", product)["Intacct_Item_ID__c"] == "PLAT-LIC"


def test_an_item_becomes_a_product_whose_code_is_its_item_id(world, sf_api, intacct_api):
    # Given products and items are synced, and finance creates an item in Intacct
    _poll_products(world)
    intacct_api.create("ITEM", ITEMID="SUP-PREM", NAME="Premium support", ITEMTYPE="Non-Inventory")
    # When ledgerlink polls
    world.poll()
    # Then Salesforce holds an active product with that code and item id
    rows = sf_api.query(
        "SELECT Name, ProductCode, IsActive FROM Product2 WHERE Intacct_Item_ID__c = 'SUP-PREM'"
    )
    assert [(r["Name"], r["ProductCode"], r["IsActive"]) for r in rows] == [
        ("Premium support", "SUP-PREM", True)
    ]


def test_a_field_turned_to_flow_from_intacct_only_ignores_salesforce_edits(
    world, sf_api, intacct_api
):
    # Given a synced product whose description the connection takes from Intacct only
    _poll_products(
        world,
        product_item=MappingOverride(
            fields={"EXTENDED_DESCRIPTION": FieldOverride(direction=Direction.ERP_TO_CRM)}
        ),
    )
    product = sf_api.create("Product2", Name="Onboarding", ProductCode="ONBOARD", IsActive=True)
    world.poll()
    # When a Salesforce user renames it and rewrites its description
    world.intacct.advance_clock(timedelta(seconds=2))
    sf_api.update("Product2", product, Name="Onboarding package", Description="Two weeks")
    world.poll()
    # Then the name reaches Intacct, the description does not
    item = intacct_api.get("ITEM", "ONBOARD", "NAME", "EXTENDED_DESCRIPTION")
    assert item is not None
    assert (item["NAME"], item["EXTENDED_DESCRIPTION"]) == ("Onboarding package", None)
    # And a description written in Intacct reaches Salesforce
    world.intacct.advance_clock(timedelta(seconds=2))
    intacct_api.update("ITEM", "ONBOARD", EXTENDED_DESCRIPTION="Two weeks, remote")
    world.poll()
    assert sf_api.get("Product2", product)["Description"] == "Two weeks, remote"


def test_a_code_made_on_both_sides_before_a_sync_becomes_one_pair(world, sf_api, intacct_api):
    # Given finance made item DUP-1 in Intacct and sales a product coded DUP-1 in Salesforce,
    # before either was synced
    _poll_products(world)
    intacct_api.create(
        "ITEM", ITEMID="DUP-1", NAME="Finance's name", ITEMTYPE="Non-Inventory (Sales only)"
    )
    product = sf_api.create("Product2", Name="Sales's name", ProductCode="DUP-1", IsActive=True)

    # When ledgerlink polls both sides (the two first sights in one batch)
    world.poll()

    # Then there is one item and one product, linked to each other: no copy of either
    products = sf_api.query(
        "SELECT Id, Intacct_Item_ID__c, Name FROM Product2 WHERE ProductCode = 'DUP-1'"
    )
    assert [(p["Id"], p["Intacct_Item_ID__c"]) for p in products] == [(product, "DUP-1")]
    items = [r for r in world.intacct.records("ITEM") if r["ITEMID"] == "DUP-1"]
    assert len(items) == 1
    # and the side first seen gave its name to the other (both now agree)
    assert items[0]["NAME"] == products[0]["Name"]
