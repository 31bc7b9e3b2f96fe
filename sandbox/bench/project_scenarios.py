"""``make bench`` rows of issue 13's syncs: projects and tasks both ways, timesheets moving
progress into Salesforce, and the managed lists' scheduled refresh.

Each scenario acts as people do (Salesforce and Intacct through their APIs, timesheets and
list edits as Intacct's UI makes them), lets the world work, and reads the meters
(:class:`sandbox.bench.scenarios.Run`): requests per record of the change worker on each
side, Intacct functions per record (each one billed), queue messages per change. Targets
are the accounts' (issue 9's rule for the change path: about one queue message per change,
at most one read and one write request per object per side per batch of 10, about one
billed Intacct function per record written). Messages are counted per source change: one
per record made, except for tasks made in Intacct, where Intacct also rolls each task's
estimate up into its project (a change of the project's synced hours, a second record
changed at the source): there the changes are the records people changed, as Intacct's
audit trail records them. A timesheet moves its task and its project,
so it may cost one batched write of each; a refresh of the lists reads each list once on
each side and writes only what changed (one upsert request per changed list).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sandbox.bench.figures import BATCH, WORKER, Row, per
from sandbox.bench.scenarios import Measured, Run
from sandbox.emulators.intacct.app import PEOPLE_USER_ID
from sandbox.emulators.intacct.audit_history import OBJECT as AUDIT_TRAIL
from shared.pairs.salesforce_intacct.managed_lists import LISTS

LISTS_JOB = "refresh-lists"


@dataclass
class ProjectRun:
    projects_from_crm: Measured
    projects_from_erp: Measured
    tasks_from_erp: Measured
    tasks_from_crm: Measured
    timesheets: Measured
    refresh_changed: Measured
    refresh_quiet: Measured
    changed_values: int
    # Records Intacct changed while people made the tasks there: the tasks, and the
    # projects their estimates rolled up into (issue 9: messages per *source* change)
    task_source_changes: int


def _settled(run: Run, first: Callable[[], object]) -> Callable[[], None]:
    """The work of one batch of changes: its first way in, then poll rounds until our own
    writes have come back as echoes."""

    def work() -> None:
        first()
        for _ in range(2):
            run.tick()
            run.world.poll()

    return work


def project_sync(run: Run, n: int) -> ProjectRun:
    """N projects made in each system, then N tasks under them in each, then a timesheet
    per Intacct task, then a refresh of the lists after N values changed in Intacct."""
    world = run.world
    for i in range(n):
        run.sf.create("Intacct_Project__c", Name=f"Bench project s{i}", Description__c=f"s{i}")
    from_crm = run.measure(n, _settled(run, world.settle))
    for i in range(n):
        run.intacct.create(
            "PROJECT", PROJECTID=f"BP-{i}", NAME=f"Bench project i{i}", PROJECTCATEGORY="Contract"
        )
    run.tick()
    from_erp = run.measure(n, _settled(run, world.poll))
    projects = [
        str(r["Id"]) for r in run.sf.query("SELECT Id FROM Intacct_Project__c ORDER BY Name")
    ]
    trail_before = _last_trail_row(run)
    tasks: list[str] = []
    for i in range(n):
        tasks.append(
            str(
                run.intacct.create(
                    "TASK", NAME=f"Bench task i{i}", PROJECTID=f"BP-{i}", ESTQTY=Decimal(100)
                )
            )
        )
    run.tick()
    tasks_from_erp = run.measure(n, _settled(run, world.poll))
    task_source_changes = _people_changed(run, trail_before)
    for i in range(n):
        run.sf.create(
            "Intacct_Project_Task__c",
            Name=f"Bench task s{i}",
            Project__c=projects[i % len(projects)],
        )
    tasks_from_crm = run.measure(n, _settled(run, world.settle))
    keys = [
        int(r["RECORDNO"])
        for r in world.intacct.records("TASK")
        if str(r["NAME"]).startswith("Bench task i")
    ]
    run.tick()

    def timesheets() -> None:
        for i, task in enumerate(keys):
            week = date(2026, 3, 2) + timedelta(weeks=i % 4)
            world.intacct.enter_timesheet("E-1", week, [(task, week, Decimal(8))])
        _settled(run, world.poll)()

    timesheet = run.measure(len(keys), timesheets)
    world.runner.fire_schedule(LISTS_JOB)  # the lists' cursors start
    changed = min(n, 2)  # renamed values: two lists, one each
    run.tick()

    def refresh_changed() -> None:
        world.intacct.edit("TERRITORY", "WEST", {"NAME": "West Coast"})
        world.intacct.edit("DEPARTMENT", "SVC", {"TITLE": "Services and support"})
        run.tick()
        world.runner.fire_schedule(LISTS_JOB)

    refreshed = run.measure(changed, refresh_changed)
    run.tick()
    quiet = run.measure(1, lambda: world.runner.fire_schedule(LISTS_JOB))
    return ProjectRun(
        from_crm,
        from_erp,
        tasks_from_erp,
        tasks_from_crm,
        timesheet,
        refreshed,
        quiet,
        changed,
        task_source_changes,
    )


def _last_trail_row(run: Run) -> int:
    """The RECORDNO of the audit trail's newest row (0 while it is empty)."""
    return max((int(r["RECORDNO"]) for r in run.world.intacct.records(AUDIT_TRAIL)), default=0)


def _people_changed(run: Run, after: int) -> int:
    """The distinct records of Intacct's audit trail, after its row ``after``, changed by
    people (a task they made, and each project Intacct rolled its estimate up into), not by
    ledgerlink's own user: the phase's source changes, as Intacct itself records them."""
    return len(
        {
            (r["OBJECTTYPE"], r["OBJECTKEY"])
            for r in run.world.intacct.records(AUDIT_TRAIL)
            if int(r["RECORDNO"]) > after and r["USERID"] == PEOPLE_USER_ID
        }
    )


def _sync_rows(prefix: str, m: Measured, changes: int | None = None) -> list[Row]:
    """``changes``: the source changes the phase made, where they are not one per record."""
    messages = m.aws.sqs_sent / changes if changes else per(m, m.aws.sqs_sent)
    return [
        Row(f"{prefix}.queue_messages_per_change", messages, 1.1, "msg", "lower"),
        Row(
            f"{prefix}.salesforce_requests_per_record",
            per(m, m.saas[f"{WORKER}/salesforce"]),
            2 / BATCH,
            "req (worker)",
            "lower",
        ),
        Row(
            f"{prefix}.intacct_requests_per_record",
            per(m, m.saas[f"{WORKER}/intacct"]),
            2 / BATCH,
            "req (worker)",
            "lower",
        ),
        Row(
            f"{prefix}.intacct_functions_per_record",
            per(m, m.intacct_functions),
            1.05,
            "fn",
            "lower",
        ),
    ]


def project_rows(p: ProjectRun) -> list[Row]:
    rows = (
        _sync_rows("projects.salesforce_to_intacct", p.projects_from_crm)
        + _sync_rows("projects.intacct_to_salesforce", p.projects_from_erp)
        + _sync_rows("tasks.intacct_to_salesforce", p.tasks_from_erp, p.task_source_changes)
        + _sync_rows("tasks.salesforce_to_intacct", p.tasks_from_crm)
    )
    t = p.timesheets
    rows += [
        Row(
            "timesheets.salesforce_requests_per_timesheet",
            per(t, t.saas[f"{WORKER}/salesforce"]),
            2 / BATCH,
            "req (worker)",
            "lower",
        ),
        Row(
            "timesheets.intacct_functions_per_timesheet",
            per(t, t.intacct_functions),
            1.05,
            "fn (reads)",
            "lower",
        ),
    ]
    lists = len(LISTS)  # Intacct list objects (entities and locations apart)
    for name, m, target in (
        ("lists.refresh_changed", p.refresh_changed, 2 * lists + p.changed_values),
        ("lists.refresh_quiet", p.refresh_quiet, 2 * lists),
    ):
        saas = sum(v for k, v in m.saas.items() if k.endswith(("/salesforce", "/intacct")))
        rows.append(Row(f"{name}.saas_requests", float(saas), float(target), "req (run)", "lower"))
        rows.append(
            Row(
                f"{name}.intacct_functions", float(m.intacct_functions), float(lists), "fn", "lower"
            )
        )
    return rows


def rows(
    run_world: Callable[[], AbstractContextManager[Run]],
    n: int,
    progress: Callable[[str], None],
) -> list[Row]:
    """The rows, measured in a world of their own (``run_world``: the bench's context), at
    the bench's N (at least 2) records of each kind: the N the accounts' rows use, so that
    what a poll costs whatever it finds (the first sweep of each object, the audit trail's
    questions) weighs on a record as much here as there."""
    size = max(2, n)
    progress(f"projects and tasks both ways, timesheets, list refresh, N={size}")
    with run_world() as run:
        return project_rows(project_sync(run, size))
