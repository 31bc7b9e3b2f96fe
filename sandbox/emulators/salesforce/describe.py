"""Metadata answers: versions, resources, limits, describe global and sObject describe.

Shapes follow the REST API Developer Guide ("Versions", "Resources by Version", "Limits",
"Describe Global", "sObject Basic Information", "sObject Describe"); only the properties
a client is likely to read are filled in.
"""

from __future__ import annotations

from typing import Any

from sandbox.emulators.salesforce.org import API_VERSION, DAILY_API_LIMIT, Org
from sandbox.emulators.salesforce.schema import FieldDef, ObjectDef

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


def limits(org: Org) -> dict[str, Any]:
    return {
        "DailyApiRequests": {"Max": DAILY_API_LIMIT, "Remaining": DAILY_API_LIMIT - org.api_usage},
        **org.bulk.limits(),
    }


def _urls(obj: ObjectDef, version: str) -> dict[str, str]:
    base = f"/services/data/v{version}/sobjects/{obj.name}"
    return {
        "sobject": base,
        "describe": f"{base}/describe",
        "rowTemplate": f"{base}/{{ID}}",
    }


def object_summary(obj: ObjectDef, version: str) -> dict[str, Any]:
    writable = obj.name not in {"Organization"}
    return {
        "name": obj.name,
        "label": obj.label,
        "labelPlural": obj.label_plural,
        "keyPrefix": obj.key_prefix,
        "custom": obj.custom,
        "createable": writable,
        "updateable": writable,
        "deletable": writable,
        "queryable": True,
        "retrieveable": True,
        "searchable": True,
        "undeletable": writable,
        "urls": _urls(obj, version),
    }


def describe_global(org: Org, version: str) -> dict[str, Any]:
    return {
        "encoding": "UTF-8",
        "maxBatchSize": 200,
        "sobjects": [object_summary(o, version) for o in org.schema],
    }


def describe_field(fd: FieldDef) -> dict[str, Any]:
    return {
        "name": fd.name,
        "label": fd.label,
        "type": fd.type,
        "soapType": fd.soap_type,
        "length": fd.length,
        "precision": fd.precision,
        "scale": fd.scale,
        "digits": fd.precision if fd.type == "int" else 0,
        "nillable": fd.nillable,
        "createable": fd.createable,
        "updateable": fd.updateable,
        "defaultedOnCreate": fd.default is not None or fd.name in {"Id", "OwnerId"},
        "calculated": fd.calculated,
        "autoNumber": fd.auto_number,
        "externalId": fd.external_id,
        "unique": fd.unique,
        "idLookup": fd.name == "Id" or fd.external_id,
        "caseSensitive": False,
        "custom": fd.custom,
        "filterable": fd.type != "textarea" or fd.length <= 255,
        "sortable": fd.type != "textarea" or fd.length <= 255,
        "referenceTo": [fd.reference_to] if fd.reference_to else [],
        "relationshipName": fd.relationship,
        "restrictedPicklist": fd.restricted,
        "picklistValues": [
            {"active": True, "defaultValue": False, "label": v, "validFor": None, "value": v}
            for v in fd.picklist
        ],
    }


def describe(obj: ObjectDef, version: str) -> dict[str, Any]:
    return {
        **object_summary(obj, version),
        "fields": [describe_field(f) for f in obj.fields],
        "childRelationships": [],
        "recordTypeInfos": [],
    }
