"""``make bench``'s rows of issue 13's syncs: projects and tasks both ways, timesheets and
the managed lists' refresh, measured on a tiny in-process run."""

from __future__ import annotations

from sandbox.bench.project_scenarios import project_sync, rows
from sandbox.bench.run import world_run
from shared.pairs.salesforce_intacct.managed_lists import LISTS


def test_the_project_rows_measure_every_sync_of_issue_13():
    # When the project scenarios run on two records of each kind
    seen: list[str] = []
    measured = {row.figure: row for row in rows(world_run, 2, seen.append)}
    # Then every sync has its rows, each announced once
    assert len(seen) == 1
    for prefix in (
        "projects.salesforce_to_intacct",
        "projects.intacct_to_salesforce",
        "tasks.intacct_to_salesforce",
        "tasks.salesforce_to_intacct",
    ):
        for figure in ("queue_messages_per_change", "intacct_functions_per_record"):
            # And each record cost at least one queue message and one billed function
            assert measured[f"{prefix}.{figure}"].measured >= 1, prefix
    # And a timesheet reached Salesforce through the worker
    assert measured["timesheets.salesforce_requests_per_timesheet"].measured > 0
    # And a refresh reads every list, quiet or not
    for name in ("lists.refresh_changed", "lists.refresh_quiet"):
        assert measured[f"{name}.intacct_functions"].measured >= len(LISTS)
    assert (
        measured["lists.refresh_changed.saas_requests"].measured
        >= measured["lists.refresh_quiet.saas_requests"].measured
    )


def test_tasks_made_in_intacct_count_the_projects_they_roll_up_into_as_source_changes():
    # When people make two tasks in Intacct, each under a project of its own
    with world_run() as run:
        measured = project_sync(run, 2)
    # Then Intacct's audit trail shows four records changed by them: the two tasks and the
    # two projects their estimates rolled up into (ledgerlink's own writes are not counted)
    assert measured.task_source_changes == 4
    # And one queue message carried each of those changes
    assert measured.tasks_from_erp.aws.sqs_sent == 4
