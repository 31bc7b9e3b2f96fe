"""sObject rows: create, read, update, delete, and each error the platform answers with."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from sandbox.emulators.salesforce import SalesforceEmulator
from sandbox.emulators.salesforce.ids import checksum, is_valid
from shared.jsonutil import dumps, loads
from tests.unit.emulators.salesforce.helpers import DATA, create, error_of, stored

SF_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$")


def test_ids_carry_the_case_safe_suffix():
    # Given a documented 15-character id
    # When its 18-character form is computed
    # Then the suffix encodes the case of its letters
    assert checksum("001A0000006Vm9r") == "IAC"
    assert is_valid("001A0000006Vm9rIAC")
    assert not is_valid("001A0000006Vm9rAAA")
    assert not is_valid("001A0000006Vm9")


def test_create_then_read_a_record_with_its_system_fields(api):
    # Given a new account
    answer = api.post(f"{DATA}/sobjects/Account", json={"Name": "Acme", "Phone": "555"})
    # When it is created
    assert answer.status_code == 201
    body = answer.json()
    assert body["success"] is True
    assert body["errors"] == []
    account_id = body["id"]
    assert account_id.startswith("001")
    assert is_valid(account_id)
    assert len(account_id) == 18
    # Then reading it returns all fields, attributes first, audit fields set
    record = api.get(f"{DATA}/sobjects/Account/{account_id}").json()
    assert next(iter(record)) == "attributes"
    assert record["attributes"] == {
        "type": "Account",
        "url": f"{DATA}/sobjects/Account/{account_id}",
    }
    assert record["Name"] == "Acme"
    assert record["IsDeleted"] is False
    assert record["Website"] is None
    assert SF_DATETIME.match(record["CreatedDate"])
    assert record["CreatedDate"] == record["LastModifiedDate"] == record["SystemModstamp"]
    assert record["CreatedById"].startswith("005")
    assert record["OwnerId"] == record["CreatedById"]


def test_fields_parameter_and_15_character_ids(api):
    # Given an account
    account_id = create(api, "Account", Name="Acme", Industry="Banking")
    # When it is read by its 15-character id, asking for two fields
    answer = api.get(
        f"{DATA}/sobjects/Account/{account_id[:15]}", params={"fields": "name,Industry"}
    )
    # Then only those fields (canonically spelled) and the Id come back
    assert answer.json() == {
        "attributes": {"type": "Account", "url": f"{DATA}/sobjects/Account/{account_id}"},
        "Name": "Acme",
        "Industry": "Banking",
        "Id": account_id,
    }


def test_update_bumps_last_modified_and_delete_hides_the_record(api):
    # Given an account
    account_id = create(api, "Account", Name="Acme")
    before = api.get(f"{DATA}/sobjects/Account/{account_id}").json()
    # When it is updated
    patched = api.patch(f"{DATA}/sobjects/Account/{account_id}", json={"Name": "Acme Ltd"})
    # Then the answer is 204 and the audit fields move on
    assert patched.status_code == 204
    assert patched.content == b""
    after = api.get(f"{DATA}/sobjects/Account/{account_id}").json()
    assert after["Name"] == "Acme Ltd"
    assert after["SystemModstamp"] > before["SystemModstamp"]
    assert after["CreatedDate"] == before["CreatedDate"]
    # When it is deleted
    deleted = api.delete(f"{DATA}/sobjects/Account/{account_id}")
    # Then it is gone for reads, and deleting again says so
    assert deleted.status_code == 204
    gone = api.get(f"{DATA}/sobjects/Account/{account_id}")
    assert gone.status_code == 404
    assert error_of(gone)["errorCode"] == "NOT_FOUND"
    again = api.delete(f"{DATA}/sobjects/Account/{account_id}")
    assert again.status_code == 404
    assert error_of(again) == {
        "message": "entity is deleted",
        "errorCode": "ENTITY_IS_DELETED",
        "fields": [],
    }


def test_money_keeps_exact_decimals(api, emu):
    # Given an opportunity amount no float can hold exactly
    amount = Decimal("1234567890123456.78")
    body = dumps(
        {"Name": "Big", "StageName": "Prospecting", "CloseDate": "2024-05-01", "Amount": amount}
    )
    created = api.post(
        f"{DATA}/sobjects/Opportunity", content=body, headers={"Content-Type": "application/json"}
    )
    opportunity_id = created.json()["id"]
    # When it is read back
    answer = api.get(f"{DATA}/sobjects/Opportunity/{opportunity_id}")
    # Then the JSON number is exact, and the store holds a Decimal
    assert loads(answer.content)["Amount"] == amount
    assert b"1234567890123456.78" in answer.content
    assert stored(emu, "Opportunity", opportunity_id)["Amount"] == amount


def test_dates_and_datetimes_on_the_wire(api):
    # Given a contract with a date and a dateTime given with an offset
    account_id = create(api, "Account", Name="Acme")
    contract_id = create(
        api,
        "Contract",
        AccountId=account_id,
        Status="Draft",
        StartDate="2024-05-01",
        Intacct_Last_Sync__c="2024-05-01T12:30:00.250+02:00",
    )
    # When it is read
    record = api.get(f"{DATA}/sobjects/Contract/{contract_id}").json()
    # Then the date is YYYY-MM-DD and the dateTime is UTC with milliseconds and +0000
    assert record["StartDate"] == "2024-05-01"
    assert record["Intacct_Last_Sync__c"] == "2024-05-01T10:30:00.250+0000"


@pytest.mark.parametrize(
    ("sobject", "body", "status", "error"),
    [
        (
            "Account",
            {"Phone": "555"},
            400,
            {
                "message": "Required fields are missing: [Name]",
                "errorCode": "REQUIRED_FIELD_MISSING",
                "fields": ["Name"],
            },
        ),
        (
            "Account",
            {"Name": "A", "Colour__c": "red"},
            400,
            {
                "message": "No such column 'Colour__c' on sobject of type Account",
                "errorCode": "INVALID_FIELD",
            },
        ),
        (
            "Account",
            {"Name": "A", "CreatedDate": "2024-01-01T00:00:00Z"},
            400,
            {
                "message": "Unable to create/update fields: CreatedDate. Please check the "
                "security settings of this field and verify that it is read/write for your "
                "profile or permission set.",
                "errorCode": "INVALID_FIELD_FOR_INSERT_UPDATE",
                "fields": ["CreatedDate"],
            },
        ),
        (
            "Account",
            {"Name": "A", "Intacct_Customer_ID__c": "X" * 21},
            400,
            {
                "message": f"Intacct Customer ID: data value too large: {'X' * 21} (max length=20)",
                "errorCode": "STRING_TOO_LONG",
                "fields": ["Intacct_Customer_ID__c"],
            },
        ),
        (
            "Contact",
            {"LastName": "L", "AccountId": "not-an-id"},
            400,
            {
                "message": "Account ID: id value of incorrect type: not-an-id",
                "errorCode": "MALFORMED_ID",
                "fields": ["AccountId"],
            },
        ),
        (
            "Contact",
            {"LastName": "L", "AccountId": "0015g00000ZZZZZAA5"},
            400,
            {
                "message": "invalid cross reference id",
                "errorCode": "INVALID_CROSS_REFERENCE_KEY",
                "fields": ["AccountId"],
            },
        ),
        (
            "Opportunity",
            {"Name": "O", "StageName": "Dreaming", "CloseDate": "2024-01-01"},
            400,
            {
                "message": "Stage: bad value for restricted picklist field: Dreaming",
                "errorCode": "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                "fields": ["StageName"],
            },
        ),
        (
            "Account",
            {"Name": "A", "Id": "0015g0000000001AAA"},
            400,
            {
                "message": "cannot specify Id in an insert call",
                "errorCode": "INVALID_FIELD",
                "fields": ["Id"],
            },
        ),
    ],
)
def test_refused_creates(api, sobject, body, status, error):
    # Given a body the platform refuses
    # When it is posted
    answer = api.post(f"{DATA}/sobjects/{sobject}", json=body)
    # Then the status and the error array are the platform's
    assert answer.status_code == status
    assert answer.json() == [error]


def test_wrong_id_prefix_on_a_reference_is_malformed(api):
    # Given a contact id where an account id belongs
    account_id = create(api, "Account", Name="A")
    contact_id = create(api, "Contact", LastName="L", AccountId=account_id)
    # When it is used as AccountId
    answer = api.post(f"{DATA}/sobjects/Contact", json={"LastName": "M", "AccountId": contact_id})
    # Then the id is of the wrong type
    assert error_of(answer)["errorCode"] == "MALFORMED_ID"
    assert error_of(answer)["message"] == f"Account ID: id value of incorrect type: {contact_id}"


def test_unique_external_id_refuses_duplicates_case_insensitively(api):
    # Given an account with a customer id
    first = create(api, "Account", Name="A", Intacct_Customer_ID__c="CUST-1")
    # When another account takes the same id in another case
    answer = api.post(
        f"{DATA}/sobjects/Account", json={"Name": "B", "Intacct_Customer_ID__c": "cust-1"}
    )
    # Then it is a duplicate, naming the first record by its 15-character id
    assert answer.status_code == 400
    assert answer.json() == [
        {
            "message": "duplicate value found: Intacct_Customer_ID__c duplicates value on "
            f"record with id: {first[:15]}",
            "errorCode": "DUPLICATE_VALUE",
            "fields": [],
        }
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The HTTP entity body is required, but this request has no entity body."),
        (b"{'Name': 'x'}", "Unexpected character ('''"),
        (b'{"Name": "x",}', "Unexpected character ('}'"),
    ],
)
def test_bodies_that_are_not_json(api, content, message):
    # Given a body that is not JSON
    # When it is posted
    answer = api.post(
        f"{DATA}/sobjects/Account", content=content, headers={"Content-Type": "application/json"}
    )
    # Then the JSON reader refuses it
    assert answer.status_code == 400
    assert error_of(answer)["errorCode"] == "JSON_PARSER_ERROR"
    assert error_of(answer)["message"].startswith(message)


@pytest.mark.parametrize(
    ("field", "value", "java_type"),
    [("CloseDate", "01/05/2024", "date"), ("Amount", "lots", "double"), ("Amount", True, "double")],
)
def test_values_of_the_wrong_type_are_parser_errors(api, field, value, java_type):
    # Given a field value the JSON reader cannot turn into the field's type
    body = {"Name": "O", "StageName": "Prospecting", "CloseDate": "2024-05-01", field: value}
    # When it is posted
    answer = api.post(f"{DATA}/sobjects/Opportunity", json=body)
    # Then it is a JSON_PARSER_ERROR naming the type
    assert error_of(answer)["errorCode"] == "JSON_PARSER_ERROR"
    assert error_of(answer)["message"].startswith(f"Cannot deserialize instance of {java_type}")


def test_updating_read_only_fields_is_refused(api):
    # Given an opportunity
    opportunity_id = create(
        api, "Opportunity", Name="O", StageName="Prospecting", CloseDate="2024-05-01"
    )
    # When a derived field is written
    answer = api.patch(f"{DATA}/sobjects/Opportunity/{opportunity_id}", json={"IsWon": True})
    # Then the field is not writable
    assert error_of(answer)["errorCode"] == "INVALID_FIELD_FOR_INSERT_UPDATE"
    assert error_of(answer)["fields"] == ["IsWon"]


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/sobjects/Account/0015g00000ZZZZZAA5", 404, "NOT_FOUND"),
        ("/sobjects/Widget__c/0015g00000ZZZZZAA5", 404, "NOT_FOUND"),
        ("/sobjects/Widget__c", 404, "NOT_FOUND"),
        ("/nonsense", 404, "NOT_FOUND"),
    ],
)
def test_unknown_resources(api, path, status, code):
    # Given a path naming no record, object or resource
    # When it is read
    answer = api.get(f"{DATA}{path}")
    # Then the answer is 404 NOT_FOUND
    assert answer.status_code == status
    assert error_of(answer)["errorCode"] == code


def test_a_segment_that_is_not_an_id_is_taken_for_an_external_id_field(api):
    # Given a record URL whose last segment is not an id
    # When it is read
    answer = api.get(f"{DATA}/sobjects/Account/abc")
    # Then the platform's message for an unknown external id field comes back
    assert answer.status_code == 404
    assert error_of(answer)["message"] == (
        "Provided external ID field does not exist or is not accessible: abc"
    )


def test_method_not_allowed(api):
    # Given a record resource
    # When it is called with PUT
    answer = api.put(f"{DATA}/sobjects/Account/0015g00000ZZZZZAA5", json={})
    # Then the allowed methods are listed
    assert answer.status_code == 405
    assert error_of(answer)["message"] == (
        "HTTP Method 'PUT' not allowed. Allowed are DELETE,GET,HEAD,PATCH"
    )


def test_describe_lists_fields_with_their_properties(api):
    # Given the Account object
    # When it is described
    described = api.get(f"{DATA}/sobjects/Account/describe").json()
    # Then its fields carry the describe properties
    fields = {f["name"]: f for f in described["fields"]}
    assert described["keyPrefix"] == "001"
    assert fields["Name"]["nillable"] is False
    assert fields["Intacct_Customer_ID__c"]["externalId"] is True
    assert fields["Intacct_Customer_ID__c"]["unique"] is True
    assert fields["Intacct_Customer_ID__c"]["length"] == 20
    assert fields["CreatedDate"]["createable"] is False
    assert fields["OwnerId"]["referenceTo"] == ["User"]
    assert fields["OwnerId"]["relationshipName"] == "Owner"
    stage = {
        f["name"]: f for f in api.get(f"{DATA}/sobjects/Opportunity/describe").json()["fields"]
    }["StageName"]
    assert {
        "active": True,
        "defaultValue": False,
        "label": "Closed Won",
        "validFor": None,
        "value": "Closed Won",
    } in stage["picklistValues"]


def test_custom_object_records_are_named_after_their_id(api, emu: SalesforceEmulator):
    # Given a custom object record created without a Name
    record_id = create(api, "Intacct_Contract__c", Intacct_Contract_ID__c="C-1")
    # When it is read
    record = api.get(f"{DATA}/sobjects/Intacct_Contract__c/{record_id}").json()
    # Then its key prefix is a custom one and its Name is its id
    assert record_id.startswith("a01")
    assert record["Name"] == record_id


def test_responses_carry_the_api_usage_header(api):
    # Given a session
    # When two calls are made
    first = api.get(f"{DATA}/limits")
    second = api.get(f"{DATA}/limits")
    # Then the usage counter in Sforce-Limit-Info moves on
    assert first.headers["Sforce-Limit-Info"] == "api-usage=1/15000"
    assert second.headers["Sforce-Limit-Info"] == "api-usage=2/15000"
    assert second.json()["DailyApiRequests"] == {"Max": 15000, "Remaining": 14998}


def test_head_answers_like_get_without_a_body(api):
    # Given an account
    account_id = create(api, "Account", Name="Acme")
    # When it is asked for with HEAD, by id and by a missing id
    found = api.head(f"{DATA}/sobjects/Account/{account_id}")
    missing = api.head(f"{DATA}/sobjects/Account/0015g00000ZZZZZAA5")
    # Then the statuses are GET's, without bodies
    assert (found.status_code, found.content) == (200, b"")
    assert (missing.status_code, missing.content) == (404, b"")
