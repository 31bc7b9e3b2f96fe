"""The Zoho CRM emulator's Deals -> Products related list speaks the documented wire."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from sandbox.emulators.protocol import ProvisionRequest
from sandbox.emulators.zoho_crm import ZohoCrmEmulator

START = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.fixture
def crm() -> ZohoCrmEmulator:
    return ZohoCrmEmulator(clock=lambda: START)


@pytest.fixture
def api(crm: ZohoCrmEmulator) -> httpx.Client:
    side = crm.provision(ProvisionRequest(webhook_url="http://api.test/w"))
    http = httpx.Client(transport=httpx.WSGITransport(app=crm.wsgi_app))
    token = http.post(
        f"{side.endpoints['accounts_url']}/oauth/v2/token",
        params={
            "refresh_token": side.endpoints["refresh_token"],
            "client_id": side.endpoints["client_id"],
            "client_secret": side.endpoints["client_secret"],
            "grant_type": "refresh_token",
        },
    ).json()
    return httpx.Client(
        transport=httpx.WSGITransport(app=crm.wsgi_app),
        base_url=token["api_domain"] + "/crm/v8",
        headers={"Authorization": f"Zoho-oauthtoken {token['access_token']}"},
    )


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
