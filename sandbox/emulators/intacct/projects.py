"""What Intacct does with projects, tasks and timesheets (the objects are in
:mod:`project_objects`): derived values, references, progress from timesheets, entity
placement, and the lists a new multi-entity company starts with. Importing it registers the
rules (the emulator does)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sandbox.emulators.intacct import errors, objects, writes
from sandbox.emulators.intacct.project_objects import (
    LOCATIONENTITY,
    PROJECT,
    PROJECTSTATUS,
    PROJECTTYPE,
    TASK,
    TIMESHEET,
    TIMESHEETENTRY,
)
from sandbox.emulators.intacct.rules import RULES, Rules, WriteContext, _require_reference
from sandbox.emulators.intacct.schema import ObjectSpec, Record
from sandbox.emulators.intacct.store import Company

HUNDRED = Decimal(100)
CENTS = Decimal("0.01")

# What a new multi-entity company starts with (Intacct's own statuses and a few types).
ENTITIES = (("US", "United States", "USD"), ("UK", "United Kingdom", "GBP"))
STATUSES = (
    ("Not Started", "Work has not started"),
    ("In Progress", "Work is under way"),
    ("On Hold", "Work is paused", True),
    ("Completed", "All work is done", True),
)
TYPES = (("Implementation", None), ("Consulting", None), ("Support", None))


def seed(company: Company, user_key: int) -> None:
    for entity_id, name, currency in ENTITIES:
        company.insert(
            LOCATIONENTITY,
            {"LOCATIONID": entity_id, "NAME": name, "CURRENCY": currency, "STATUS": "active"},
            user_key,
        )
    for entry in STATUSES:
        name, description, *prevent = entry
        company.insert(
            PROJECTSTATUS,
            {
                "NAME": name,
                "DESCRIPTION": description,
                "PREVENTTIMESHEET": bool(prevent),
                "PREVENTEXPENSE": False,
                "STATUS": "active",
            },
            user_key,
        )
    for name, parent in TYPES:
        company.insert(
            PROJECTTYPE, {"NAME": name, "PARENTNAME": parent, "STATUS": "active"}, user_key
        )


# -- what Intacct computes -----------------------------------------------------------------


def _hours(value: Any) -> Decimal:
    return Decimal(value) if value not in (None, "") else Decimal(0)


def _percent(actual: Decimal, estimate: Decimal) -> Decimal | None:
    if estimate <= 0:
        return None
    return (actual / estimate * HUNDRED).quantize(CENTS)


def _set(company: Company, record: Record, values: Record, user_key: int) -> None:
    """Store derived values; a change moves the record's WHENMODIFIED."""
    changed = {k: v for k, v in values.items() if record.get(k) != v}
    if changed:
        record.update(changed)
        company.touch(record, user_key)


def _task_progress(company: Company, task: Record) -> Record:
    entries = [e for e in company.rows(TIMESHEETENTRY) if e.get("TASKKEY") == task["RECORDNO"]]
    actual = sum((_hours(e.get("QTY")) for e in entries), Decimal(0))
    approved = sum(
        (_hours(e.get("QTY")) for e in entries if e.get("STATE") == "Approved"), Decimal(0)
    )
    estimate = _hours(task.get("ESTQTY"))
    return {
        "ACTUALQTY": actual,
        "APPROVEDQTY": approved,
        "REMAININGQTY": max(estimate - actual, Decimal(0)),
        "PERCENTCOMPLETE": _percent(actual, estimate),
    }


def roll_up(company: Company, project_id: str, user_key: int) -> None:
    """A project's hours and percent complete from its tasks (and hours charged to the
    project without a task)."""
    project = company.by_id(PROJECT, project_id)
    if project is None:
        return
    tasks = [t for t in company.rows(TASK) if t.get("PROJECTID") == project_id]
    loose = [
        e
        for e in company.rows(TIMESHEETENTRY)
        if e.get("PROJECTID") == project_id and not e.get("TASKKEY")
    ]
    actual = sum((_hours(t.get("ACTUALQTY")) for t in tasks), Decimal(0)) + sum(
        (_hours(e.get("QTY")) for e in loose), Decimal(0)
    )
    approved = sum((_hours(t.get("APPROVEDQTY")) for t in tasks), Decimal(0))
    estimate = sum((_hours(t.get("ESTQTY")) for t in tasks), Decimal(0))
    _set(
        company,
        project,
        {
            "ESTQTY": estimate if tasks else None,
            "ACTUALQTY": actual,
            "APPROVEDQTY": approved,
            "REMAININGQTY": max(estimate - actual, Decimal(0)),
            "PERCENTCOMPLETE": _percent(actual, estimate),
        },
        user_key,
    )


def record_url(site: str, spec: ObjectSpec, recordno: int) -> str:
    """The record's page in the company's Intacct site (``ur.phtml?.r=``, a per-record
    token)."""
    return f"{site}/ia/acct/ur.phtml?.r={spec.name.lower()}-{recordno}"


def _entity(ctx: WriteContext, values: Record) -> None:
    """On create, the creating session's entity (none at the top level)."""
    if values.get("RECORDNO") is not None or not ctx.entity:
        return
    entity = ctx.company.by_id(LOCATIONENTITY, ctx.entity)
    if entity is None:
        raise errors.invalid_reference("Project", "MEGAENTITYID", ctx.entity, "Entity")
    values["MEGAENTITYKEY"] = entity["RECORDNO"]
    values["MEGAENTITYID"] = entity["LOCATIONID"]
    values["MEGAENTITYNAME"] = entity["NAME"]


class ProjectRules(Rules):
    def defaults(self, ctx: WriteContext, values: Record) -> None:
        _entity(ctx, values)
        customer = _exists(ctx.company, "CUSTOMER", values.get("CUSTOMERID"))
        values["CUSTOMERKEY"] = customer["RECORDNO"] if customer else None
        values["CUSTOMERNAME"] = customer["NAME"] if customer else None
        found = ctx.company.by_id(PROJECTSTATUS, str(values.get("PROJECTSTATUS") or ""))
        values["PROJECTSTATUSKEY"] = found["RECORDNO"] if found else None
        kind = ctx.company.by_id(PROJECTTYPE, str(values.get("PROJECTTYPE") or ""))
        values["PROJECTTYPEKEY"] = kind["RECORDNO"] if kind else None

    def validate(self, ctx: WriteContext, values: Record, existing: Record | None) -> None:
        _require_reference(ctx, PROJECT, values, "CUSTOMERID", objects.CUSTOMER)
        _require_reference(ctx, PROJECT, values, "PROJECTSTATUS", PROJECTSTATUS)
        _require_reference(ctx, PROJECT, values, "PROJECTTYPE", PROJECTTYPE)
        _require_reference(ctx, PROJECT, values, "PARENTID", PROJECT)

    def after_write(self, ctx: WriteContext, record: Record, changes: Record | None) -> None:
        if changes is None and ctx.site:
            record["RECORD_URL"] = record_url(ctx.site, PROJECT, int(record["RECORDNO"]))

    def before_delete(self, ctx: WriteContext, record: Record) -> None:
        task = ctx.company.find(TASK, "PROJECTID", record["PROJECTID"])
        if task is not None:
            raise errors.rule(
                f"Cannot delete project {record['PROJECTID']}: it has task {task['NAME']}.",
                "Delete the project's tasks first.",
            )


def _exists(company: Company, object_name: str, key: Any) -> Record | None:
    spec = objects.lookup(object_name)
    if spec is None or key in (None, ""):
        return None
    return company.by_id(spec, str(key))


class TaskRules(Rules):
    def defaults(self, ctx: WriteContext, values: Record) -> None:
        project = ctx.company.by_id(PROJECT, str(values.get("PROJECTID") or ""))
        if project is not None:
            values["PROJECTKEY"] = project["RECORDNO"]
            values["PROJECTNAME"] = project["NAME"]
            for name in ("MEGAENTITYKEY", "MEGAENTITYID", "MEGAENTITYNAME"):
                values[name] = project.get(name)
        values["BEGINDATE"] = values.get("PBEGINDATE")
        values["ENDDATE"] = values.get("PENDDATE")
        if values.get("RECORDNO") is not None:
            values.update(_task_progress(ctx.company, values))
        else:
            estimate = _hours(values.get("ESTQTY"))
            values.update(
                {
                    "ACTUALQTY": Decimal(0),
                    "APPROVEDQTY": Decimal(0),
                    "REMAININGQTY": estimate,
                    "PERCENTCOMPLETE": _percent(Decimal(0), estimate),
                }
            )

    def validate(self, ctx: WriteContext, values: Record, existing: Record | None) -> None:
        _require_reference(ctx, TASK, values, "PROJECTID", PROJECT)
        if existing is not None and existing.get("PROJECTID") != values.get("PROJECTID"):
            raise errors.rule("A task cannot move to another project.")

    def after_write(self, ctx: WriteContext, record: Record, changes: Record | None) -> None:
        if changes is None and ctx.site:
            record["RECORD_URL"] = record_url(ctx.site, TASK, int(record["RECORDNO"]))
        roll_up(ctx.company, str(record.get("PROJECTID") or ""), ctx.user_key)


class TimesheetEntryRules(Rules):
    def after_write(self, ctx: WriteContext, record: Record, changes: Record | None) -> None:
        task = ctx.company.get(TASK, int(record["TASKKEY"])) if record.get("TASKKEY") else None
        if task is not None:
            _set(ctx.company, task, _task_progress(ctx.company, task), ctx.user_key)
        roll_up(ctx.company, str(record.get("PROJECTID") or ""), ctx.user_key)


RULES.update(
    {"PROJECT": ProjectRules(), "TASK": TaskRules(), "TIMESHEETENTRY": TimesheetEntryRules()}
)


def enter_timesheet(
    company: Company,
    employee_id: str,
    week_of: date,
    entries: Sequence[tuple[int, date, Decimal]],
    *,
    state: str = "Approved",
    user_key: int = 1,
) -> int:
    """A timesheet as an employee enters it in Intacct (``entries``: task RECORDNO, day,
    hours), its entries charged to each task's project. Returns the TIMESHEET RECORDNO."""
    ctx = WriteContext(company, user_key, trusted=True)
    sheet = writes.create(
        ctx, TIMESHEET, {"EMPLOYEEID": employee_id, "BEGINDATE": week_of, "STATE": state}
    )
    for line, (task_key, day, hours) in enumerate(entries, start=1):
        task = company.get(TASK, task_key)
        if task is None:
            raise KeyError(f"no TASK {task_key}")
        writes.create(
            ctx,
            TIMESHEETENTRY,
            {
                "TIMESHEETKEY": sheet["RECORDNO"],
                "LINENO": line,
                "ENTRYDATE": day,
                "EMPLOYEEID": employee_id,
                "PROJECTID": task["PROJECTID"],
                "PROJECTKEY": task["PROJECTKEY"],
                "TASKKEY": task_key,
                "TASKNAME": task["NAME"],
                "QTY": hours,
                "STATE": state,
            },
        )
    return int(sheet["RECORDNO"])
