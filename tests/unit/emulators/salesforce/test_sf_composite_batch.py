"""/composite/batch (REST API Developer Guide, "Batch" and its examples)."""

from __future__ import annotations

from sandbox.emulators.salesforce import SalesforceEmulator
from tests.unit.emulators.salesforce.helpers import DATA, create, stored

BATCH = f"{DATA}/composite/batch"


def test_documented_example_update_then_read(api, emu: SalesforceEmulator):
    # Given an account, and the guide's batch: rename it, then read two of its fields
    account_id = create(api, "Account", Name="Old", BillingPostalCode="94105")
    body = {
        "batchRequests": [
            {
                "method": "PATCH",
                "url": f"v62.0/sobjects/account/{account_id}",
                "richInput": {"Name": "NewName"},
            },
            {
                "method": "GET",
                "url": f"v62.0/sobjects/account/{account_id}?fields=Name,BillingPostalCode",
            },
        ]
    }
    # When the batch runs
    answer = api.post(BATCH, json=body)
    # Then each subrequest answers in order: 204 with no result, then the record
    assert answer.status_code == 200
    assert answer.json() == {
        "hasErrors": False,
        "results": [
            {"statusCode": 204, "result": None},
            {
                "statusCode": 200,
                "result": {
                    "attributes": {
                        "type": "Account",
                        "url": f"{DATA}/sobjects/Account/{account_id}",
                    },
                    "Name": "NewName",
                    "BillingPostalCode": "94105",
                    "Id": account_id,
                },
            },
        ],
    }
    assert stored(emu, "Account", account_id)["Name"] == "NewName"


def test_errors_without_halting_keep_the_other_results(api, emu: SalesforceEmulator):
    # Given a batch whose first subrequest fails and second creates an account
    body = {
        "batchRequests": [
            {"method": "POST", "url": "v62.0/sobjects/Account", "richInput": {"Phone": "1"}},
            {"method": "POST", "url": "v62.0/sobjects/Account", "richInput": {"Name": "Kept"}},
        ]
    }
    # When it runs without haltOnError
    results = api.post(BATCH, json=body).json()
    # Then hasErrors is set, the failure carries its error array, and the create is kept
    assert results["hasErrors"] is True
    first, second = results["results"]
    assert first["statusCode"] == 400
    assert first["result"][0]["errorCode"] == "REQUIRED_FIELD_MISSING"
    assert second["statusCode"] == 201
    assert [a["Name"] for a in emu.records("Account")] == ["Kept"]


def test_halt_on_error_skips_the_rest(api, emu: SalesforceEmulator):
    # Given a batch whose first subrequest reads a record that does not exist
    body = {
        "haltOnError": True,
        "batchRequests": [
            {"method": "GET", "url": "v62.0/sobjects/Account/001000000000000AAA"},
            {"method": "POST", "url": "v62.0/sobjects/Account", "richInput": {"Name": "Skipped"}},
        ],
    }
    # When it runs with haltOnError
    results = api.post(BATCH, json=body).json()
    # Then the rest answer 412 BATCH_PROCESSING_HALTED and did not run
    assert results["hasErrors"] is True
    assert results["results"][0]["statusCode"] == 404
    assert results["results"][1] == {
        "statusCode": 412,
        "result": [
            {
                "errorCode": "BATCH_PROCESSING_HALTED",
                "message": "Batch processing halted per request",
            }
        ],
    }
    assert emu.records("Account") == []


def test_query_subrequest_and_limit_of_25(api):
    # Given a batch holding a query, and one of 26 subrequests
    create(api, "Account", Name="Acme")
    query = {"method": "GET", "url": "v62.0/query?q=SELECT+Name+FROM+Account"}
    # When each is sent
    ok = api.post(BATCH, json={"batchRequests": [query]})
    too_many = api.post(BATCH, json={"batchRequests": [query] * 26})
    # Then the query answers its records, and 26 is refused as a whole
    assert ok.json()["results"][0]["result"]["records"][0]["Name"] == "Acme"
    assert too_many.status_code == 400
    assert too_many.json()[0]["errorCode"] == "LIMIT_EXCEEDED"
