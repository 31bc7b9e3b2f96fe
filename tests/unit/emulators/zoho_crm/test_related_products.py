"""The Zoho CRM emulator's Deals -> Products related list speaks the documented wire."""

from __future__ import annotations


def test_products_related_to_a_deal_are_read_back_with_the_fields_asked(api, crm):
    # Given a deal and two products, one related to it through the API
    deal = crm.insert("Deals", {"Deal_Name": "Big", "Stage": "Qualification"})
    desk = crm.insert("Products", {"Product_Name": "Desk", "Unit_Price": 120})
    crm.insert("Products", {"Product_Name": "Chair", "Unit_Price": 40})
    empty = api.get(f"/Deals/{deal}/Products", params={"fields": "Product_Name"})
    related = api.put(f"/Deals/{deal}/Products/{desk}", json={"data": [{}]})
    # When the deal's products are read
    read = api.get(f"/Deals/{deal}/Products", params={"fields": "Product_Name,Unit_Price"})
    # Then the empty list answered 204, the relation succeeded, and the desk alone comes back
    assert empty.status_code == 204
    assert related.json()["data"][0]["code"] == "SUCCESS"
    assert [(r["id"], r["Product_Name"], r["Unit_Price"]) for r in read.json()["data"]] == [
        (desk, "Desk", 120)
    ]
    assert read.json()["info"]["more_records"] is False


def test_a_related_list_read_needs_fields_and_a_real_deal(api, crm):
    # Given a deal
    deal = crm.insert("Deals", {"Deal_Name": "Big", "Stage": "Qualification"})
    # When its products are read without fields, and a missing deal's are read
    no_fields = api.get(f"/Deals/{deal}/Products")
    no_deal = api.get("/Deals/4150868000000999999/Products", params={"fields": "Product_Name"})
    # Then both are refused with Zoho's error shape
    assert (no_fields.status_code, no_fields.json()["code"]) == (400, "REQUIRED_PARAM_MISSING")
    assert (no_deal.status_code, no_deal.json()["status"]) == (400, "error")
