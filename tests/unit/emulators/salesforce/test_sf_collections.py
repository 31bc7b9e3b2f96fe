"""sObject Collections: create, update, delete, retrieve, upsert, and allOrNone."""

from __future__ import annotations

from sandbox.emulators.salesforce import SalesforceEmulator
from tests.unit.emulators.salesforce.helpers import DATA, create, error_of, stored

COLLECTION = f"{DATA}/composite/sobjects"
ROLLED_BACK = {
    "statusCode": "ALL_OR_NONE_OPERATION_ROLLED_BACK",
    "message": "Record rolled back because not all records were valid and the request was "
    "using AllOrNone header",
    "fields": [],
}


def account(name: str | None, **fields: object) -> dict[str, object]:
    record: dict[str, object] = {"attributes": {"type": "Account"}, **fields}
    if name is not None:
        record["Name"] = name
    return record


def test_create_without_all_or_none_keeps_the_good_records(api, emu: SalesforceEmulator):
    # Given three accounts, the second missing its Name
    records = [account("One"), account(None), account("Three")]
    # When they are created together
    answer = api.post(COLLECTION, json={"allOrNone": False, "records": records})
    # Then each has its own result, in order; the failure has no id
    assert answer.status_code == 200
    first, second, third = answer.json()
    assert first["success"] is True
    assert first["id"].startswith("001")
    assert second == {
        "success": False,
        "errors": [
            {
                "statusCode": "REQUIRED_FIELD_MISSING",
                "message": "Required fields are missing: [Name]",
                "fields": ["Name"],
            }
        ],
    }
    assert third["success"] is True
    assert sorted(a["Name"] for a in emu.records("Account")) == ["One", "Three"]


def test_all_or_none_rolls_everything_back(api, emu: SalesforceEmulator):
    # Given an outbound rule on accounts, and a batch whose last record is invalid
    emu.add_outbound_message("acct", "Account", ["Name"], "http://listener.test/")
    records = [account("One"), account("Two"), account(None)]
    # When they are created with allOrNone
    answer = api.post(COLLECTION, json={"allOrNone": True, "records": records})
    # Then nothing is saved, the good ones report the roll-back, and no message is queued
    results = answer.json()
    assert results[0] == {"success": False, "errors": [ROLLED_BACK]}
    assert results[1] == {"success": False, "errors": [ROLLED_BACK]}
    assert results[2]["errors"][0]["statusCode"] == "REQUIRED_FIELD_MISSING"
    assert emu.records("Account") == []
    assert emu.pending_outbound() == 0


def test_mixed_types_and_update(api, emu: SalesforceEmulator):
    # Given an account and a contact created in one call
    created = api.post(
        COLLECTION,
        json={
            "records": [
                account("Acme"),
                {"attributes": {"type": "Contact"}, "LastName": "Lee"},
            ]
        },
    ).json()
    account_id, contact_id = (r["id"] for r in created)
    # When both are updated in one call, one of them with a bad value
    answer = api.patch(
        COLLECTION,
        json={
            "allOrNone": False,
            "records": [
                {"attributes": {"type": "Account"}, "id": account_id, "Phone": "555"},
                {"attributes": {"type": "Contact"}, "id": contact_id, "Email": "not-an-email"},
            ],
        },
    )
    # Then the good update sticks and the bad one reports the platform's error with its id
    good, bad = answer.json()
    assert good == {"id": account_id, "success": True, "errors": []}
    assert bad["id"] == contact_id
    assert bad["errors"][0]["statusCode"] == "INVALID_EMAIL_ADDRESS"
    assert stored(emu, "Account", account_id)["Phone"] == "555"


def test_delete_by_ids_with_all_or_none(api, emu: SalesforceEmulator):
    # Given two accounts and an id that matches nothing
    first = create(api, "Account", Name="One")
    second = create(api, "Account", Name="Two")
    # When all three are deleted with allOrNone
    answer = api.delete(COLLECTION, params={"ids": f"{first},{second},bogus", "allOrNone": "true"})
    # Then nothing is deleted
    results = answer.json()
    assert results[0] == {"id": first, "success": False, "errors": [ROLLED_BACK]}
    assert results[2]["errors"][0]["statusCode"] == "MALFORMED_ID"
    assert len(emu.records("Account")) == 2
    # When deleted without allOrNone
    ok = api.delete(COLLECTION, params={"ids": f"{first},{second}"}).json()
    # Then both go
    assert [r["success"] for r in ok] == [True, True]
    assert emu.records("Account") == []


def test_retrieve_by_ids(api):
    # Given an account
    account_id = create(api, "Account", Name="Acme", Phone="555")
    # When it and a missing id are retrieved with chosen fields
    missing = "0015g00000ZZZZZAA5"
    answer = api.get(
        f"{COLLECTION}/Account", params={"ids": f"{account_id},{missing}", "fields": "Name,Phone"}
    )
    # Then the records come in order, null for the missing one
    assert answer.json() == [
        {
            "attributes": {"type": "Account", "url": f"{DATA}/sobjects/Account/{account_id}"},
            "Name": "Acme",
            "Phone": "555",
        },
        None,
    ]


def test_upsert_by_external_id(api, emu: SalesforceEmulator):
    # Given an existing account with customer id C-1
    existing = create(api, "Account", Name="Old", Intacct_Customer_ID__c="C-1")
    # When C-1 and C-2 are upserted together
    answer = api.patch(
        f"{COLLECTION}/Account/Intacct_Customer_ID__c",
        json={
            "records": [
                account("New name", Intacct_Customer_ID__c="C-1"),
                account("Brand new", Intacct_Customer_ID__c="C-2"),
            ]
        },
    )
    # Then one is updated and one created
    updated, created = answer.json()
    assert updated == {"id": existing, "success": True, "errors": [], "created": False}
    assert created["created"] is True
    assert stored(emu, "Account", existing)["Name"] == "New name"


def test_more_than_200_records_is_refused_whole(api, emu: SalesforceEmulator):
    # Given 201 records
    records = [account(f"A{i}") for i in range(201)]
    # When they are posted
    answer = api.post(COLLECTION, json={"records": records})
    # Then the request is refused and nothing is written
    assert answer.status_code == 400
    assert answer.json() == [
        {
            "message": "record limit reached. cannot submit more than 200 records into this call",
            "errorCode": "EXCEEDED_ID_LIMIT",
        }
    ]
    assert emu.records("Account") == []


def test_records_need_a_type(api):
    # Given a record without attributes.type
    # When it is posted
    answer = api.post(COLLECTION, json={"records": [{"Name": "A"}]})
    # Then the whole request is refused
    assert answer.status_code == 400
    assert error_of(answer)["message"] == "Must send a concrete entity type."
    assert error_of(answer)["errorCode"] == "INVALID_TYPE"


def test_200_records_in_one_call_are_fine(api, emu: SalesforceEmulator):
    # Given exactly 200 records
    records = [account(f"A{i}") for i in range(200)]
    # When they are posted
    answer = api.post(COLLECTION, json={"allOrNone": True, "records": records})
    # Then all are created
    assert all(r["success"] for r in answer.json())
    assert len(emu.records("Account")) == 200
