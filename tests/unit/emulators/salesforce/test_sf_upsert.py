"""sObject rows by external id: upsert, read and delete through an external id field."""

from __future__ import annotations

import pytest

from sandbox.emulators.salesforce import SalesforceEmulator
from sandbox.emulators.salesforce.objects import f, sobject
from tests.unit.emulators.salesforce.helpers import DATA, create, error_of, stored

EXT = f"{DATA}/sobjects/Account/Intacct_Customer_ID__c"


def test_upsert_creates_then_updates(api, emu: SalesforceEmulator):
    # Given no account with customer id C-100
    # When an upsert names it
    created = api.patch(f"{EXT}/C-100", json={"Name": "Acme"})
    # Then the account is created: 201 with created true
    assert created.status_code == 201
    body = created.json()
    assert body == {"id": body["id"], "success": True, "errors": [], "created": True}
    assert stored(emu, "Account", body["id"])["Intacct_Customer_ID__c"] == "C-100"
    # When the same external id is upserted again (in another case)
    updated = api.patch(f"{EXT}/c-100", json={"Phone": "555"})
    # Then the same account is updated: 200 with created false
    assert updated.status_code == 200
    assert updated.json() == {"id": body["id"], "success": True, "errors": [], "created": False}
    assert stored(emu, "Account", body["id"])["Phone"] == "555"


def test_before_api_46_an_upsert_update_answers_204(api):
    # Given an account reachable by external id
    create(api, "Account", Name="Acme", Intacct_Customer_ID__c="C-1")
    # When it is upserted through API version 45.0
    answer = api.patch(
        "/services/data/v45.0/sobjects/Account/Intacct_Customer_ID__c/C-1", json={"Phone": "1"}
    )
    # Then the answer has no body, as before "created" was introduced
    assert answer.status_code == 204


def test_update_only_does_not_create(api):
    # Given no matching account
    # When an upsert says updateOnly
    answer = api.patch(f"{EXT}/C-404", params={"updateOnly": "true"}, json={"Name": "X"})
    # Then nothing is created
    assert answer.status_code == 404
    assert error_of(answer)["errorCode"] == "NOT_FOUND"


def test_read_and_delete_by_external_id(api):
    # Given an account with an external id holding a slash
    account_id = create(api, "Account", Name="Acme", Intacct_Customer_ID__c="A/1")
    # When it is read by that external id (URL-encoded)
    read = api.get(f"{EXT}/A%2F1")
    # Then it is the account, with all its fields
    assert read.status_code == 200
    assert read.json()["Id"] == account_id
    # When it is deleted by external id
    deleted = api.delete(f"{EXT}/A%2F1")
    # Then it is gone
    assert deleted.status_code == 204
    assert api.get(f"{EXT}/A%2F1").status_code == 404


def test_a_field_that_is_not_an_external_id_is_refused(api):
    # Given Phone, which is not an external id
    # When an upsert uses it
    answer = api.patch(f"{DATA}/sobjects/Account/Phone/555", json={"Name": "X"})
    # Then the platform says the external id field does not exist
    assert answer.status_code == 404
    assert answer.json() == [
        {
            "message": "Provided external ID field does not exist or is not accessible: Phone",
            "errorCode": "NOT_FOUND",
        }
    ]


@pytest.mark.parametrize("field", ["Intacct_Customer_ID__c", "Id"])
def test_the_matching_field_may_not_be_in_the_body(api, field):
    # Given an upsert body carrying the external id or Id
    # When it is sent
    answer = api.patch(f"{EXT}/C-1", json={"Name": "X", field: "C-1"})
    # Then it is refused
    assert answer.status_code == 400
    assert error_of(answer)["fields"] == [field]


def test_several_matches_answer_300_with_their_urls(api, emu: SalesforceEmulator):
    # Given an object whose external id is not unique, and two records sharing a value
    emu.org.schema.register(
        sobject("Legacy_Ref__c", "a09", f("Name", length=80), f("Ref__c", external_id=True))
    )
    first = create(api, "Legacy_Ref__c", Ref__c="R1")
    second = create(api, "Legacy_Ref__c", Ref__c="R1")
    # When an upsert names that value
    answer = api.patch(f"{DATA}/sobjects/Legacy_Ref__c/Ref__c/R1", json={"Name": "X"})
    # Then nothing is written and the answer lists both records
    assert answer.status_code == 300
    assert answer.json() == [
        f"{DATA}/sobjects/Legacy_Ref__c/{first}",
        f"{DATA}/sobjects/Legacy_Ref__c/{second}",
    ]
    assert stored(emu, "Legacy_Ref__c", first)["Name"] == first


def test_parent_by_external_id_in_a_body(api):
    # Given an account known by its customer id
    account_id = create(api, "Account", Name="Acme", Intacct_Customer_ID__c="C-9")
    # When a contact names its account through that external id
    contact_id = create(api, "Contact", LastName="Lee", Account={"Intacct_Customer_ID__c": "C-9"})
    # Then the lookup is resolved to the account
    assert api.get(f"{DATA}/sobjects/Contact/{contact_id}").json()["AccountId"] == account_id
    # And an unknown external id is refused
    missing = api.post(
        f"{DATA}/sobjects/Contact",
        json={"LastName": "X", "Account": {"Intacct_Customer_ID__c": "nope"}},
    )
    assert error_of(missing)["message"] == (
        "Foreign key external ID: nope not found for field Intacct_Customer_ID__c in entity Account"
    )
