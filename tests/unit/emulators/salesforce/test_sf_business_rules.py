"""What the platform does by itself: price books, opportunity products, contracts, cascades."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import httpx
import pytest

from sandbox.emulators.salesforce import SalesforceEmulator
from tests.unit.emulators.salesforce.helpers import (
    DATA,
    create,
    error_of,
    query,
    record_type,
    standard_pricebook,
    stored,
)


@pytest.fixture
def catalog(api: httpx.Client, emu: SalesforceEmulator) -> dict[str, str]:
    """A product priced in the standard and a custom price book, and an opportunity."""
    product = create(api, "Product2", Name="Widget", ProductCode="W-1", IsActive=True)
    standard = standard_pricebook(emu)
    custom = create(api, "Pricebook2", Name="Partners", IsActive=True)
    standard_entry = create(
        api,
        "PricebookEntry",
        Pricebook2Id=standard,
        Product2Id=product,
        UnitPrice=100,
        IsActive=True,
    )
    custom_entry = create(
        api,
        "PricebookEntry",
        Pricebook2Id=custom,
        Product2Id=product,
        UnitPrice=80,
        IsActive=True,
    )
    account = create(api, "Account", Name="Acme")
    opportunity = create(
        api,
        "Opportunity",
        Name="Deal",
        AccountId=account,
        StageName="Prospecting",
        CloseDate="2024-06-30",
        RecordTypeId=record_type(emu, "Contract"),
    )
    return {
        "product": product,
        "standard": standard,
        "custom": custom,
        "account": account,
        "standard_entry": standard_entry,
        "custom_entry": custom_entry,
        "opportunity": opportunity,
    }


def test_custom_price_needs_a_standard_price_first(api, emu: SalesforceEmulator):
    # Given a product with no standard price and a custom price book
    product = create(api, "Product2", Name="Gadget")
    custom = create(api, "Pricebook2", Name="Partners")
    # When a custom price is created first
    answer = api.post(
        f"{DATA}/sobjects/PricebookEntry",
        json={"Pricebook2Id": custom, "Product2Id": product, "UnitPrice": 5},
    )
    # Then the platform asks for the standard price
    assert answer.json() == [
        {
            "message": "No standard price defined for this product",
            "errorCode": "STANDARD_PRICE_NOT_DEFINED",
            "fields": [],
        }
    ]


def test_one_entry_per_price_book_and_product(api, catalog):
    # Given a standard entry for the product
    # When a second one is created
    answer = api.post(
        f"{DATA}/sobjects/PricebookEntry",
        json={
            "Pricebook2Id": catalog["standard"],
            "Product2Id": catalog["product"],
            "UnitPrice": 1,
        },
    )
    # Then it is a duplicate price definition
    assert error_of(answer)["errorCode"] == "DUPLICATE_VALUE"
    assert error_of(answer)["message"] == "This price definition already exists in this price book"


def test_entry_name_and_code_come_from_the_product(api, catalog):
    # Given an entry
    # When it is read with its derived fields
    body = query(
        api, f"SELECT Name, ProductCode FROM PricebookEntry WHERE Id = '{catalog['custom_entry']}'"
    )
    # Then they are the product's
    assert body["records"][0]["Name"] == "Widget"
    assert body["records"][0]["ProductCode"] == "W-1"


def test_first_line_sets_the_price_book_and_lines_roll_up(api, emu: SalesforceEmulator, catalog):
    # Given an opportunity without a price book
    # When a line is added from the custom price book, and another by product with a total
    first = create(
        api,
        "OpportunityLineItem",
        OpportunityId=catalog["opportunity"],
        PricebookEntryId=catalog["custom_entry"],
        Quantity=3,
        UnitPrice="79.99",
    )
    second = create(
        api,
        "OpportunityLineItem",
        OpportunityId=catalog["opportunity"],
        Product2Id=catalog["product"],
        Quantity=2,
        TotalPrice=150,
    )
    # Then the opportunity takes that price book and the sum of the lines as Amount
    opportunity = stored(emu, "Opportunity", catalog["opportunity"])
    assert opportunity["Pricebook2Id"] == catalog["custom"]
    assert opportunity["Amount"] == Decimal("389.97")
    line = stored(emu, "OpportunityLineItem", first)
    assert line["TotalPrice"] == Decimal("239.97")
    assert line["ListPrice"] == Decimal("80.00")
    assert line["Product2Id"] == catalog["product"]
    assert line["Name"] == "Deal Widget"
    by_product = stored(emu, "OpportunityLineItem", second)
    assert by_product["PricebookEntryId"] == catalog["custom_entry"]
    assert by_product["UnitPrice"] == Decimal("75.00")
    # When a line is deleted
    api.delete(f"{DATA}/sobjects/OpportunityLineItem/{first}")
    # Then the amount follows
    assert stored(emu, "Opportunity", catalog["opportunity"])["Amount"] == Decimal("150.00")


def test_lines_are_read_with_their_product_through_the_entry(api, catalog):
    # Given a line
    create(
        api,
        "OpportunityLineItem",
        OpportunityId=catalog["opportunity"],
        PricebookEntryId=catalog["standard_entry"],
        Quantity=1,
        UnitPrice=100,
    )
    # When read with two-level relationship paths
    body = query(
        api,
        "SELECT Quantity, PricebookEntry.Product2.ProductCode, Opportunity.Pricebook2Id "
        f"FROM OpportunityLineItem WHERE OpportunityId = '{catalog['opportunity'][:15]}'",
    )
    # Then the nested product and the opportunity's price book come back
    record = body["records"][0]
    assert record["PricebookEntry"]["Product2"]["ProductCode"] == "W-1"
    assert record["Opportunity"]["Pricebook2Id"] == catalog["standard"]
    assert record["Quantity"] == 1


def test_a_line_from_another_price_book_is_refused(api, catalog):
    # Given an opportunity already on the custom price book
    create(
        api,
        "OpportunityLineItem",
        OpportunityId=catalog["opportunity"],
        PricebookEntryId=catalog["custom_entry"],
        Quantity=1,
        UnitPrice=80,
    )
    # When a line from the standard price book is added
    answer = api.post(
        f"{DATA}/sobjects/OpportunityLineItem",
        json={
            "OpportunityId": catalog["opportunity"],
            "PricebookEntryId": catalog["standard_entry"],
            "Quantity": 1,
            "UnitPrice": 100,
        },
    )
    # Then the platform refuses it
    assert answer.json() == [
        {
            "message": "field integrity exception: PricebookEntryId (pricebook entry is in a "
            "different pricebook than the one assigned to the opportunity)",
            "errorCode": "FIELD_INTEGRITY_EXCEPTION",
            "fields": ["PricebookEntryId"],
        }
    ]


@pytest.mark.parametrize(
    ("prices", "fragment"),
    [
        ({"UnitPrice": 1, "TotalPrice": 2}, "cannot specify both unit price and total price"),
        ({}, "must specify either UnitPrice or TotalPrice"),
    ],
)
def test_line_prices_are_unit_or_total(api, catalog, prices, fragment):
    # Given a line with both prices, or neither
    body = {
        "OpportunityId": catalog["opportunity"],
        "PricebookEntryId": catalog["custom_entry"],
        "Quantity": 1,
        **prices,
    }
    # When it is created
    answer = api.post(f"{DATA}/sobjects/OpportunityLineItem", json=body)
    # Then it is a field integrity exception
    assert error_of(answer)["errorCode"] == "FIELD_INTEGRITY_EXCEPTION"
    assert fragment in error_of(answer)["message"]


def test_stage_drives_won_closed_and_probability(api, emu: SalesforceEmulator, catalog):
    # Given an opportunity at Prospecting
    before = stored(emu, "Opportunity", catalog["opportunity"])
    assert (before["IsWon"], before["IsClosed"], before["Probability"]) == (False, False, 10)
    # When it is closed won
    api.patch(
        f"{DATA}/sobjects/Opportunity/{catalog['opportunity']}", json={"StageName": "Closed Won"}
    )
    # Then the derived fields follow
    after = stored(emu, "Opportunity", catalog["opportunity"])
    assert (after["IsWon"], after["IsClosed"], after["Probability"]) == (True, True, 100)


def test_record_type_must_be_an_opportunity_one(api, emu: SalesforceEmulator):
    # Given a record type of another object
    foreign = emu.insert(
        "RecordType", {"Name": "Partner", "DeveloperName": "Partner", "SobjectType": "Account"}
    )
    # When an opportunity uses it
    answer = api.post(
        f"{DATA}/sobjects/Opportunity",
        json={
            "Name": "O",
            "StageName": "Prospecting",
            "CloseDate": "2024-01-01",
            "RecordTypeId": foreign,
        },
    )
    # Then the id is not valid for the user
    assert answer.json() == [
        {
            "message": f"Record Type ID: this ID value isn't valid for the user: {foreign}",
            "errorCode": "INVALID_CROSS_REFERENCE_KEY",
            "fields": ["RecordTypeId"],
        }
    ]


def test_contract_cannot_be_inserted_activated(api, catalog):
    # Given a contract body already Activated
    # When it is inserted
    answer = api.post(
        f"{DATA}/sobjects/Contract", json={"AccountId": catalog["account"], "Status": "Activated"}
    )
    # Then activation fails with the platform's text
    assert answer.json() == [
        {
            "message": "Choose a valid contract status and save your changes. Ask your admin "
            "for details.",
            "errorCode": "FAILED_ACTIVATION",
            "fields": ["Status"],
        }
    ]


def test_contract_lifecycle(api, emu: SalesforceEmulator, catalog):
    # Given a draft contract with a start date and a term
    first = create(
        api,
        "Contract",
        AccountId=catalog["account"],
        Status="Draft",
        StartDate="2024-01-31",
        ContractTerm=13,
    )
    second = create(api, "Contract", AccountId=catalog["account"], Status="Draft")
    draft = stored(emu, "Contract", first)
    # Then the end date, status code and contract numbers are derived
    assert draft["EndDate"] == date(2025, 2, 27)
    assert draft["StatusCode"] == "Draft"
    assert draft["ContractNumber"] == "00000100"
    assert stored(emu, "Contract", second)["ContractNumber"] == "00000101"
    assert draft["ActivatedDate"] is None
    # When it is activated
    api.patch(f"{DATA}/sobjects/Contract/{first}", json={"Status": "Activated"})
    # Then activation is stamped, and it cannot go back to Draft
    active = stored(emu, "Contract", first)
    assert active["StatusCode"] == "Activated"
    assert active["ActivatedDate"] is not None
    assert active["ActivatedById"] == active["LastModifiedById"]
    back = api.patch(f"{DATA}/sobjects/Contract/{first}", json={"Status": "Draft"})
    assert error_of(back)["errorCode"] == "FAILED_ACTIVATION"
    # And EndDate is the platform's to compute
    written = api.patch(f"{DATA}/sobjects/Contract/{first}", json={"EndDate": "2030-01-01"})
    assert error_of(written)["errorCode"] == "INVALID_FIELD_FOR_INSERT_UPDATE"


def test_deleting_an_account_cascades_to_its_children(api, emu: SalesforceEmulator, catalog):
    # Given an account with a contact, an opportunity with a line, and a contract
    contact = create(api, "Contact", LastName="Lee", AccountId=catalog["account"])
    line = create(
        api,
        "OpportunityLineItem",
        OpportunityId=catalog["opportunity"],
        PricebookEntryId=catalog["custom_entry"],
        Quantity=1,
        UnitPrice=80,
    )
    # When the account is deleted
    assert api.delete(f"{DATA}/sobjects/Account/{catalog['account']}").status_code == 204
    # Then its children are deleted with it
    assert stored(emu, "Contact", contact)["IsDeleted"] is True
    assert stored(emu, "Opportunity", catalog["opportunity"])["IsDeleted"] is True
    assert stored(emu, "OpportunityLineItem", line)["IsDeleted"] is True


def test_a_price_book_entry_in_use_cannot_be_deleted(api, catalog):
    # Given a line using an entry
    create(
        api,
        "OpportunityLineItem",
        OpportunityId=catalog["opportunity"],
        PricebookEntryId=catalog["custom_entry"],
        Quantity=1,
        UnitPrice=80,
    )
    # When the entry is deleted
    answer = api.delete(f"{DATA}/sobjects/PricebookEntry/{catalog['custom_entry']}")
    # Then the delete fails
    assert answer.status_code == 400
    assert error_of(answer)["errorCode"] == "DELETE_FAILED"
