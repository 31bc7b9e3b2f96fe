"""Intacct projects and tasks <-> Salesforce Intacct_Project__c / Intacct_Project_Task__c,
both ways, in-process."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from sandbox.emulators.common import FaultRule
from sandbox.emulators.salesforce import build_outbound_envelope
from sandbox.provisioning import webhook_url
from shared.pairs.salesforce_intacct.project_settings import ProjectSettings
from shared.topology import CHANGES

PROJECT_SOQL = (
    "SELECT Id, Name, Account__c, Project_Status__r.Intacct_ID__c, Percent_Complete__c, "
    "Actual_Hours__c, "
    "View_Project__c, Intacct_Entity__c FROM Intacct_Project__c WHERE Intacct_Project_ID__c = '{}'"
)


def followed(world, link: str) -> tuple[int, str | None]:
    """A person following a link in Salesforce: the API's status and where it sends them."""
    answer = world.http.get(link, follow_redirects=False)
    return answer.status_code, answer.headers.get("Location")


def project_settings(world, **changes) -> None:
    settings = world.connection.projects.model_copy(update=changes)
    world.runtime.connections.put(world.connection.model_copy(update={"projects": settings}))


def intacct_project(world, sf_api, intacct_api, project_id: str = "P-100") -> tuple[str, str]:
    """An account synced to Intacct, and an Intacct project for it: (account, project id)."""
    account = sf_api.create("Account", Name="Acme Corporation")
    world.settle()
    intacct_api.create(
        "PROJECT",
        PROJECTID=project_id,
        NAME="Acme rollout",
        PROJECTCATEGORY="Contract",
        CUSTOMERID=account,
        PROJECTSTATUS="In Progress",
    )
    return account, project_id


def sf_project(sf_api, world, **fields) -> str:
    return sf_api.create(
        "Intacct_Project__c", **{"Name": "Globex migration", "Account__c": None, **fields}
    )


def list_value(sf_api, sobject: str, intacct_id: str) -> str:
    """The Salesforce record of a value of a mirrored managed list."""
    rows = sf_api.query(f"SELECT Id FROM {sobject} WHERE Intacct_ID__c = '{intacct_id}'")
    return str(rows[0]["Id"])


def deliver(world, *notifications: tuple[str, str]) -> None:
    """Salesforce's outbound message about these records, in this order, processed."""
    envelope = build_outbound_envelope(
        world.salesforce.org_id,
        "04k000000000077AAA",
        [
            (f"04l0000000000{n:02d}AAA", sobject, {"Id": record_id})
            for n, (sobject, record_id) in enumerate(notifications)
        ],
    )
    answer = world.http.post(webhook_url(world.urls.api, world.creds), content=envelope)
    assert answer.status_code == 200, answer.text
    world.runner.drain()


def test_intacct_project_and_tasks_appear_under_the_salesforce_project(world, sf_api, intacct_api):
    # Given an Intacct project for a synced customer, with two tasks added in Intacct
    account, project_id = intacct_project(world, sf_api, intacct_api)
    design = intacct_api.create("TASK", NAME="Design", PROJECTID=project_id, ESTQTY="40")
    build = intacct_api.create("TASK", NAME="Build", PROJECTID=project_id, ESTQTY="60")
    # When the poller runs
    world.poll()
    # Then Salesforce has the project under the account, with "View project" into Intacct
    [project] = sf_api.query(PROJECT_SOQL.format(project_id))
    status = project["Project_Status__r.Intacct_ID__c"]
    assert (project["Name"], project["Account__c"], status) == (
        "Acme rollout",
        account,
        "In Progress",
    )
    # (a link through our API, composed from the project's RECORDNO: no RECORD_URL read)
    record = world.intacct.get("PROJECT", project_id)
    link = project["View_Project__c"]
    assert link.startswith(f"{world.urls.api}/open/demo/project/{record['RECORDNO']}?sig=")
    assert followed(world, link) == (303, record["RECORD_URL"])
    # And both tasks under it, keyed by their Intacct record numbers
    tasks = sf_api.query(
        "SELECT Name, Project__c, Estimated_Hours__c, Intacct_Task_Key__c "
        "FROM Intacct_Project_Task__c ORDER BY Name"
    )
    assert [(t["Name"], t["Project__c"], t["Intacct_Task_Key__c"]) for t in tasks] == [
        ("Build", project["Id"], build),
        ("Design", project["Id"], design),
    ]
    assert [t["Estimated_Hours__c"] for t in tasks] == [60, 40]


def test_timesheets_move_percent_complete_which_salesforce_shows(world, sf_api, intacct_api):
    # Given a synced Intacct project with two tasks estimated at 40 and 60 hours
    _, project_id = intacct_project(world, sf_api, intacct_api)
    design = intacct_api.create("TASK", NAME="Design", PROJECTID=project_id, ESTQTY="40")
    intacct_api.create("TASK", NAME="Build", PROJECTID=project_id, ESTQTY="60")
    world.poll()
    # When an employee's approved timesheet charges 10 hours to Design, and later 20 more
    world.intacct.advance_clock(timedelta(seconds=2))
    world.intacct.enter_timesheet(
        "E-1", date(2026, 3, 2), [(int(design), date(2026, 3, 2), Decimal("10"))]
    )
    world.poll()
    first = sf_api.query(PROJECT_SOQL.format(project_id))[0]
    world.intacct.advance_clock(timedelta(seconds=2))
    world.intacct.enter_timesheet(
        "E-1", date(2026, 3, 9), [(int(design), date(2026, 3, 9), Decimal("20"))]
    )
    world.poll()
    # Then Salesforce shows each step: the task's and the project's hours and percent
    assert (first["Actual_Hours__c"], first["Percent_Complete__c"]) == (10, 10)
    project = sf_api.query(PROJECT_SOQL.format(project_id))[0]
    assert (project["Actual_Hours__c"], project["Percent_Complete__c"]) == (30, 30)
    [task] = sf_api.query(
        "SELECT Actual_Hours__c, Percent_Complete__c FROM Intacct_Project_Task__c "
        f"WHERE Intacct_Task_Key__c = '{design}'"
    )
    assert (task["Actual_Hours__c"], task["Percent_Complete__c"]) == (30, 75)


@pytest.mark.parametrize(
    ("top_level", "entity", "expected"),
    [(False, "UK", "UK"), (False, None, ""), (True, "UK", "")],
    ids=["in-its-entity", "blank-entity-top-level", "top-level-setting"],
)
def test_salesforce_project_is_created_in_the_right_entity(
    world, sf_api, top_level, entity, expected
):
    # Given the top-level setting, and a project created in Salesforce naming an entity
    project_settings(world, top_level=top_level)
    status = list_value(sf_api, "Intacct_Project_Status__c", "Not Started")
    world.intacct.calls.clear()
    project = sf_project(sf_api, world, Intacct_Entity__c=entity, Project_Status__c=status)
    # When its outbound message is processed
    world.settle()
    # Then Intacct holds one project, in the expected entity, keyed back on Salesforce
    [created] = world.intacct.records("PROJECT")
    assert (created["NAME"], created["MEGAENTITYID"] or "") == ("Globex migration", expected)
    assert created["SFDCKEY"] == project
    # And the create read nothing back (its entity is its session's), yet the poll after it
    # sees the new project as exactly what we knew of it: our own write
    assert [op for op, _ in copy_ops(world)] == ["create"]
    assert quiet_poll(world) == {}
    assert created["PROJECTSTATUS"] == "Not Started"
    shown = sf_api.get("Intacct_Project__c", project)
    assert shown["Intacct_Project_ID__c"] == created["PROJECTID"]


def test_salesforce_task_waits_for_its_project_then_syncs_under_it(world, sf_api):
    # Given a project and its task created in Salesforce
    project = sf_project(sf_api, world)
    task = sf_api.create(
        "Intacct_Project_Task__c", Name="Cut-over", Project__c=project, Estimated_Hours__c=8
    )
    # When the task's notification is processed before its project's
    deliver(world, ("Intacct_Project_Task__c", task), ("Intacct_Project__c", project))
    world.settle()
    # Then the task reaches Intacct under the project, once, and nothing went to a DLQ
    [intacct_task] = world.intacct.records("TASK")
    [intacct_project] = world.intacct.records("PROJECT")
    assert (intacct_task["NAME"], intacct_task["PROJECTID"], intacct_task["ESTQTY"]) == (
        "Cut-over",
        intacct_project["PROJECTID"],
        Decimal(8),
    )
    assert sf_api.get("Intacct_Project_Task__c", task)["Intacct_Task_Key__c"] == str(
        intacct_task["RECORDNO"]
    )
    creates = [c.target for c in world.intacct.calls.writes() if c.op == "create"]
    assert creates == ["PROJECT", "TASK"]  # the task waited for its project
    assert world.dead_letters() == []


def test_a_project_waits_for_its_account_to_be_linked(world, sf_api):
    # Given an account and a project for it, both new in Salesforce
    account = sf_api.create("Account", Name="Initech")
    project = sf_project(sf_api, world, Account__c=account)
    # When the project's notification is processed before the account's
    deliver(world, ("Intacct_Project__c", project), ("Account", account))
    world.settle()
    # Then the project reaches Intacct for the account's customer
    [created] = world.intacct.records("PROJECT")
    assert created["CUSTOMERID"] == sf_api.get("Account", account)["Intacct_Customer_ID__c"]
    assert world.dead_letters() == []


def test_an_edit_on_either_side_reaches_the_other_exactly_once(world, sf_api, intacct_api):
    # Given a project with a task, synced from Intacct
    _, project_id = intacct_project(world, sf_api, intacct_api)
    task = intacct_api.create("TASK", NAME="Design", PROJECTID=project_id, ESTQTY="40")
    world.poll()
    [project] = sf_api.query(PROJECT_SOQL.format(project_id))
    world.intacct.advance_clock(timedelta(seconds=2))
    world.poll()
    # When the project is renamed in Salesforce
    world.intacct.calls.clear()
    sf_api.update("Intacct_Project__c", project["Id"], Name="Acme rollout, phase 1")
    world.settle()
    world.intacct.advance_clock(timedelta(seconds=2))
    world.salesforce.calls.clear()
    world.poll()
    # Then Intacct received exactly one update, and nothing came back to Salesforce
    assert [(c.op, c.target) for c in world.intacct.calls.writes()] == [("update", "PROJECT")]
    assert world.intacct.get("PROJECT", project_id)["NAME"] == "Acme rollout, phase 1"
    assert world.salesforce.calls.writes() == []
    # And when the task's status changes in Intacct, Salesforce is written once, no echo
    world.intacct.calls.clear()
    intacct_api.update("TASK", task, TASKSTATUS="In Progress")
    world.intacct.calls.clear()
    world.poll()
    world.intacct.advance_clock(timedelta(seconds=2))
    world.poll()
    writes = [(c.op, c.target) for c in world.salesforce.calls.writes()]
    assert writes == [("update", "Intacct_Project_Task__c")]
    assert world.intacct.calls.writes() == []
    [shown] = sf_api.query(
        f"SELECT Task_Status__c FROM Intacct_Project_Task__c WHERE Intacct_Task_Key__c = '{task}'"
    )
    assert shown["Task_Status__c"] == "In Progress"


def test_project_sync_turned_off_touches_nothing_else(world, sf_api, intacct_api):
    # Given project sync turned off
    project_settings(world, enabled=False)
    assert "PROJECT" not in world.connection.erp_polled_objects
    # When a project is made in each system and an account in Salesforce
    sf_project(sf_api, world)
    account = sf_api.create("Account", Name="Hooli")
    world.settle()
    intacct_api.create("PROJECT", PROJECTID="P-9", NAME="Internal", PROJECTCATEGORY="Contract")
    world.poll()
    # Then Salesforce's notifications of the project were acknowledged, not left to retry
    assert world.salesforce.pending_outbound() == 0
    # And no project crossed either way, and the account still became a customer
    assert [p["PROJECTID"] for p in world.intacct.records("PROJECT")] == ["P-9"]
    assert (
        sf_api.query("SELECT Id FROM Intacct_Project__c WHERE Intacct_Project_ID__c != null") == []
    )
    assert world.intacct.get("CUSTOMER", account) is not None
    # And turned on again, the Intacct project is picked up
    project_settings(world, enabled=True)
    assert world.connection.projects == ProjectSettings(api_url=world.urls.api)
    world.poll()
    assert len(sf_api.query(PROJECT_SOQL.format("P-9"))) == 1


def test_intacct_task_waits_when_salesforce_lacks_its_project_yet(world, sf_api, intacct_api):
    # Given an Intacct project and task, and Salesforce failing the project's first write
    intacct_api.create("PROJECT", PROJECTID="P-7", NAME="Wait", PROJECTCATEGORY="Contract")
    task = intacct_api.create("TASK", NAME="Later", PROJECTID="P-7")
    world.salesforce.faults.add(
        FaultRule(match="PATCH Intacct_Project__c", kind="http_error", times=3)
    )
    # When the poller hands both over and the task is tried before its project made it
    world.poll()
    # Then the task waited, then synced under its project; nothing dead-lettered or paused
    [project] = sf_api.query(PROJECT_SOQL.format("P-7"))
    [shown] = sf_api.query(
        f"SELECT Project__c FROM Intacct_Project_Task__c WHERE Intacct_Task_Key__c = '{task}'"
    )
    assert shown["Project__c"] == project["Id"]
    assert world.dead_letters() == []
    assert world.runtime.outages.paused(world.connection.connection_id) == []


def test_a_project_picking_an_inactive_status_is_refused_naming_the_list(world, sf_api):
    # Given a project status made inactive in Intacct, refreshed into Salesforce
    world.intacct.advance_clock(timedelta(seconds=2))
    world.intacct.edit("PROJECTSTATUS", "On Hold", {"STATUS": "inactive"})
    world.runner.fire_schedule("refresh-lists")
    on_hold = list_value(sf_api, "Intacct_Project_Status__c", "On Hold")
    # When a Salesforce project picks it
    sf_project(sf_api, world, Project_Status__c=on_hold)
    world.settle()
    # Then nothing reached Intacct, and the refusal names the list and the value
    assert world.intacct.records("PROJECT") == []
    [dead] = world.dead_letters()
    reason = dead["MessageAttributes"]["reason"]["StringValue"]
    assert reason == "'On Hold' is inactive in Intacct's project statuses"


def test_a_polled_salesforce_task_waits_then_reads_its_project_fresh(world, sf_api):
    # Given a project and its task made in Salesforce, and Intacct failing the project's
    # first creates (so the poll's snapshot of the task names no Intacct project)
    project = sf_project(sf_api, world)
    task = sf_api.create("Intacct_Project_Task__c", Name="Go-live", Project__c=project)
    world.salesforce.org.outbound.clear()  # their outbound messages were lost: the poll sees them
    world.intacct.faults.add(FaultRule(match="create PROJECT", kind="http_error", times=2))

    # When the poller hands both over and everything settles
    world.poll()
    world.settle()

    # Then the task reached Intacct under its project, read fresh once the project was
    # linked, and nothing was dead-lettered
    [intacct_project] = world.intacct.records("PROJECT")
    [intacct_task] = world.intacct.records("TASK")
    assert intacct_task["PROJECTID"] == intacct_project["PROJECTID"]
    assert sf_api.get("Intacct_Project_Task__c", task)["Intacct_Task_Key__c"] == str(
        intacct_task["RECORDNO"]
    )
    assert world.dead_letters() == []


def quiet_poll(world) -> dict[str, int]:
    """A poll a little later; answers how many changes it queued per system/object."""
    world.salesforce.advance_clock(timedelta(seconds=2))
    world.intacct.advance_clock(timedelta(seconds=2))
    handed = world.runner.fire_schedule("poll-changes")["demo"]
    world.settle()
    return {k: v for k, v in handed.items() if v}


def copy_ops(world) -> list[tuple[str, str]]:
    return [(c.op, c.target) for c in world.intacct.calls.all() if c.target in ("PROJECT", "TASK")]


def test_a_salesforce_project_and_task_cost_one_message_each(world, sf_api):
    # Given a project made in Salesforce, synced by its outbound message
    world.intacct.calls.clear()
    project = sf_project(sf_api, world, Name="Initech audit")
    world.salesforce.calls.clear()
    world.settle()
    # Then the Salesforce project shows, at once, its Intacct key and a link that opens the
    # project's page in Intacct
    shown = sf_api.get("Intacct_Project__c", project)
    [copy] = [
        r
        for r in world.intacct.records("PROJECT")
        if r["PROJECTID"] == shown["Intacct_Project_ID__c"]
    ]
    assert shown["View_Project__c"].startswith(
        f"{world.urls.api}/open/demo/project/{copy['RECORDNO']}?sig="
    )
    # And the create did not read its copy back (the link needs only the RECORDNO it answered)
    assert copy_ops(world) == [("create", "PROJECT")]
    # And key and link reached Salesforce in one write: the key write-back it always made
    assert [c.op for c in world.salesforce.calls.writes("Intacct_Project__c")] == ["update"]
    # And following the link reads the page's URL from Intacct then, once
    world.intacct.calls.clear()
    assert followed(world, shown["View_Project__c"]) == (303, copy["RECORD_URL"])
    assert copy_ops(world) == [("query", "PROJECT")]
    # And the poll after it sees the copy and the Salesforce project as our own writes
    assert quiet_poll(world) == {}
    # When a task is made under it in Salesforce
    world.intacct.calls.clear()
    task = sf_api.create("Intacct_Project_Task__c", Name="Fieldwork", Project__c=project)
    world.settle()
    # Then the task was created, not read back (all Intacct makes of a new task follows from
    # what was sent), and shows its Intacct key, default status and hours at once
    assert copy_ops(world) == [("create", "TASK")]
    shown_task = sf_api.get("Intacct_Project_Task__c", task)
    [task_copy] = [r for r in world.intacct.records("TASK") if r.get("SFDCKEY") == task]
    assert shown_task["Intacct_Task_Key__c"] == str(task_copy["RECORDNO"])
    assert shown_task["Task_Status__c"] == task_copy["TASKSTATUS"] == "Not Started"
    assert Decimal(str(shown_task["Actual_Hours__c"])) == Decimal(task_copy["ACTUALQTY"]) == 0
    # And the poll after it queues only the project, whose hours Intacct rolled up from its
    # new task (a change of the project's own), not the task
    assert quiet_poll(world) == {"intacct/PROJECT": 1}


def test_a_timesheet_reaches_salesforce_in_one_call_per_object(world, sf_api, intacct_api):
    # Given a synced Intacct project with a task estimated at 40 hours, and Salesforce's
    # requests counted from here
    from sandbox.bench.saas_meter import SaasMeter

    _, project_id = intacct_project(world, sf_api, intacct_api)
    design = intacct_api.create("TASK", NAME="Design", PROJECTID=project_id, ESTQTY="40")
    world.poll()
    meter = SaasMeter(world)
    # When a timesheet charges 10 hours to the task and the poll brings the progress over
    world.intacct.advance_clock(timedelta(seconds=2))
    world.intacct.enter_timesheet(
        "E-1", date(2026, 3, 2), [(int(design), date(2026, 3, 2), Decimal("10"))]
    )
    world.runner.fire_schedule("poll-changes")
    before = meter.snapshot()[0]["salesforce"]
    world.salesforce.calls.clear()
    world.settle()
    # Then the task's and the project's hours (fields only Intacct sends) were written with
    # no read of Salesforce first: one Composite call for each, the read-back inside it
    requests, _ = meter.snapshot()
    assert requests["salesforce"] - before == 2
    assert [(c.op, c.target) for c in world.salesforce.calls.all()] == [
        ("update", "Intacct_Project__c"),
        ("query", "Intacct_Project__c"),
        ("update", "Intacct_Project_Task__c"),
        ("query", "Intacct_Project_Task__c"),
    ]
    [task] = sf_api.query(
        "SELECT Actual_Hours__c, Percent_Complete__c FROM Intacct_Project_Task__c "
        f"WHERE Intacct_Task_Key__c = '{design}'"
    )
    assert (task["Actual_Hours__c"], task["Percent_Complete__c"]) == (10, 25)
    project = sf_api.query(PROJECT_SOQL.format(project_id))[0]
    assert (project["Actual_Hours__c"], project["Percent_Complete__c"]) == (10, 25)


def test_a_field_salesforce_also_sends_is_checked_there_before_it_is_written(
    world, sf_api, intacct_api
):
    # Given a synced Intacct project whose name Salesforce and Intacct both send
    _, project_id = intacct_project(world, sf_api, intacct_api)
    world.poll()
    [project] = sf_api.query(PROJECT_SOQL.format(project_id))
    # When it is renamed in Salesforce, then (before any sync) in Intacct, and Intacct's
    # change is polled first
    sf_api.update("Intacct_Project__c", project["Id"], Name="Acme rollout (SF)")
    world.intacct.advance_clock(timedelta(seconds=2))
    world.intacct.edit("PROJECT", project_id, {"NAME": "Acme rollout (Intacct)"})
    world.runner.fire_schedule("poll-changes")
    world.salesforce.calls.clear()
    world.runner.drain()
    # Then Salesforce was read before anything was written to it, and its name, under the
    # connection's crm_wins, stays
    ops = [(c.op, c.target) for c in world.salesforce.calls.all()]
    assert ops[0] == ("query", "Intacct_Project__c")
    assert sf_api.get("Intacct_Project__c", project["Id"])["Name"] == "Acme rollout (SF)"


def test_a_task_create_whose_answer_was_lost_is_not_made_twice_after_an_edit(world, sf_api):
    # Given a Salesforce project synced to Intacct, and a task made under it whose create in
    # Intacct runs but whose answer is lost, the retries failing too
    project = sf_project(sf_api, world, Name="Initech audit")
    world.settle()
    world.intacct.faults.add(FaultRule(match="create TASK", kind="lose_response"))
    world.intacct.faults.add(FaultRule(match="create TASK", kind="http_error", status=500, times=2))
    task = sf_api.create("Intacct_Project_Task__c", Name="Fieldwork", Project__c=project)
    world.background_work()  # its outbound message
    assert world.runner.deliver(CHANGES).failed == 1
    # When the task is edited in Salesforce (a new version) before its change comes again
    world.salesforce.advance_clock(timedelta(seconds=2))
    sf_api.update("Intacct_Project_Task__c", task, Description__c="Walk the floor")
    world.settle()
    world.intacct.advance_clock(timedelta(seconds=2))
    world.poll()
    # Then Intacct has one task for it, holding the edit, and Salesforce shows its key
    copies = [r for r in world.intacct.records("TASK") if r.get("SFDCKEY") == task]
    assert len(copies) == 1
    assert copies[0]["DESCRIPTION"] == "Walk the floor"
    shown = sf_api.get("Intacct_Project_Task__c", task)
    assert shown["Intacct_Task_Key__c"] == str(copies[0]["RECORDNO"])
    assert len(sf_api.query("SELECT Id FROM Intacct_Project_Task__c")) == 1


def test_a_project_create_resumed_after_a_lost_answer_shows_its_link(world, sf_api):
    # Given a Salesforce project whose create in Intacct runs but whose answer is lost, the
    # retries of that delivery failing too
    world.intacct.faults.add(FaultRule(match="create PROJECT", kind="lose_response"))
    world.intacct.faults.add(
        FaultRule(match="create PROJECT", kind="http_error", status=500, times=2)
    )
    project = sf_project(sf_api, world, Name="Resumed rollout")
    world.background_work()  # its outbound message
    assert world.runner.deliver(CHANGES).failed == 1
    # When its change comes again and resumes the create
    world.settle()
    # Then the one Intacct project is linked, and Salesforce shows its key and its link,
    # composed from the record number the resumed write read back
    [copy] = world.intacct.records("PROJECT")
    shown = sf_api.get("Intacct_Project__c", project)
    assert shown["Intacct_Project_ID__c"] == copy["PROJECTID"]
    assert followed(world, shown["View_Project__c"]) == (303, copy["RECORD_URL"])
