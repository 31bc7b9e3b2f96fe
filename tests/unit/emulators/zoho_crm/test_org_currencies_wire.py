"""The CRM emulator's org currencies speak Zoho CRM's documented multi-currency API."""

from __future__ import annotations

BASE = {
    "base_currency": {
        "name": "US Dollar - USD",
        "iso_code": "USD",
        "symbol": "$",
        "exchange_rate": "1.000000000",
        "format": {"decimal_separator": "Period", "thousand_separator": "Comma"},
    }
}


def test_enabling_multi_currency_then_adding_a_currency(api):
    # Given an org with multi-currency off
    assert api.get("/org").json()["org"][0]["mc_status"] is False
    # When it is enabled with USD as home, and INR added at 1 USD = 83.25 INR
    enabled = api.post("/org/currencies/actions/enable", json=BASE)
    added = api.post(
        "/org/currencies",
        json={"currencies": [{"name": "Rupee", "iso_code": "INR", "exchange_rate": "83.25"}]},
    )
    # Then both succeed, /org says it is on, and INR keeps the CRM's direction with nine
    # decimals
    assert enabled.status_code == 200
    assert enabled.json()["base_currency"]["status"] == "success"
    assert added.status_code == 201
    assert api.get("/org").json()["org"][0]["mc_status"] is True
    listed = {c["iso_code"]: c for c in api.get("/org/currencies").json()["currencies"]}
    assert listed["USD"]["is_base"] is True
    assert listed["INR"]["exchange_rate"] == "83.250000000"


def test_adding_a_currency_needs_multi_currency_on_and_enabling_twice_is_refused(api):
    refused = api.post(
        "/org/currencies", json={"currencies": [{"iso_code": "INR", "exchange_rate": "83"}]}
    )
    assert refused.status_code == 400
    assert api.post("/org/currencies/actions/enable", json=BASE).status_code == 200
    again = api.post("/org/currencies/actions/enable", json=BASE)
    assert again.status_code == 400
    assert again.json()["status"] == "error"


def test_a_home_currency_other_than_the_orgs_is_refused(api):
    body = {"base_currency": {**BASE["base_currency"], "iso_code": "EUR"}}
    answer = api.post("/org/currencies/actions/enable", json=body)
    assert answer.status_code == 400
    assert api.get("/org").json()["org"][0]["mc_status"] is False


def test_the_finance_modules_are_served_with_their_fields(api):
    modules = {m["api_name"] for m in api.get("/settings/modules").json()["modules"]}
    assert {"Books_Invoices", "Books_Estimates", "Books_Sales_Orders"} <= modules
    assert {"Books_Purchase_Orders", "Books_Summaries"} <= modules
    fields = api.get("/settings/fields", params={"module": "Deals"}).json()["fields"]
    assert {"Books_Invoiced", "Books_Payments_Received"} <= {f["api_name"] for f in fields}
