"""describe, describe global and /limits carry every key the REST API Developer Guide
documents ("sObject Describe", "Describe Global", "Limits" and "List Organization Limits"
example), and a query naming every described field of every served object succeeds."""

from __future__ import annotations

from collections.abc import Iterator

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
)

OBJECT_KEYS = {
    "actionOverrides", "activateable", "associateEntityType", "associateParentEntity",
    "childRelationships", "compactLayoutable", "createable", "custom", "customSetting",
    "deepCloneable", "defaultImplementation", "deletable", "deprecatedAndHidden",
    "extendedBy", "extendsInterfaces", "feedEnabled", "fields", "hasSubtypes",
    "implementedBy", "implementsInterfaces", "isInterface", "isSubtype", "keyPrefix", "label",
    "labelPlural", "layoutable", "listviewable", "lookupLayoutable", "mergeable", "mruEnabled",
    "name", "namedLayoutInfos", "networkScopeFieldName", "queryable", "recordTypeInfos",
    "replicateable", "retrieveable", "searchLayoutable", "searchable", "sobjectDescribeOption",
    "supportedScopes", "triggerable", "undeletable", "updateable", "urls",
}  # fmt: skip
FIELD_KEYS = {
    "aggregatable", "aiPredictionField", "autoNumber", "byteLength", "calculated",
    "calculatedFormula", "cascadeDelete", "caseSensitive", "compoundFieldName",
    "controllerName", "createable", "custom", "defaultValue", "defaultValueFormula",
    "defaultedOnCreate", "dependentPicklist", "deprecatedAndHidden", "digits",
    "displayLocationInDecimal", "encrypted", "externalId", "extraTypeInfo", "filterable",
    "filteredLookupInfo", "formulaTreatNullNumberAsZero", "groupable", "highScaleNumber",
    "htmlFormatted", "idLookup", "inlineHelpText", "label", "length", "mask", "maskType",
    "name", "nameField", "namePointing", "nillable", "permissionable", "picklistValues",
    "polymorphicForeignKey", "precision", "queryByDistance", "referenceTargetField",
    "referenceTo", "relationshipName", "relationshipOrder", "restrictedDelete",
    "restrictedPicklist", "scale", "searchPrefilterable", "soapType", "sortable", "type",
    "unique", "updateable", "writeRequiresMasterRead",
}  # fmt: skip
GLOBAL_KEYS = {
    "activateable", "associateEntityType", "associateParentEntity", "createable", "custom",
    "customSetting", "deepCloneable", "deletable", "deprecatedAndHidden", "feedEnabled",
    "hasSubtypes", "isInterface", "isSubtype", "keyPrefix", "label", "labelPlural",
    "layoutable", "mergeable", "mruEnabled", "name", "queryable", "replicateable",
    "retrieveable", "searchable", "triggerable", "undeletable", "updateable", "urls",
}  # fmt: skip
# The "List Organization Limits" example, with the Bulk API 2.0 limits of API 47.0+ and
# DailyBulkApiBatches (DailyBulkApiRequests before 49.0).
DOCUMENTED_LIMITS = {
    "ConcurrentAsyncGetReportInstances", "ConcurrentSyncReportRuns", "DailyApiRequests",
    "DailyAsyncApexExecutions", "DailyBulkApiBatches", "DailyBulkV2QueryFileStorageMB",
    "DailyBulkV2QueryJobs", "DailyGenericStreamingApiEvents", "DailyStreamingApiEvents",
    "DailyWorkflowEmails", "DataStorageMB", "FileStorageMB", "HourlyAsyncReportRuns",
    "HourlyDashboardRefreshes", "HourlyDashboardResults", "HourlyDashboardStatuses",
    "HourlySyncReportRuns", "HourlyTimeBasedWorkflow", "MassEmail", "SingleEmail",
    "StreamingApiConcurrentClients", "DailyDurableStreamingApiEvents",
    "DurableStreamingApiConcurrentClients", "DailyStandardVolumePlatformEvents",
    "HourlyPublishedPlatformEvents", "PermissionSets",
}  # fmt: skip


def test_describe_has_every_documented_key(api):
    # Given the served objects
    names = [o["name"] for o in api.get(f"{DATA}/sobjects").json()["sobjects"]]
    for name in names:
        # When each is described
        described = api.get(f"{DATA}/sobjects/{name}/describe").json()
        # Then the object and every field carry the documented keys, and nothing else
        assert set(described) == OBJECT_KEYS, name
        for field in described["fields"]:
            assert set(field) == FIELD_KEYS, (name, field["name"])
        assert described["name"] == name


def test_describe_global_lists_every_object_with_its_keys(api):
    # Given the org
    # When described globally
    body = api.get(f"{DATA}/sobjects").json()
    # Then each object carries the documented summary keys
    assert body["encoding"] == "UTF-8"
    assert body["maxBatchSize"] == 200
    for summary in body["sobjects"]:
        assert set(summary) == GLOBAL_KEYS, summary["name"]
    names = {s["name"] for s in body["sobjects"]}
    assert {"Account", "Contact", "Opportunity", "Contract", "Intacct_Contract__c"} <= names


def test_describe_field_values_follow_the_declaration(api):
    # Given the Account and Contact objects
    # When described
    account = api.get(f"{DATA}/sobjects/Account/describe").json()
    contact = api.get(f"{DATA}/sobjects/Contact/describe").json()
    fields = {f["name"]: f for f in account["fields"]}
    contact_fields = {f["name"]: f for f in contact["fields"]}
    # Then types, lengths and flags are what the object reference documents
    assert (fields["Id"]["type"], fields["Id"]["soapType"]) == ("id", "tns:ID")
    assert (fields["Id"]["label"], fields["Id"]["length"]) == ("Account ID", 18)
    assert fields["Id"]["defaultedOnCreate"] is True
    assert fields["Id"]["nillable"] is False
    assert fields["Id"]["idLookup"] is True
    assert fields["Name"]["nameField"] is True
    assert fields["Name"]["byteLength"] == 765
    assert fields["BillingCity"]["compoundFieldName"] == "BillingAddress"
    assert fields["Description"]["extraTypeInfo"] == "plaintextarea"
    assert fields["Description"]["filterable"] is False
    assert fields["IsDeleted"]["defaultValue"] is False
    assert fields["CreatedDate"]["groupable"] is False
    assert fields["Industry"]["groupable"] is True
    assert contact_fields["AccountId"]["cascadeDelete"] is True
    assert contact_fields["AccountId"]["relationshipName"] == "Account"
    assert contact_fields["Name"]["extraTypeInfo"] == "personname"
    assert "CurrencyIsoCode" not in fields
    assert account["urls"]["uiDetailTemplate"] == f"{BASE_URL}/{{ID}}"
    assert account["urls"]["describe"] == f"{DATA}/sobjects/Account/describe"
    assert {"label": "My accounts", "name": "mine"} in account["supportedScopes"]


def test_object_labels_are_the_platforms(api):
    # Given objects whose API names are not their labels
    # When they are listed
    labels = {
        o["name"]: (o["label"], o["labelPlural"])
        for o in api.get(f"{DATA}/sobjects").json()["sobjects"]
    }
    # Then they carry the labels the platform shows
    assert labels["Product2"] == ("Product", "Products")
    assert labels["Pricebook2"] == ("Price Book", "Price Books")
    assert labels["PricebookEntry"] == ("Price Book Entry", "Price Book Entries")
    assert labels["OpportunityLineItem"] == ("Opportunity Product", "Opportunity Products")
    assert labels["Opportunity"] == ("Opportunity", "Opportunities")


def test_record_type_infos_list_master_and_the_objects_record_types(api, emu):
    # Given a fresh org (Opportunity has the record types Contract and Sales Order)
    # When Opportunity and Account are described
    opportunity = api.get(f"{DATA}/sobjects/Opportunity/describe").json()["recordTypeInfos"]
    account = api.get(f"{DATA}/sobjects/Account/describe").json()["recordTypeInfos"]
    # Then Master is always there; Opportunity's own types follow, the first the default
    assert account == [
        {
            "active": True,
            "available": True,
            "defaultRecordTypeMapping": True,
            "developerName": "Master",
            "master": True,
            "name": "Master",
            "recordTypeId": "012000000000000AAA",
            "urls": {"layout": f"{DATA}/sobjects/Account/describe/layouts/012000000000000AAA"},
        }
    ]
    assert [r["developerName"] for r in opportunity] == ["Master", "Contract", "Sales_Order"]
    assert [r["defaultRecordTypeMapping"] for r in opportunity] == [False, True, False]
    ids = {r["DeveloperName"]: r["Id"] for r in emu.records("RecordType")}
    assert opportunity[1]["recordTypeId"] == ids["Contract"]


def test_objects_that_cannot_be_written_say_so_and_refuse(api):
    # Given the Organization object (read-only through the API)
    summary = api.get(f"{DATA}/sobjects/Organization").json()["objectDescribe"]
    # When a client tries to create one
    answer = api.post(f"{DATA}/sobjects/Organization", json={})
    # Then describe says so and the insert is refused
    assert (summary["createable"], summary["deletable"]) == (False, False)
    assert answer.status_code == 400
    assert error_of(answer)["errorCode"] == "INVALID_TYPE_FOR_OPERATION"


def test_limits_answer_every_documented_limit(api):
    # Given a session
    # When the limits are read
    limits = api.get(f"{DATA}/limits").json()
    # Then every documented limit has a Max and what Remains of it
    assert set(limits) >= DOCUMENTED_LIMITS
    for name, limit in limits.items():
        assert isinstance(limit["Max"], int), name
        assert 0 <= limit["Remaining"] <= limit["Max"], name
    assert limits["PermissionSets"]["CreateCustom"] == {"Max": 1000, "Remaining": 1000}


def test_limits_count_the_calls_served_and_the_usage_reported(api, emu: SalesforceEmulator):
    # Given three calls of any kind and a Bulk API 2.0 query job counted by the org
    create(api, "Account", Name="Acme")
    query(api, "SELECT Name FROM Account")
    emu.org.count_usage("DailyBulkV2QueryJobs")
    # When the limits are read (the fourth call) and again after a reset
    limits = api.get(f"{DATA}/limits").json()
    emu.reset()
    after_reset = api.get(f"{DATA}/limits").json()
    # Then DailyApiRequests counts every call served, the bulk job is spent, reset restores
    assert limits["DailyApiRequests"] == {"Max": 15000, "Remaining": 15000 - 3}
    assert limits["DailyBulkV2QueryJobs"] == {"Max": 10000, "Remaining": 9999}
    assert limits["DailyBulkApiBatches"] == {"Max": 15000, "Remaining": 15000}
    assert after_reset["DailyBulkV2QueryJobs"]["Remaining"] == 10000
    assert after_reset["DailyApiRequests"]["Remaining"] == 15000 - 1


@pytest.fixture(params=[False, True], ids=["single-currency", "multi-currency"])
def any_api(request: pytest.FixtureRequest) -> Iterator[tuple[SalesforceEmulator, httpx.Client]]:
    emulator = SalesforceEmulator(base_url=BASE_URL, multi_currency=request.param)
    emulator.add_connected_app(CLIENT_ID, CLIENT_SECRET, run_as_username=RUN_AS)
    transport = httpx.WSGITransport(app=emulator.wsgi_app)
    with httpx.Client(transport=transport, base_url=BASE_URL) as client:
        client.headers["Authorization"] = f"Bearer {login(client)}"
        yield emulator, client
    emulator.close()


def test_every_field_of_every_object_can_be_selected_by_name(any_api):
    # Given an org holding an account with a contact, beside what a new org holds
    emu, api = any_api
    account = create(api, "Account", Name="Acme")
    create(api, "Contact", LastName="Smith", AccountId=account)
    for summary in api.get(f"{DATA}/sobjects").json()["sobjects"]:
        name = summary["name"]
        fields = [f["name"] for f in api.get(f"{DATA}/sobjects/{name}/describe").json()["fields"]]
        # When every described field is selected by name
        body = query(api, f"SELECT {', '.join(fields)} FROM {name}")
        # Then the query succeeds and each record carries every field, in order
        assert body["totalSize"] == len(emu.records(name)), name
        for record in body["records"]:
            assert list(record) == ["attributes", *fields], name
