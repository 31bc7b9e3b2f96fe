"""The objects of projects, tasks and timesheets, and the entities of a multi-entity company.

Field names follow the published records and create functions: a ``PROJECT`` as a
``readByQuery`` answers it (``PROJECTID``, ``NAME``, ``PROJECTCATEGORY``,
``PROJECTSTATUS``, ``PROJECTTYPE``, ``CUSTOMERID``, ``BEGINDATE``/``ENDDATE``,
``BUDGETQTY``, ``ESTQTY``, ``ACTUALQTY``, ``APPROVEDQTY``, ``REMAININGQTY``,
``PERCENTCOMPLETE``, ``OBSPERCENTCOMPLETE``, ``SFDCKEY``, ``MEGAENTITYID`` …, recorded in
the intacct-sdk fixtures of a live company), a ``TASK`` as the SDK's ``TaskCreate`` writes
it (``NAME`` and ``PROJECTID`` required, ``PBEGINDATE``/``PENDDATE``, ``TASKSTATUS``,
``BUDGETQTY`` planned, ``ESTQTY`` estimated duration, ``OBSPERCENTCOMPLETE`` …) and a
timesheet's entries (``TIMESHEETENTRY``: ``ENTRYDATE``, ``QTY`` hours, ``PROJECTID``,
``TASKKEY``). ``SFDCKEY`` on a task is this emulator's assumption (the integration keys
tasks the way it keys projects).

What Intacct computes, the emulator computes (:mod:`projects`): a task's ``ACTUALQTY``
is the hours of the timesheet entries charged to it, ``APPROVEDQTY`` those of approved
timesheets, ``REMAININGQTY`` the estimate less the actual, ``PERCENTCOMPLETE`` actual /
estimate; a project rolls its tasks up the same way. Every change of those moves
``WHENMODIFIED``, so a reader of changes sees progress as it happens.

Multi-entity: a record is created in the entity of the session that creates it (the
``locationid`` of the login or of ``getAPISession``): ``MEGAENTITYID``/``MEGAENTITYNAME``
name it, and stay empty for a record made at the top level. A task lives in its project's
entity. ``RECORD_URL`` is the record's link in the company's Intacct site.

Timesheets are entered as people enter them in Intacct's UI
(:func:`sandbox.emulators.intacct.projects.enter_timesheet`); the API reads them
(``TIMESHEET`` and ``TIMESHEETENTRY`` are read-only through this gateway).
"""

from __future__ import annotations

from sandbox.emulators.intacct.schema import Field, Kind, ObjectSpec, Relationship

T, INT, D, B = Kind.TEXT, Kind.INTEGER, Kind.DECIMAL, Kind.BOOLEAN
DT, E = Kind.DATE, Kind.ENUM


RECORDNO = Field("RECORDNO", Kind.INTEGER, readonly=True)


def status() -> Field:
    return Field(
        "STATUS",
        Kind.ENUM,
        choices=("active", "inactive"),
        default="active",
        codes=(("T", "active"), ("F", "inactive")),
    )


def texts(*names: str) -> tuple[Field, ...]:
    return tuple(Field(n) for n in names)


def audit() -> tuple[Field, ...]:
    return (
        Field("WHENCREATED", Kind.TIMESTAMP, readonly=True),
        Field("WHENMODIFIED", Kind.TIMESTAMP, readonly=True),
        Field("CREATEDBY", Kind.INTEGER, readonly=True),
        Field("MODIFIEDBY", Kind.INTEGER, readonly=True),
    )


PROJECT_CATEGORIES = ("Contract", "Capitalized", "Internal Billable", "Internal Non-billable")
TASK_STATUSES = ("Not Started", "Planned", "In Progress", "Completed", "On Hold")
TIMESHEET_STATES = ("Draft", "Submitted", "Partially Approved", "Approved", "Declined")


def entity_fields() -> tuple[Field, ...]:
    return (
        Field("MEGAENTITYKEY", INT, readonly=True),
        Field("MEGAENTITYID", readonly=True),
        Field("MEGAENTITYNAME", readonly=True),
    )


LOCATIONENTITY = ObjectSpec(
    name="LOCATIONENTITY",
    label="Entity",
    id_field="LOCATIONID",
    fields=(
        RECORDNO,
        Field("LOCATIONID", required=True),
        Field("NAME", required=True),
        Field("PARENTID"),
        status(),
        Field("CURRENCY"),
        *audit(),
    ),
)

PROJECTSTATUS = ObjectSpec(
    name="PROJECTSTATUS",
    label="Project Status",
    id_field="NAME",
    fields=(
        RECORDNO,
        Field("NAME", required=True),
        Field("DESCRIPTION"),
        Field("PREVENTTIMESHEET", B, default=False),
        Field("PREVENTEXPENSE", B, default=False),
        status(),
        *audit(),
    ),
)

PROJECTTYPE = ObjectSpec(
    name="PROJECTTYPE",
    label="Project Type",
    id_field="NAME",
    fields=(
        RECORDNO,
        Field("NAME", required=True),
        Field("PARENTNAME"),
        status(),
        *audit(),
    ),
)

PROJECT = ObjectSpec(
    name="PROJECT",
    label="Project",
    id_field="PROJECTID",
    sequenced=True,
    fields=(
        RECORDNO,
        Field("PROJECTID"),
        Field("NAME", required=True),
        Field("DESCRIPTION"),
        Field("CURRENCY"),
        Field("PROJECTCATEGORY", E, required=True, choices=PROJECT_CATEGORIES),
        Field("PROJECTSTATUSKEY", INT, readonly=True),
        Field("PROJECTSTATUS"),
        Field("PREVENTTIMESHEET", B, default=False),
        status(),
        Field("BEGINDATE", DT),
        Field("ENDDATE", DT),
        Field("BUDGETAMOUNT", D),
        Field("CONTRACTAMOUNT", D),
        Field("BUDGETQTY", D),
        Field("ESTQTY", D, readonly=True),
        Field("ACTUALQTY", D, readonly=True),
        Field("APPROVEDQTY", D, readonly=True),
        Field("REMAININGQTY", D, readonly=True),
        Field("PERCENTCOMPLETE", D, readonly=True),
        Field("OBSPERCENTCOMPLETE", D),
        Field("BILLINGTYPE"),
        *texts("SONUMBER", "PONUMBER", "SFDCKEY"),
        Field("PARENTKEY", INT, readonly=True),
        Field("PARENTID"),
        Field("CUSTOMERKEY", INT, readonly=True),
        Field("CUSTOMERID"),
        Field("CUSTOMERNAME", readonly=True),
        Field("PROJECTTYPEKEY", INT, readonly=True),
        Field("PROJECTTYPE"),
        *texts("MANAGERID", "DEPARTMENTID", "LOCATIONID", "CLASSID", "TERMNAME", "DOCNUMBER"),
        *texts("CONTRACTID"),
        *audit(),
        *entity_fields(),
        Field("RECORD_URL", readonly=True),
    ),
)

TASK = ObjectSpec(
    name="TASK",
    label="Task",
    id_field=None,
    # a task's project, for queries naming its fields (PROJECT.SFDCKEY)
    relationships=(Relationship("PROJECT", "PROJECT", "Project", "MANY2ONE", "PROJECTID"),),
    fields=(
        RECORDNO,
        Field("TASKID"),
        Field("NAME", required=True),
        Field("PROJECTKEY", INT, readonly=True),
        Field("PROJECTID", required=True),
        Field("PROJECTNAME", readonly=True),
        Field("PBEGINDATE", DT),
        Field("PENDDATE", DT),
        Field("BEGINDATE", DT, readonly=True),
        Field("ENDDATE", DT, readonly=True),
        Field("BILLABLE", B, default=False),
        Field("DESCRIPTION"),
        Field("ISMILESTONE", B, default=False),
        Field("UTILIZED", B, default=False),
        Field("PRIORITY", INT),
        Field("TASKNO"),
        Field("TASKSTATUS", E, choices=TASK_STATUSES, default="Not Started"),
        *texts("CLASSID", "ITEMID", "TIMETYPENAME", "SUPDOCID", "SFDCKEY"),
        Field("PARENTKEY", INT),
        Field("BUDGETQTY", D),
        Field("ESTQTY", D),
        Field("ACTUALQTY", D, readonly=True),
        Field("APPROVEDQTY", D, readonly=True),
        Field("REMAININGQTY", D, readonly=True),
        Field("PERCENTCOMPLETE", D, readonly=True),
        Field("OBSPERCENTCOMPLETE", D),
        *audit(),
        *entity_fields(),
        Field("RECORD_URL", readonly=True),
    ),
)

TIMESHEET = ObjectSpec(
    name="TIMESHEET",
    label="Timesheet",
    id_field=None,
    writable=False,
    fields=(
        RECORDNO,
        Field("EMPLOYEEID", required=True),
        Field("BEGINDATE", DT, required=True),
        Field("ENDDATE", DT),
        Field("STATE", E, choices=TIMESHEET_STATES, default="Submitted"),
        Field("DESCRIPTION"),
        *audit(),
        *entity_fields(),
    ),
)

TIMESHEETENTRY = ObjectSpec(
    name="TIMESHEETENTRY",
    label="Timesheet Entry",
    id_field=None,
    writable=False,
    fields=(
        RECORDNO,
        Field("TIMESHEETKEY", INT, required=True),
        Field("LINENO", INT),
        Field("ENTRYDATE", DT, required=True),
        Field("EMPLOYEEID"),
        Field("PROJECTID"),
        Field("PROJECTKEY", INT),
        Field("TASKKEY", INT),
        Field("TASKNAME"),
        Field("QTY", D, required=True),
        Field("STATE", E, choices=TIMESHEET_STATES, default="Submitted"),
        Field("DESCRIPTION"),
        *audit(),
    ),
)

ALL: tuple[ObjectSpec, ...] = (
    LOCATIONENTITY,
    PROJECTSTATUS,
    PROJECTTYPE,
    PROJECT,
    TASK,
    TIMESHEET,
    TIMESHEETENTRY,
)
