"""Multi-currency orgs: CurrencyIsoCode on records and the CurrencyType object (SOAP API
Object Reference, "CurrencyType"; Salesforce Help, "Multiple Currencies"). A
single-currency org has neither."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from sandbox.emulators.salesforce import SalesforceEmulator
from tests.unit.emulators.salesforce.helpers import (
    BASE_URL,
    CLIENT_ID,
    CLIENT_SECRET,
    DATA,
    RUN_AS,
    create,
    error_of,
    login,
    query,
    standard_pricebook,
    stored,
)


@pytest.fixture
def multi() -> Iterator[SalesforceEmulator]:
    emulator = SalesforceEmulator(base_url=BASE_URL, multi_currency=True)
    emulator.add_connected_app(CLIENT_ID, CLIENT_SECRET, run_as_username=RUN_AS)
    yield emulator
    emulator.close()


@pytest.fixture
def mc_api(multi: SalesforceEmulator) -> Iterator[httpx.Client]:
    transport = httpx.WSGITransport(app=multi.wsgi_app)
    with httpx.Client(transport=transport, base_url=BASE_URL) as client:
        client.headers["Authorization"] = f"Bearer {login(client)}"
        yield client


def add_currency(api: httpx.Client, code: str, rate: float, *, active: bool = True) -> str:
    return create(
        api, "CurrencyType", IsoCode=code, ConversionRate=rate, DecimalPlaces=2, IsActive=active
    )


def currency_of(api: httpx.Client, sobject: str, record_id: str) -> Any:
    return api.get(f"{DATA}/sobjects/{sobject}/{record_id}").json()["CurrencyIsoCode"]


def test_a_single_currency_org_has_no_currency_fields_nor_currency_types(api):
    # Given a single-currency org
    # When Account is described and CurrencyType is queried
    fields = [f["name"] for f in api.get(f"{DATA}/sobjects/Account/describe").json()["fields"]]
    answer = api.get(f"{DATA}/query", params={"q": "SELECT IsoCode FROM CurrencyType"})
    # Then neither exists
    assert "CurrencyIsoCode" not in fields
    assert answer.status_code == 400
    assert error_of(answer)["errorCode"] == "INVALID_TYPE"


def test_the_corporate_currency_is_a_queryable_currency_type(mc_api):
    # Given a new multi-currency org (corporate currency USD)
    # When its currencies are queried
    body = query(
        mc_api,
        "SELECT IsoCode, ConversionRate, DecimalPlaces, IsActive, IsCorporate FROM CurrencyType",
    )
    # Then the corporate currency is there, active, at a rate of 1
    (usd,) = body["records"]
    assert usd["attributes"]["type"] == "CurrencyType"
    assert {k: v for k, v in usd.items() if k != "attributes"} == {
        "IsoCode": "USD",
        "ConversionRate": 1.0,
        "DecimalPlaces": 2,
        "IsActive": True,
        "IsCorporate": True,
    }


def test_records_default_to_the_users_currency_and_take_active_ones(mc_api, multi):
    # Given EUR active and JPY inactive beside USD
    add_currency(mc_api, "EUR", 0.9)
    add_currency(mc_api, "JPY", 150, active=False)
    # When accounts are created without a currency, in EUR, in JPY and in GBP
    plain = create(mc_api, "Account", Name="Plain")
    euro = create(mc_api, "Account", Name="Euro", CurrencyIsoCode="EUR")
    inactive = mc_api.post(
        f"{DATA}/sobjects/Account", json={"Name": "Yen", "CurrencyIsoCode": "JPY"}
    )
    unknown = mc_api.post(
        f"{DATA}/sobjects/Account", json={"Name": "Pound", "CurrencyIsoCode": "GBP"}
    )
    # Then the default is the user's (corporate) currency, and only active codes are taken
    assert currency_of(mc_api, "Account", plain) == "USD"
    assert currency_of(mc_api, "Account", euro) == "EUR"
    for answer, code in ((inactive, "JPY"), (unknown, "GBP")):
        assert answer.status_code == 400
        assert error_of(answer) == {
            "message": f"Account Currency: bad value for restricted picklist field: {code}",
            "errorCode": "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
            "fields": ["CurrencyIsoCode"],
        }


def test_a_users_own_currency_is_their_records_default(mc_api, multi):
    # Given the API user's currency is EUR
    add_currency(mc_api, "EUR", 0.9)
    user_id = multi.org.users[RUN_AS]
    multi.update("User", user_id, {"DefaultCurrencyIsoCode": "EUR"})
    # When they create an account without a currency
    account = create(mc_api, "Account", Name="Acme")
    # Then it is in EUR, and the currency filters and groups in SOQL
    assert currency_of(mc_api, "Account", account) == "EUR"
    body = query(mc_api, "SELECT CurrencyIsoCode, COUNT(Id) FROM Account GROUP BY CurrencyIsoCode")
    assert [(r["CurrencyIsoCode"], r["expr0"]) for r in body["records"]] == [("EUR", 1)]


def test_currency_types_are_created_and_updated_as_salesforce_allows(mc_api):
    # Given EUR added
    eur = add_currency(mc_api, "EUR", 0.9)
    # When its rate changes, its code changes, a second EUR, a non-ISO code and a delete
    rate = mc_api.patch(f"{DATA}/sobjects/CurrencyType/{eur}", json={"ConversionRate": 0.95})
    code = mc_api.patch(f"{DATA}/sobjects/CurrencyType/{eur}", json={"IsoCode": "GBP"})
    again = mc_api.post(
        f"{DATA}/sobjects/CurrencyType",
        json={"IsoCode": "EUR", "ConversionRate": 1, "DecimalPlaces": 2},
    )
    bogus = mc_api.post(
        f"{DATA}/sobjects/CurrencyType",
        json={"IsoCode": "XXX", "ConversionRate": 1, "DecimalPlaces": 2},
    )
    corporate = mc_api.post(
        f"{DATA}/sobjects/CurrencyType",
        json={"IsoCode": "GBP", "ConversionRate": 1, "DecimalPlaces": 2, "IsCorporate": True},
    )
    deleted = mc_api.delete(f"{DATA}/sobjects/CurrencyType/{eur}")
    # Then the rate is updated; the rest is refused as the platform refuses it
    assert rate.status_code == 204
    body = query(mc_api, "SELECT ConversionRate FROM CurrencyType WHERE IsoCode = 'EUR'")
    assert body["records"][0]["ConversionRate"] == 0.95
    assert error_of(code)["errorCode"] == "INVALID_FIELD_FOR_INSERT_UPDATE"
    assert error_of(again)["errorCode"] == "DUPLICATE_VALUE"
    assert error_of(bogus)["errorCode"] == "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"
    assert error_of(corporate)["errorCode"] == "INVALID_FIELD_FOR_INSERT_UPDATE"
    assert deleted.status_code == 400
    assert error_of(deleted)["errorCode"] == "INVALID_TYPE_FOR_OPERATION"


def test_the_corporate_currency_stays_active_at_a_rate_of_one(mc_api, multi):
    # Given the corporate currency
    usd = query(mc_api, "SELECT Id FROM CurrencyType WHERE IsCorporate = true")["records"][0]
    # When a client deactivates it or changes its rate
    off = mc_api.patch(f"{DATA}/sobjects/CurrencyType/{usd['Id']}", json={"IsActive": False})
    rate = mc_api.patch(f"{DATA}/sobjects/CurrencyType/{usd['Id']}", json={"ConversionRate": 2})
    # Then both are refused and nothing changed
    assert off.status_code == rate.status_code == 400
    assert stored(multi, "CurrencyType", usd["Id"])["IsActive"] is True


def test_describe_shows_the_active_currencies(mc_api):
    # Given EUR active and JPY inactive
    add_currency(mc_api, "EUR", 0.9)
    add_currency(mc_api, "JPY", 150, active=False)
    # When Account and CurrencyType are described
    fields = {
        f["name"]: f for f in mc_api.get(f"{DATA}/sobjects/Account/describe").json()["fields"]
    }
    currency_type = mc_api.get(f"{DATA}/sobjects/CurrencyType/describe").json()
    # Then CurrencyIsoCode lists the active ones, the user's currency the default
    picklist = fields["CurrencyIsoCode"]["picklistValues"]
    assert [(p["value"], p["defaultValue"]) for p in picklist] == [("USD", True), ("EUR", False)]
    assert fields["CurrencyIsoCode"]["restrictedPicklist"] is True
    assert fields["CurrencyIsoCode"]["defaultedOnCreate"] is True
    assert currency_type["deletable"] is False
    assert currency_type["createable"] is True


def test_a_line_item_takes_its_opportunitys_currency_and_a_matching_price(mc_api, multi):
    # Given a product priced in USD and EUR in the standard price book, and a EUR deal
    add_currency(mc_api, "EUR", 0.9)
    pricebook = standard_pricebook(multi)
    product = create(mc_api, "Product2", Name="Widget", IsActive=True)
    prices = {
        code: create(
            mc_api,
            "PricebookEntry",
            Pricebook2Id=pricebook,
            Product2Id=product,
            UnitPrice=price,
            IsActive=True,
            CurrencyIsoCode=code,
        )
        for code, price in (("USD", 100), ("EUR", 90))
    }
    deal = create(
        mc_api,
        "Opportunity",
        Name="Deal",
        StageName="Prospecting",
        CloseDate="2024-01-01",
        CurrencyIsoCode="EUR",
        Pricebook2Id=pricebook,
    )
    # When a line is added by product, and another with the USD entry
    line = create(
        mc_api,
        "OpportunityLineItem",
        OpportunityId=deal,
        Product2Id=product,
        Quantity=2,
        UnitPrice=90,
    )
    wrong = mc_api.post(
        f"{DATA}/sobjects/OpportunityLineItem",
        json={
            "OpportunityId": deal,
            "PricebookEntryId": prices["USD"],
            "Quantity": 1,
            "UnitPrice": 100,
        },
    )
    # Then the line uses the EUR price in EUR, and the USD entry is refused
    saved = stored(multi, "OpportunityLineItem", line)
    assert (saved["PricebookEntryId"], saved["CurrencyIsoCode"]) == (prices["EUR"], "EUR")
    assert str(saved["TotalPrice"]) == "180.00"
    assert wrong.status_code == 400
    assert error_of(wrong)["message"] == (
        "field integrity exception: PricebookEntryId (pricebook entry currency code does not "
        "match opportunity currency code)"
    )


def test_money_aggregates_are_in_the_corporate_currency(mc_api):
    # Given EUR at 0.5 to the dollar, and deals of 100 USD and 50 EUR
    add_currency(mc_api, "EUR", 0.5)
    for code, amount in (("USD", 100), ("EUR", 50)):
        create(
            mc_api,
            "Opportunity",
            Name=code,
            StageName="Prospecting",
            CloseDate="2024-01-01",
            Amount=amount,
            CurrencyIsoCode=code,
        )
    # When amounts are summed overall and per currency
    total = query(mc_api, "SELECT SUM(Amount), MAX(Amount) FROM Opportunity")
    per_currency = query(
        mc_api,
        "SELECT CurrencyIsoCode, SUM(Amount) s FROM Opportunity GROUP BY CurrencyIsoCode "
        "ORDER BY CurrencyIsoCode",
    )
    # Then each amount is converted to USD before it is aggregated
    assert total["records"][0]["expr0"] == 200.0
    assert total["records"][0]["expr1"] == 100.0
    assert [(r["CurrencyIsoCode"], r["s"]) for r in per_currency["records"]] == [
        ("EUR", 100.0),
        ("USD", 100.0),
    ]
    # and the records themselves keep their own currency's amounts
    records = query(mc_api, "SELECT Amount FROM Opportunity WHERE CurrencyIsoCode = 'EUR'")
    assert records["records"][0]["Amount"] == 50.0
