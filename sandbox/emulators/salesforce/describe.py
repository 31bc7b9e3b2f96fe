"""Metadata answers: versions, resources, limits, describe global and sObject describe.

Shapes follow the REST API Developer Guide ("Versions", "Resources by Version", "Limits",
"Describe Global", "sObject Basic Information", "sObject Describe") and the SOAP API
Developer Guide's DescribeSObjectResult, Field, ChildRelationship, RecordTypeInfo and
PicklistEntry, which the REST answers serialize: every documented key is present.

- ``/limits`` answers every limit the REST API documents with ``{"Max", "Remaining"}``,
  at a Developer Edition org's allocations. ``DailyApiRequests`` counts the REST calls
  the emulator has served; other limits count what :meth:`Org.count_usage` is told
  (Bulk API 2.0 jobs and batches, for instance); the rest stay at their maximum.
- Object flags follow each object's declaration (Organization and CurrencyType cannot be
  deleted). Features the emulator does not have are described as absent: no layouts,
  quick actions, feeds, or field-level help.
- ``childRelationships`` lists every reference to the object (audit and owner fields
  included); only the declared ones (``Contacts``...) have a ``relationshipName``, which
  is what parent-to-child SOQL subqueries use.
- ``recordTypeInfos`` has the Master record type (``012000000000000AAA``) and the
  object's active RecordType records; the first of those is the default mapping.
- ``CurrencyIsoCode`` appears in multi-currency orgs only; its picklist is the org's
  active currencies, the running user's currency the default.
"""

from __future__ import annotations

from typing import Any

from sandbox.emulators.salesforce.currency import active_currencies, default_currency
from sandbox.emulators.salesforce.org import API_VERSION, DAILY_API_LIMIT, Org
from sandbox.emulators.salesforce.schema import ChildRelationship, FieldDef, ObjectDef
from sandbox.emulators.salesforce.store import AUDIT_FIELDS

OLDEST_VERSION = 31


def release_label(version: int) -> str:
    """``62`` → ``Winter '25`` (three releases a year: Spring, Summer, Winter)."""
    steps_to_winter = (62 - version) % 3
    winter_year = 25 - (62 - version - steps_to_winter) // 3
    season = ("Winter", "Summer", "Spring")[steps_to_winter]
    return f"{season} '{winter_year - (1 if steps_to_winter else 0):02d}"


def versions() -> list[dict[str, str]]:
    newest = int(float(API_VERSION))
    return [
        {"label": release_label(v), "url": f"/services/data/v{v}.0", "version": f"{v}.0"}
        for v in range(OLDEST_VERSION, newest + 1)
    ]


def resources(version: str) -> dict[str, str]:
    base = f"/services/data/v{version}"
    return {
        "sobjects": f"{base}/sobjects",
        "query": f"{base}/query",
        "queryAll": f"{base}/queryAll",
        "composite": f"{base}/composite",
        "jobs": f"{base}/jobs",
        "limits": f"{base}/limits",
    }


# Developer Edition allocations of every limit the REST API documents ("Limits").
LIMIT_MAXIMA: dict[str, int] = {
    "ActiveScratchOrgs": 3,
    "AnalyticsExternalDataSizeMB": 40960,
    "ConcurrentAsyncGetReportInstances": 200,
    "ConcurrentEinsteinDataInsightsStoryCreation": 5,
    "ConcurrentEinsteinDiscoveryStoryCreation": 2,
    "ConcurrentSyncReportRuns": 20,
    "DailyAnalyticsDataflowJobExecutions": 60,
    "DailyAnalyticsUploadedFilesSizeMB": 51200,
    "DailyApiRequests": DAILY_API_LIMIT,
    "DailyAsyncApexExecutions": 250000,
    "DailyAsyncApexTests": 500,
    "DailyBulkApiBatches": 15000,
    "DailyBulkV2QueryFileStorageMB": 976562,
    "DailyBulkV2QueryJobs": 10000,
    "DailyDeliveredPlatformEvents": 10000,
    "DailyDurableGenericStreamingApiEvents": 10000,
    "DailyDurableStreamingApiEvents": 10000,
    "DailyEinsteinDataInsightsStoryCreation": 1000,
    "DailyEinsteinDiscoveryOptimizationJobRuns": 25,
    "DailyEinsteinDiscoveryPredictAPICalls": 50000,
    "DailyEinsteinDiscoveryPredictionsByCDC": 500000,
    "DailyEinsteinDiscoveryStoryCreation": 100,
    "DailyFunctionsApiCallLimit": 235000,
    "DailyGenericStreamingApiEvents": 10000,
    "DailyScratchOrgs": 6,
    "DailyStandardVolumePlatformEvents": 10000,
    "DailyStreamingApiEvents": 10000,
    "DailyWorkflowEmails": 390,
    "DataStorageMB": 5,
    "DurableStreamingApiConcurrentClients": 20,
    "FileStorageMB": 20,
    "HourlyAsyncReportRuns": 1200,
    "HourlyDashboardRefreshes": 200,
    "HourlyDashboardResults": 5000,
    "HourlyDashboardStatuses": 999999999,
    "HourlyLongTermIdMapping": 100000,
    "HourlyManagedContentPublicRequests": 50000,
    "HourlyODataCallout": 10000,
    "HourlyPublishedPlatformEvents": 50000,
    "HourlyPublishedStandardVolumePlatformEvents": 1000,
    "HourlyShortTermIdMapping": 100000,
    "HourlySyncReportRuns": 500,
    "HourlyTimeBasedWorkflow": 50,
    "MassEmail": 10,
    "MonthlyEinsteinDiscoveryStoryCreation": 500,
    "MonthlyPlatformEventsUsageEntitlement": 0,
    "Package2VersionCreates": 6,
    "Package2VersionCreatesWithoutValidation": 500,
    "PermissionSets": 1500,
    "PrivateConnectOutboundCalloutHourlyLimitMB": 0,
    "PublishCallbackUsageInApex": 5,
    "SingleEmail": 15,
    "StreamingApiConcurrentClients": 20,
}
MASTER_RECORD_TYPE = "012000000000000AAA"
_COMPOUND_PARTS = ("Street", "City", "State", "PostalCode", "Country")
_NOT_GROUPABLE = {"textarea", "currency", "double", "percent", "datetime"}


def limits(org: Org) -> dict[str, Any]:
    """Every documented limit with its maximum and what is left of it (the bulk job counts
    come from the Bulk API 2.0 jobs the org has run)."""
    out: dict[str, Any] = {}
    for name, maximum in LIMIT_MAXIMA.items():
        used = org.api_usage if name == "DailyApiRequests" else org.usage.get(name, 0)
        out[name] = {"Max": maximum, "Remaining": max(maximum - used, 0)}
    out["PermissionSets"]["CreateCustom"] = {"Max": 1000, "Remaining": 1000}
    for name, entry in org.bulk.limits().items():  # jobs run, plus usage counted elsewhere
        left = entry["Remaining"] - org.usage.get(name, 0)
        out[name] = {"Max": entry["Max"], "Remaining": max(left, 0)}
    return out


def _urls(obj: ObjectDef, version: str) -> dict[str, str]:
    base = f"/services/data/v{version}/sobjects/{obj.name}"
    return {
        "sobject": base,
        "describe": f"{base}/describe",
        "rowTemplate": f"{base}/{{ID}}",
        "defaultValues": f"{base}/defaultValues?recordTypeId&fields",
    }


def object_summary(obj: ObjectDef, version: str) -> dict[str, Any]:
    """An object as describe global and basic information list it."""
    return {
        "activateable": False,
        "associateEntityType": None,
        "associateParentEntity": None,
        "createable": obj.createable,
        "custom": obj.custom,
        "customSetting": False,
        "deepCloneable": False,
        "deletable": obj.deletable,
        "deprecatedAndHidden": False,
        "feedEnabled": False,
        "hasSubtypes": False,
        "isInterface": False,
        "isSubtype": False,
        "keyPrefix": obj.key_prefix,
        "label": obj.label,
        "labelPlural": obj.label_plural,
        "layoutable": obj.createable,
        "mergeable": obj.name in {"Account", "Contact"},
        "mruEnabled": obj.createable,
        "name": obj.name,
        "queryable": True,
        "replicateable": True,
        "retrieveable": True,
        "searchable": obj.createable,
        "triggerable": obj.createable,
        "undeletable": obj.deletable,
        "updateable": obj.updateable,
        "urls": _urls(obj, version),
    }


def describe_global(org: Org, version: str) -> dict[str, Any]:
    return {
        "encoding": "UTF-8",
        "maxBatchSize": 200,
        "sobjects": [object_summary(o, version) for o in org.schema],
    }


def _compound_name(obj: ObjectDef, fd: FieldDef) -> str | None:
    for part in _COMPOUND_PARTS:
        prefix = fd.name[: -len(part)]
        if fd.name.endswith(part) and prefix in {"Billing", "Shipping", "Mailing"}:
            return f"{prefix}Address"
    if obj.name == "Contact" and fd.name in {"FirstName", "LastName", "Salutation"}:
        return "Name"
    return None


def _extra_type_info(obj: ObjectDef, fd: FieldDef) -> str | None:
    if fd.type == "textarea":
        return "plaintextarea"
    if obj.name == "Contact" and fd.name == "Name":
        return "personname"
    return None


def _picklist(org: Org | None, fd: FieldDef) -> list[dict[str, Any]]:
    if fd.currency_field:
        codes = active_currencies(org.store) if org is not None else []
        default = default_currency(org.store) if org is not None else None
        return [_entry(code, code == default) for code in codes]
    return [_entry(value, False) for value in fd.picklist]


def _entry(value: str, default: bool) -> dict[str, Any]:
    return {
        "active": True,
        "defaultValue": default,
        "label": value,
        "validFor": None,
        "value": value,
    }


def describe_field(
    fd: FieldDef, obj: ObjectDef | None = None, org: Org | None = None
) -> dict[str, Any]:
    """One field with every key of the describe ``Field`` (alphabetical, as served)."""
    owner = obj or ObjectDef("", "000", (fd,))
    text_bytes = fd.length * 3 if fd.text else 0
    long_text = fd.type == "textarea" and fd.length > 255
    return {
        "aggregatable": not long_text and fd.type != "boolean",
        "aiPredictionField": False,
        "autoNumber": fd.auto_number,
        "byteLength": 18 if fd.type in {"id", "reference"} else text_bytes,
        "calculated": fd.calculated,
        "calculatedFormula": None,
        "cascadeDelete": fd.type == "reference" and fd.on_delete == "cascade",
        "caseSensitive": False,
        "compoundFieldName": _compound_name(owner, fd),
        "controllerName": None,
        "createable": fd.createable,
        "custom": fd.custom,
        "defaultValue": fd.default if fd.type == "boolean" else None,
        "defaultValueFormula": None,
        "defaultedOnCreate": (
            fd.default is not None or fd.currency_field or fd.name in {"Id", "OwnerId"}
        ),
        "dependentPicklist": False,
        "deprecatedAndHidden": False,
        "digits": fd.precision if fd.type == "int" else 0,
        "displayLocationInDecimal": False,
        "encrypted": False,
        "externalId": fd.external_id,
        "extraTypeInfo": _extra_type_info(owner, fd),
        "filterable": not long_text,
        "filteredLookupInfo": None,
        "formulaTreatNullNumberAsZero": False,
        "groupable": fd.type not in _NOT_GROUPABLE and not fd.calculated,
        "highScaleNumber": False,
        "htmlFormatted": False,
        "idLookup": fd.name == "Id" or fd.external_id,
        "inlineHelpText": None,
        "label": fd.label,
        "length": fd.length,
        "mask": None,
        "maskType": None,
        "name": fd.name,
        "nameField": fd.name == "Name",
        "namePointing": False,
        "nillable": fd.nillable and not fd.currency_field,
        "permissionable": fd.nillable and fd.createable and fd.name not in AUDIT_FIELDS,
        "picklistValues": _picklist(org, fd),
        "polymorphicForeignKey": False,
        "precision": fd.precision,
        "queryByDistance": False,
        "referenceTargetField": None,
        "referenceTo": [fd.reference_to] if fd.reference_to else [],
        "relationshipName": fd.relationship,
        "relationshipOrder": None,
        "restrictedDelete": fd.type == "reference" and fd.on_delete == "restrict",
        "restrictedPicklist": fd.restricted,
        "scale": fd.scale,
        "searchPrefilterable": fd.type == "reference",
        "soapType": fd.soap_type,
        "sortable": not long_text,
        "type": fd.type,
        "unique": fd.unique,
        "updateable": fd.updateable,
        "writeRequiresMasterRead": False,
    }


def _child_relationship(child: ChildRelationship) -> dict[str, Any]:
    fd = child.field
    return {
        "cascadeDelete": fd.on_delete == "cascade" and fd.name not in AUDIT_FIELDS,
        "childSObject": child.child.name,
        "deprecatedAndHidden": False,
        "field": fd.name,
        "junctionIdListNames": [],
        "junctionReferenceTo": [],
        "relationshipName": child.name,
        "restrictedDelete": fd.on_delete == "restrict",
    }


def _record_type_infos(org: Org | None, obj: ObjectDef, version: str) -> list[dict[str, Any]]:
    layout = f"/services/data/v{version}/sobjects/{obj.name}/describe/layouts/"
    own: list[tuple[str, str, str]] = []
    record_type = org.schema.get("RecordType") if org is not None else None
    if org is not None and record_type is not None:
        own = [
            (r.id, str(r.values.get("Name")), str(r.values.get("DeveloperName")))
            for r in org.store.rows(record_type)
            if r.values.get("SobjectType") == obj.name and r.values.get("IsActive")
        ]
    infos = [(MASTER_RECORD_TYPE, "Master", "Master"), *own]
    return [
        {
            "active": True,
            "available": not own or i > 0,
            "defaultRecordTypeMapping": i == (1 if own else 0),
            "developerName": developer_name,
            "master": i == 0,
            "name": name,
            "recordTypeId": record_type_id,
            "urls": {"layout": layout + record_type_id},
        }
        for i, (record_type_id, name, developer_name) in enumerate(infos)
    ]


def describe(obj: ObjectDef, version: str, org: Org | None = None) -> dict[str, Any]:
    """``GET sobjects/X/describe``: every documented key of DescribeSObjectResult."""
    base = f"/services/data/v{version}/sobjects/{obj.name}"
    ui = f"{org.base_url}/" if org is not None else "/"
    children = org.schema.children_of(obj) if org is not None else []
    summary = object_summary(obj, version)
    urls = {
        **summary["urls"],
        "compactLayouts": f"{base}/describe/compactLayouts",
        "approvalLayouts": f"{base}/describe/approvalLayouts",
        "listviews": f"{base}/listviews",
        "quickActions": f"{base}/quickActions",
        "layouts": f"{base}/describe/layouts",
        "uiDetailTemplate": f"{ui}{{ID}}",
        "uiEditTemplate": f"{ui}{{ID}}/e",
        "uiNewRecord": f"{ui}{obj.key_prefix}/e",
    }
    owned = obj.field("OwnerId") is not None
    scopes = [{"label": f"All {obj.label_plural.lower()}", "name": "everything"}]
    if owned:
        scopes.append({"label": f"My {obj.label_plural.lower()}", "name": "mine"})
    described = {
        **summary,
        "actionOverrides": [],
        "childRelationships": [_child_relationship(c) for c in children],
        "compactLayoutable": obj.createable,
        "defaultImplementation": None,
        "extendedBy": None,
        "extendsInterfaces": None,
        "fields": [describe_field(f, obj, org) for f in obj.fields],
        "implementedBy": None,
        "implementsInterfaces": None,
        "listviewable": None,
        "lookupLayoutable": None,
        "namedLayoutInfos": [],
        "networkScopeFieldName": None,
        "recordTypeInfos": _record_type_infos(org, obj, version),
        "searchLayoutable": obj.createable,
        "sobjectDescribeOption": "FULL",
        "supportedScopes": scopes,
        "urls": urls,
    }
    return dict(sorted(described.items()))
