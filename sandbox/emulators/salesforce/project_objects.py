"""The project objects the Intacct package installs in a Salesforce org: Intacct projects
(``Intacct_Project__c``) and their tasks (``Intacct_Project_Task__c``, each under its
project), each keyed by an external-id field holding the Intacct key, and the fields that
show a "Create Project" outcome on opportunities and contracts.

Types follow the SOAP API field types (``percent``, ``url``, ``double``, ``date``,
``reference``); a percent is a number of percent (``42.5``), not a fraction.
"""

from __future__ import annotations

from sandbox.emulators.salesforce.objects import f, ref, sobject
from sandbox.emulators.salesforce.schema import FieldDef, ObjectDef

PROJECT_CATEGORIES = ("Contract", "Capitalized", "Internal Billable", "Internal Non-billable")
TASK_STATUSES = ("Not Started", "Planned", "In Progress", "Completed", "On Hold")

INTACCT_PROJECT = sobject(
    "Intacct_Project__c",
    "a0P",
    f("Name", length=80, required=True, label="Project Name"),
    f("Intacct_Project_ID__c", length=20, external_id=True, unique=True),
    ref("Account__c", "Account", label="Account", child_relationship="Intacct_Projects__r"),
    ref(
        "Opportunity__c",
        "Opportunity",
        label="Opportunity",
        child_relationship="Intacct_Projects__r",
    ),
    ref("Contract__c", "Contract", label="Contract", child_relationship="Intacct_Projects__r"),
    f("Description__c", "textarea", length=32000),
    f(
        "Project_Category__c",
        "picklist",
        length=40,
        picklist=PROJECT_CATEGORIES,
        default="Contract",
    ),
    # picked from Intacct's managed lists (list_objects)
    ref(
        "Project_Type__c",
        "Intacct_Project_Type__c",
        label="Project Type",
        child_relationship="Intacct_Projects__r",
    ),
    ref(
        "Project_Status__c",
        "Intacct_Project_Status__c",
        label="Project Status",
        child_relationship="Intacct_Projects__r",
    ),
    f("Begin_Date__c", "date"),
    f("End_Date__c", "date"),
    f("Active__c", "boolean", default=True),
    f("Intacct_Entity__c", length=40, label="Intacct Entity"),
    f("Percent_Complete__c", "percent", precision=5, scale=2),
    f("Actual_Hours__c", "double", precision=12, scale=2),
    f("Estimated_Hours__c", "double", precision=12, scale=2),
    f("View_Project__c", "url", length=255, label="View Project"),
    label="Intacct Project",
)
INTACCT_PROJECT_TASK = sobject(
    "Intacct_Project_Task__c",
    "a0T",
    f("Name", length=80, required=True, label="Task Name"),
    f("Intacct_Task_Key__c", length=20, external_id=True, unique=True),
    ref(
        "Project__c",
        "Intacct_Project__c",
        label="Project",
        required=True,
        on_delete="cascade",
        child_relationship="Intacct_Project_Tasks__r",
    ),
    f("Description__c", "textarea", length=32000),
    f("Planned_Begin_Date__c", "date"),
    f("Planned_End_Date__c", "date"),
    f("Task_Status__c", "picklist", length=40, picklist=TASK_STATUSES),
    f("Billable__c", "boolean", default=False),
    f("Estimated_Hours__c", "double", precision=12, scale=2),
    f("Actual_Hours__c", "double", precision=12, scale=2),
    f("Percent_Complete__c", "percent", precision=5, scale=2),
    label="Intacct Project Task",
)
PROJECT_OBJECTS: tuple[ObjectDef, ...] = (INTACCT_PROJECT, INTACCT_PROJECT_TASK)


def _outcome_fields() -> tuple[FieldDef, ...]:
    return (
        ref("Intacct_Project__c", "Intacct_Project__c", label="Intacct Project"),
        f("Intacct_Project_ID__c", length=20, label="Intacct Project ID"),
        f("Intacct_Project_Status__c", length=80, label="Intacct Project Status"),
        f("Intacct_Project_Error__c", "textarea", length=32768, label="Intacct Project Error"),
    )


# Fields the package adds to standard objects: the "Create Project" outcome.
ADDED_FIELDS: dict[str, tuple[FieldDef, ...]] = {
    "Opportunity": _outcome_fields(),
    "Contract": _outcome_fields(),
}


def with_added_fields(obj: ObjectDef) -> ObjectDef:
    extra = ADDED_FIELDS.get(obj.name)
    if not extra:
        return obj
    return ObjectDef(
        obj.name,
        obj.key_prefix,
        obj.fields + extra,
        label=obj.label,
        label_plural=obj.label_plural,
        custom=obj.custom,
        createable=obj.createable,
        updateable=obj.updateable,
        deletable=obj.deletable,
    )
