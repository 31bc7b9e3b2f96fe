"""/composite: references between subrequests, allOrNone, the documented examples
(REST API Developer Guide, "Composite", "Composite Response Body", "allOrNone Parameters in
Composite and Collections Requests")."""

from __future__ import annotations

from typing import Any

import httpx

from sandbox.emulators.salesforce import SalesforceEmulator
from tests.unit.emulators.salesforce.helpers import DATA, create, error_of, stored

COMPOSITE = f"{DATA}/composite"
HALTED = {
    "errorCode": "PROCESSING_HALTED",
    "message": "The transaction was rolled back since another operation in the same "
    "transaction failed.",
}


def composite(api: httpx.Client, *subrequests: dict[str, Any], **flags: Any) -> list[Any]:
    answer = api.post(COMPOSITE, json={**flags, "compositeRequest": list(subrequests)})
    assert answer.status_code == 200, answer.text
    results: list[Any] = answer.json()["compositeResponse"]
    return results


def new_account(ref: str = "refAccount", **fields: Any) -> dict[str, Any]:
    return {
        "method": "POST",
        "url": f"{DATA}/sobjects/Account",
        "referenceId": ref,
        "body": fields or {"Name": "Sample Account"},
    }


def test_documented_example_account_and_contact_linked_by_reference(api, emu: SalesforceEmulator):
    # Given the guide's example: an account, then a contact whose AccountId refers to it
    contact = {
        "method": "POST",
        "url": f"{DATA}/sobjects/Contact",
        "referenceId": "refContact",
        "body": {"LastName": "Sample Contact", "AccountId": "@{refAccount.id}"},
    }
    # When both go in one composite request with allOrNone
    first, second = composite(api, new_account(), contact, allOrNone=True)
    # Then each answers as its own resource would, with its Location, in order
    account_id = first["body"]["id"]
    assert first == {
        "body": {"id": account_id, "success": True, "errors": []},
        "httpHeaders": {"Location": f"{DATA}/sobjects/Account/{account_id}"},
        "httpStatusCode": 201,
        "referenceId": "refAccount",
    }
    contact_id = second["body"]["id"]
    assert second["httpStatusCode"] == 201
    assert second["httpHeaders"] == {"Location": f"{DATA}/sobjects/Contact/{contact_id}"}
    assert second["referenceId"] == "refContact"
    # And the contact points at the new account
    assert stored(emu, "Contact", contact_id)["AccountId"] == account_id


def test_reference_into_query_records_and_url(api, emu: SalesforceEmulator):
    # Given an account found by a query, as the guide's "@{AccountInfo.records[0].Id}" example
    account_id = create(api, "Account", Name="Acme", BillingCity="Paris")
    query = {
        "method": "GET",
        "url": f"{DATA}/query/?q=SELECT+Id,Name+FROM+Account+WHERE+Name+=+'Acme'",
        "referenceId": "AccountInfo",
    }
    contact = {
        "method": "POST",
        "url": f"{DATA}/sobjects/Contact",
        "referenceId": "NewContact",
        "body": {"LastName": "Lee", "AccountId": "@{AccountInfo.records[0].Id}"},
    }
    read_back = {
        "method": "GET",
        "url": f"{DATA}/sobjects/Account/@{{AccountInfo.records[0].Id}}?fields=Name,BillingCity",
        "referenceId": "AccountRead",
    }
    # When they run in one composite request
    found, created, read = composite(api, query, contact, read_back)
    # Then the query answered its page, the contact is linked, and the url reference resolved
    assert found["httpStatusCode"] == 200
    assert found["body"]["totalSize"] == 1
    assert found["httpHeaders"] == {}
    assert created["httpStatusCode"] == 201
    assert stored(emu, "Contact", created["body"]["id"])["AccountId"] == account_id
    assert read["httpStatusCode"] == 200
    assert read["body"]["BillingCity"] == "Paris"
    assert read["body"]["Id"] == account_id


def test_all_or_none_rolls_back_everything_on_the_first_failure(api, emu: SalesforceEmulator):
    # Given an outbound rule on accounts, and a composite whose contact lacks its LastName
    emu.add_outbound_message("acct", "Account", ["Name"], "http://listener.test/")
    bad_contact = {
        "method": "POST",
        "url": f"{DATA}/sobjects/Contact",
        "referenceId": "refContact",
        "body": {"FirstName": "No", "AccountId": "@{refAccount.id}"},
    }
    later = new_account("refLater", Name="Never Runs")
    # When it is sent with allOrNone
    first, second, third = composite(api, new_account(), bad_contact, later, allOrNone=True)
    # Then the failing subrequest keeps its own error and every other one is halted
    assert first == {
        "body": [HALTED],
        "httpHeaders": {},
        "httpStatusCode": 400,
        "referenceId": "refAccount",
    }
    assert second["httpStatusCode"] == 400
    assert error_of(httpx.Response(400, json=second["body"]))["errorCode"] == (
        "REQUIRED_FIELD_MISSING"
    )
    assert third["body"] == [HALTED]
    assert third["referenceId"] == "refLater"
    # And nothing was kept, nor any outbound message queued
    assert emu.records("Account") == []
    assert emu.records("Contact") == []
    assert emu.pending_outbound() == 0


def test_without_all_or_none_only_dependents_of_a_failure_are_halted(api, emu: SalesforceEmulator):
    # Given an account that fails (no Name), a contact referring to it, and an unrelated one
    bad_account = new_account("refAccount", Description="no name")
    dependent = {
        "method": "POST",
        "url": f"{DATA}/sobjects/Contact",
        "referenceId": "refContact",
        "body": {"LastName": "Dependent", "AccountId": "@{refAccount.id}"},
    }
    unrelated = new_account("refOther", Name="Unrelated")
    # When they run without allOrNone
    failed, halted, ok = composite(api, bad_account, dependent, unrelated)
    # Then the failure is its own, the dependent cannot resolve its reference, the rest runs
    assert failed["httpStatusCode"] == 400
    assert failed["body"][0]["errorCode"] == "REQUIRED_FIELD_MISSING"
    assert halted == {
        "body": [
            {
                "errorCode": "PROCESSING_HALTED",
                "message": "Invalid reference specified. No value for refAccount.id found "
                "in refAccount",
            }
        ],
        "httpHeaders": {},
        "httpStatusCode": 400,
        "referenceId": "refContact",
    }
    assert ok["httpStatusCode"] == 201
    assert [a["Name"] for a in emu.records("Account")] == ["Unrelated"]
    assert emu.records("Contact") == []


def test_upsert_by_external_id_and_delete_as_subrequests(api, emu: SalesforceEmulator):
    # Given an upsert by external id, the same upsert again, and a delete of the record
    url = f"{DATA}/sobjects/Account/Intacct_Customer_ID__c/C-100"
    upsert = {"method": "PATCH", "url": url, "body": {"Name": "Acme"}}
    # When they run in one composite request, the delete referring to the upsert's id
    created, updated, deleted = composite(
        api,
        {**upsert, "referenceId": "first"},
        {**upsert, "referenceId": "second", "body": {"Name": "Acme Corp"}},
        {"method": "DELETE", "url": f"{DATA}/sobjects/Account/@{{first.id}}", "referenceId": "d"},
    )
    # Then the first inserts (201, Location), the second updates (200), the delete is 204
    record_id = created["body"]["id"]
    assert created["httpStatusCode"] == 201
    assert created["body"]["created"] is True
    assert created["httpHeaders"] == {"Location": f"{DATA}/sobjects/Account/{record_id}"}
    assert updated["httpStatusCode"] == 200
    assert updated["body"] == {"id": record_id, "success": True, "errors": [], "created": False}
    assert deleted == {"body": None, "httpHeaders": {}, "httpStatusCode": 204, "referenceId": "d"}
    assert stored(emu, "Account", record_id)["IsDeleted"] is True
    assert stored(emu, "Account", record_id)["Name"] == "Acme Corp"


def _collection_then_contact() -> tuple[dict[str, Any], dict[str, Any]]:
    """The guide's allOrNone example: a collection whose second account is a duplicate."""
    collection = {
        "method": "POST",
        "url": f"{DATA}/composite/sobjects",
        "referenceId": "newAccounts",
        "body": {
            "allOrNone": False,
            "records": [
                {"attributes": {"type": "Account"}, "Name": "Northern Trail Outfitters"},
                {
                    "attributes": {"type": "Account"},
                    "Name": "Easy Spaces",
                    "Intacct_Customer_ID__c": "TAKEN",
                },
            ],
        },
    }
    contact = {
        "method": "POST",
        "url": f"{DATA}/sobjects/Contact",
        "referenceId": "newContact",
        "body": {"FirstName": "John", "LastName": "Smith"},
    }
    return collection, contact


def test_collections_subrequest_keeps_its_own_all_or_none_when_the_outer_is_off(
    api, emu: SalesforceEmulator
):
    # Given an account holding the external id the collection's second record repeats
    emu.insert("Account", {"Name": "Existing", "Intacct_Customer_ID__c": "TAKEN"})
    collection, contact = _collection_then_contact()
    # When the composite runs with allOrNone false outside and false inside (case 1)
    accounts, person = composite(api, collection, contact, allOrNone=False)
    # Then one account is created and one fails, and the contact is created
    assert [r["success"] for r in accounts["body"]] == [True, False]
    assert person["httpStatusCode"] == 201
    assert sorted(a["Name"] for a in emu.records("Account")) == [
        "Existing",
        "Northern Trail Outfitters",
    ]


def test_outer_all_or_none_overrides_the_collections_flag(api, emu: SalesforceEmulator):
    # Given the same collection, its own allOrNone false
    emu.insert("Account", {"Name": "Existing", "Intacct_Customer_ID__c": "TAKEN"})
    collection, contact = _collection_then_contact()
    # When the composite runs with allOrNone true (case 4: outer true, inner false)
    accounts, person = composite(api, collection, contact, allOrNone=True)
    # Then the collection is all-or-none too, and the whole composite is rolled back
    good, duplicate = accounts["body"]
    assert good["success"] is False
    assert good["errors"][0]["statusCode"] == "ALL_OR_NONE_OPERATION_ROLLED_BACK"
    assert duplicate["errors"][0]["statusCode"] == "DUPLICATE_VALUE"
    assert person == {
        "body": [HALTED],
        "httpHeaders": {},
        "httpStatusCode": 400,
        "referenceId": "newContact",
    }
    assert [a["Name"] for a in emu.records("Account")] == ["Existing"]
    assert emu.records("Contact") == []


def test_composite_is_one_api_call(api, emu: SalesforceEmulator):
    # Given the usage before a composite of three subrequests
    before = api.get(f"{DATA}/limits").json()["DailyApiRequests"]["Remaining"]
    # When it runs
    answer = api.post(
        COMPOSITE,
        json={"compositeRequest": [new_account(f"a{i}", Name=f"A{i}") for i in range(3)]},
    )
    # Then it counted once (the limits read itself is one more), and each write is logged
    after = api.get(f"{DATA}/limits").json()["DailyApiRequests"]["Remaining"]
    assert answer.status_code == 200
    assert before - after == 2
    assert len(emu.calls.writes("Account")) == 3


def test_request_level_errors(api):
    # Given requests the composite resource refuses as a whole
    too_many = [new_account(f"r{i}", Name=str(i)) for i in range(26)]
    with_auth = {**new_account(), "httpHeaders": {"Authorization": "Bearer x"}}
    duplicate = [new_account("same"), new_account("same")]
    # When each is sent
    answers = [
        api.post(COMPOSITE, json={"compositeRequest": too_many}),
        api.post(COMPOSITE, json={"compositeRequest": [with_auth]}),
        api.post(COMPOSITE, json={"compositeRequest": duplicate}),
        api.post(COMPOSITE, json={"allOrNone": True}),
    ]
    # Then each is a 400 with the error array, and nothing ran
    assert [a.status_code for a in answers] == [400, 400, 400, 400]
    assert error_of(answers[0])["errorCode"] == "LIMIT_EXCEEDED"
    assert "Authorization" in error_of(answers[1])["message"]
    assert "Duplicate ReferenceId" in error_of(answers[2])["message"]
    assert error_of(answers[3])["errorCode"] == "JSON_PARSER_ERROR"


def test_unknown_resource_in_a_subrequest_answers_not_found(api):
    # Given a subrequest naming a resource that does not exist
    missing = {"method": "GET", "url": f"{DATA}/nothing/here", "referenceId": "x"}
    # When it runs
    (result,) = composite(api, missing)
    # Then it answers as the top-level resource would: 404 NOT_FOUND
    assert result["httpStatusCode"] == 404
    assert result["body"][0]["errorCode"] == "NOT_FOUND"


def test_at_most_five_queries_or_collections(api, emu: SalesforceEmulator):
    # Given five queries, and then six
    query = {"method": "GET", "url": f"{DATA}/query/?q=SELECT+Id+FROM+Account"}
    five = [{**query, "referenceId": f"q{i}"} for i in range(5)]
    six = [*five, {**query, "referenceId": "q5"}]
    # When each composite is sent
    allowed = api.post(COMPOSITE, json={"compositeRequest": five})
    refused = api.post(COMPOSITE, json={"compositeRequest": six})
    # Then five run and six are refused as a whole
    assert [r["httpStatusCode"] for r in allowed.json()["compositeResponse"]] == [200] * 5
    assert refused.status_code == 400
    assert error_of(refused)["errorCode"] == "LIMIT_EXCEEDED"
