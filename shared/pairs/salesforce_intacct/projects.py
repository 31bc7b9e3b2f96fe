"""Intacct projects and tasks <-> the Salesforce objects the Intacct package installs
(``Intacct_Project__c``, ``Intacct_Project_Task__c``), both ways by default, each field's
direction configurable like accounts' (``mappings.project_project.fields.<ERP field>``).

References travel as the other side's keys: a task's project is ``PROJECTID`` in Intacct
and, in Salesforce, its ``Project__c`` lookup, read and written through the parent's
external id (``Project__r.Intacct_Project_ID__c``); a project's customer likewise
(``Account__r.Intacct_Customer_ID__c``). A record whose parent is not synced yet waits
(``DependencyPendingError``: its message comes back later, no system is blamed): a
Salesforce task whose project has no Intacct id yet, a Salesforce project whose account is
not linked yet, and an Intacct task or project whose parent Salesforce does not have yet
(Salesforce answers that the external id was not found).

What Intacct computes flows one way, to Salesforce: hours and percent complete (moved by
timesheets). "View Project" is a link to ledgerlink's API composed from the project's
RECORDNO, which opens the project's page in Intacct when followed (:mod:`project_links`):
Intacct's ``RECORD_URL`` is not stored, so no create reads its project back.
A project's status and type are picked in Salesforce from Intacct's mirrored managed lists
(lookups to their objects, :mod:`managed_lists`): a value inactive there, or not Intacct's,
is refused with a reason naming the list and the value before anything reaches Intacct.
Where a project made in Salesforce is created follows ``projects.top_level`` and its
``Intacct_Entity__c`` (:mod:`project_settings`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shared.errors import DependencyPendingError, ValidationFailedError
from shared.mapping.computes import Compute, register_computes
from shared.mapping.fields import Direction, FieldMap, Identity, ObjectMapping
from shared.mapping.transforms import text
from shared.messages import Msg, say
from shared.models.connection import Connection
from shared.pairs.salesforce_intacct.project_links import VIEW_LINK, view_link_field
from shared.pairs.salesforce_intacct.project_settings import ProjectOptions

B, C2E, E2C = Direction.BOTH, Direction.CRM_TO_ERP, Direction.ERP_TO_CRM
PROJECT_MAPPING = "project_project"
TASK_MAPPING = "task_task"
CUSTOMER_PATH = "Account__r.Intacct_Customer_ID__c"
PROJECT_PATH = "Project__r.Intacct_Project_ID__c"


class ParentNotLinkedError(DependencyPendingError):
    """The record refers to a parent not linked to the other side yet: try again later."""


def _linked_parent(fields: Mapping[str, Any], lookup: str, key_path: str, what: str) -> Any:
    key = text(fields.get(key_path))
    if key is None and fields.get(lookup):
        raise ParentNotLinkedError(f"{what} {fields[lookup]} is not linked to Intacct yet")
    return key


def project_customer_id(fields: Mapping[str, Any]) -> str | None:
    """The project's Intacct customer: its account's, which must be linked first."""
    return _linked_parent(fields, "Account__c", CUSTOMER_PATH, "account")  # type: ignore[no-any-return]


def task_project_id(fields: Mapping[str, Any]) -> str:
    """The task's Intacct project: its Salesforce project's, which must be linked first."""
    key = _linked_parent(fields, "Project__c", PROJECT_PATH, "project")
    if key is None:
        raise ParentNotLinkedError("the task names no project")
    return str(key)


def _list_value(fields: Mapping[str, Any], lookup: str, label: str) -> str | None:
    """The Intacct value a record picked from a mirrored managed list (a lookup to its
    Salesforce object): refused when the list holds it no more or holds it inactive."""
    if not fields.get(lookup):
        return None
    relationship = lookup[:-3] + "__r"
    value = text(fields.get(f"{relationship}.Intacct_ID__c"))
    if value is None:
        raise ValidationFailedError(say(Msg.LIST_VALUE_UNKNOWN, value=fields[lookup], list=label))
    if fields.get(f"{relationship}.Active__c") is False:
        raise ValidationFailedError(say(Msg.LIST_VALUE_INACTIVE, value=value, list=label))
    return value


def list_compute(lookup: str, label: str) -> Compute:
    """The compute of a field picked from a mirrored managed list through ``lookup``."""
    relationship = lookup[:-3] + "__r"
    return Compute(
        (lookup, f"{relationship}.Intacct_ID__c", f"{relationship}.Active__c"),
        lambda f: _list_value(f, lookup, label),
    )


COMPUTES: dict[str, Compute] = {
    "project_key": Compute(("Id",), lambda f: str(f["Id"])),
    "project_sfdckey": Compute(("Id",), lambda f: str(f["Id"])),
    "project_customer_id": Compute(("Account__c", CUSTOMER_PATH), project_customer_id),
    "project_category": Compute(
        ("Project_Category__c",), lambda f: text(f.get("Project_Category__c")) or "Contract"
    ),
    "project_entity": Compute(
        ("Intacct_Entity__c",), lambda f: text(f.get("Intacct_Entity__c")) or ""
    ),
    "project_top_level": Compute((), lambda f: ""),
    "project_status": list_compute("Project_Status__c", "project statuses"),
    "project_type": list_compute("Project_Type__c", "project types"),
    "task_project_id": Compute(("Project__c", PROJECT_PATH), task_project_id),
}
register_computes(COMPUTES)  # the mappings below name them

ENTITY = FieldMap(
    crm="Intacct_Entity__c",
    erp="MEGAENTITYID",
    on_create_only=True,  # a record stays in the entity it was made in
    compute_for_erp="project_entity",
)

PROJECT_PROJECT = ObjectMapping(
    name=PROJECT_MAPPING,
    crm_object="Intacct_Project__c",
    erp_object="PROJECT",
    crm_key_field="Intacct_Project_ID__c",
    erp_key_field="PROJECTID",
    erp_identity=Identity.chosen("PROJECTID", "project_key"),
    crm_identity=Identity.assigned("Intacct_Project_ID__c"),
    fields=(
        FieldMap(crm="Intacct_Project_ID__c", erp="PROJECTID", direction=E2C, required=True),
        FieldMap(crm="Name", erp="NAME", required=True),
        FieldMap(
            crm="Project_Category__c",
            erp="PROJECTCATEGORY",
            required=True,
            compute_for_erp="project_category",
        ),
        FieldMap(erp="SFDCKEY", direction=C2E, compute_for_erp="project_sfdckey"),
        FieldMap(crm=CUSTOMER_PATH, erp="CUSTOMERID", compute_for_erp="project_customer_id"),
        FieldMap(crm="Description__c", erp="DESCRIPTION"),
        FieldMap(
            crm="Project_Type__r.Intacct_ID__c", erp="PROJECTTYPE", compute_for_erp="project_type"
        ),
        FieldMap(
            crm="Project_Status__r.Intacct_ID__c",
            erp="PROJECTSTATUS",
            compute_for_erp="project_status",
        ),
        FieldMap(crm="Begin_Date__c", erp="BEGINDATE", to_erp="date_to_mdy", to_crm="date_to_iso"),
        FieldMap(crm="End_Date__c", erp="ENDDATE", to_erp="date_to_mdy", to_crm="date_to_iso"),
        FieldMap(
            crm="Active__c", erp="STATUS", to_erp="active_to_status", to_crm="status_to_active"
        ),
        ENTITY,
        FieldMap(crm="Percent_Complete__c", erp="PERCENTCOMPLETE", direction=E2C, to_crm="decimal"),
        FieldMap(crm="Actual_Hours__c", erp="ACTUALQTY", direction=E2C, to_crm="decimal"),
        FieldMap(crm="Estimated_Hours__c", erp="ESTQTY", direction=E2C, to_crm="decimal"),
        VIEW_LINK,
    ),
)

TASK_TASK = ObjectMapping(
    name=TASK_MAPPING,
    crm_object="Intacct_Project_Task__c",
    erp_object="TASK",
    crm_key_field="Intacct_Task_Key__c",
    erp_key_field="RECORDNO",
    # Intacct numbers tasks; a lost create is found again by the Salesforce id it carries.
    erp_identity=Identity.assigned("SFDCKEY"),
    crm_identity=Identity.assigned("Intacct_Task_Key__c"),
    fields=(
        FieldMap(crm="Intacct_Task_Key__c", erp="RECORDNO", direction=E2C, required=True),
        FieldMap(crm="Name", erp="NAME", required=True),
        FieldMap(
            crm=PROJECT_PATH,
            erp="PROJECTID",
            required=True,
            on_create_only=True,  # a task never moves to another project
            compute_for_erp="task_project_id",
        ),
        FieldMap(crm="Description__c", erp="DESCRIPTION"),
        FieldMap(
            crm="Planned_Begin_Date__c",
            erp="PBEGINDATE",
            to_erp="date_to_mdy",
            to_crm="date_to_iso",
        ),
        FieldMap(
            crm="Planned_End_Date__c", erp="PENDDATE", to_erp="date_to_mdy", to_crm="date_to_iso"
        ),
        FieldMap(crm="Task_Status__c", erp="TASKSTATUS"),
        FieldMap(crm="Billable__c", erp="BILLABLE", to_erp="bool_to_text", to_crm="bool"),
        FieldMap(crm="Estimated_Hours__c", erp="ESTQTY", to_erp="decimal", to_crm="decimal"),
        FieldMap(crm="Actual_Hours__c", erp="ACTUALQTY", direction=E2C, to_crm="decimal"),
        FieldMap(crm="Percent_Complete__c", erp="PERCENTCOMPLETE", direction=E2C, to_crm="decimal"),
    ),
)

MAPPINGS: dict[str, ObjectMapping] = {m.name: m for m in (PROJECT_PROJECT, TASK_TASK)}


def tailor(connection: Connection, mapping: ObjectMapping) -> ObjectMapping | None:
    """The project settings applied: off, no project mapping is in force; at the top
    level, projects are created there whatever their entity field says; "View Project"
    links point at the connection's API URL."""
    if mapping.name not in MAPPINGS or not isinstance(connection, ProjectOptions):
        return mapping
    settings = connection.projects
    if not settings.enabled:
        return None
    if mapping.name != PROJECT_MAPPING:
        return mapping
    replaced: dict[int, FieldMap] = {}
    if settings.top_level:
        replaced[id(ENTITY)] = ENTITY.model_copy(update={"compute_for_erp": "project_top_level"})
    if settings.api_url is not None:
        api_url = str(settings.api_url)
        replaced[id(VIEW_LINK)] = view_link_field(connection.connection_id, api_url)
    if not replaced:
        return mapping
    fields = tuple(replaced.get(id(f), f) for f in mapping.fields)
    return mapping.model_copy(update={"fields": fields})
