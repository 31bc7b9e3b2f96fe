"""The projects part of `make demo`: Create Project on a won opportunity, tasks and
timesheets in Intacct showing in Salesforce, projects made in Salesforce landing in the
right Intacct entity, edits both ways, and Intacct's managed lists in Salesforce."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any

from sandbox.demo import at_least, check, step, wait_for
from sandbox.stories import press_button
from sandbox.users import IntacctUser, SalesforceUser
from sandbox.world import World
from shared.connectors.salesforce import soql
from shared.pairs.salesforce_intacct.connection import SalesforceIntacctConnection

PROJECT_FIELDS = "Id, Name, Intacct_Project_ID__c, Percent_Complete__c, View_Project__c"


def press_create_project(world: World, opportunity_id: str) -> int:
    return press_button(world, f"opportunities/{opportunity_id}/project").status_code


def set_projects(world: World, **changes: Any) -> None:
    connection = world.connection
    assert isinstance(connection, SalesforceIntacctConnection)
    settings = connection.projects.model_copy(update=changes)
    world.runtime.connections.put(connection.model_copy(update={"projects": settings}))


def _made_from(world: World, salesforce_id: str) -> dict[str, Any] | None:
    """The Intacct project made from this Salesforce project, once it exists."""
    return next(
        (p for p in world.intacct.records("PROJECT") if p["SFDCKEY"] == salesforce_id), None
    )


def projects_story(world: World, opportunity_id: str) -> None:
    sf, ia = SalesforceUser(world), IntacctUser(world)

    step("12. Create Project on the won opportunity (pressed twice)")
    statuses = [press_create_project(world, opportunity_id) for _ in range(2)]
    print(f"   Create Project -> {statuses}")
    check("both presses accepted (202)", statuses == [202, 202])
    shown = wait_for(
        "the project on the opportunity",
        lambda: (
            o
            if (o := sf.get("Opportunity", opportunity_id)).get("Intacct_Project_Status__c")
            not in (None, "Retrying")
            else None
        ),
    )
    key = shown["Intacct_Project_ID__c"]
    print(f"   opportunity: {shown['Intacct_Project_Status__c']}, Intacct project {key}")
    mine = [p for p in world.intacct.records("PROJECT") if p["PROJECTID"] == key]
    check("one Intacct project for the opportunity", len(mine) == 1)
    customer = sf.get("Account", str(sf.get("Opportunity", opportunity_id)["AccountId"]))
    check("for the account's customer", mine[0]["CUSTOMERID"] == customer["Intacct_Customer_ID__c"])
    project = sf.get("Intacct_Project__c", shown["Intacct_Project__c"])
    link = str(project["View_Project__c"])
    print(f"   Salesforce project {project['Name']!r}, View project: {link}")
    opened = world.http.get(link, follow_redirects=False)  # a person clicking it
    print(f"   View project -> {opened.status_code}, lands on {opened.headers.get('Location')}")
    check(
        "View project opens the project's page in Intacct",
        opened.status_code == 303 and opened.headers.get("Location") == mine[0]["RECORD_URL"],
    )

    step("13. Tasks added in Intacct appear under the Salesforce project")
    design = ia.create("TASK", NAME="Design", PROJECTID=key, ESTQTY="40")
    ia.create("TASK", NAME="Build", PROJECTID=key, ESTQTY="60")
    tasks_soql = soql.select(
        "Intacct_Project_Task__c",
        ["Name", "Estimated_Hours__c", "Percent_Complete__c"],
        f"Project__c = {soql.quote(project['Id'])}",
        "ORDER BY Name",
    )
    tasks = wait_for("the tasks in Salesforce", lambda: at_least(sf.query(tasks_soql), 2))
    for t in tasks:
        print(f"   Salesforce task {t['Name']}: {t['Estimated_Hours__c']} h estimated")
    check("both tasks under the project", [t["Name"] for t in tasks] == ["Build", "Design"])

    step("14. A timesheet in Intacct moves percent complete, which Salesforce shows")
    world.intacct.enter_timesheet(
        "E-1", date(2026, 3, 2), [(int(design), date(2026, 3, 2), Decimal(25))]
    )
    done = wait_for(
        "the percent complete in Salesforce",
        lambda: (
            p
            if (p := sf.get("Intacct_Project__c", project["Id"])).get("Percent_Complete__c") == 25
            else None
        ),
    )
    print(f"   Salesforce project: {done['Percent_Complete__c']} % complete")
    check("25 of 100 estimated hours: 25 %", done["Percent_Complete__c"] == 25)

    step("15. Projects made in Salesforce land in the right Intacct entity")
    for top_level, entity, expected in ((False, "UK", "UK"), (False, None, ""), (True, "UK", "")):
        set_projects(world, top_level=top_level)
        made = sf.create(
            "Intacct_Project__c",
            Name=f"Internal {entity or 'blank'} top-level={top_level}",
            Intacct_Entity__c=entity,
        )
        row = wait_for("the Intacct project", partial(_made_from, world, made))
        where = row["MEGAENTITYID"] or "top level"
        print(
            f"   top_level={top_level}, entity {entity!r} -> Intacct {row['PROJECTID']} in {where}"
        )
        check("in the expected place", (row["MEGAENTITYID"] or "") == expected)
    set_projects(world, top_level=False)

    step("16. An edit on either side reaches the other, once")
    sf.update("Intacct_Project__c", project["Id"], Name="Initech rollout, phase 1")
    wait_for(
        "the rename in Intacct",
        lambda: (ia.get("PROJECT", key, "NAME") or {}).get("NAME") == "Initech rollout, phase 1",
    )
    ia.update("TASK", design, TASKSTATUS="In Progress")
    wait_for(
        "the status in Salesforce",
        lambda: sf.query(
            soql.select(
                "Intacct_Project_Task__c",
                ["Id"],
                f"Intacct_Task_Key__c = {soql.quote(design)} AND Task_Status__c = 'In Progress'",
            )
        ),
    )
    check("rename in Intacct, task status in Salesforce", True)

    step("17. Intacct's managed lists in Salesforce (read-only)")
    terms = sf.query("SELECT Name, Active__c FROM Intacct_AR_Payment_Term__c ORDER BY Name")
    print(f"   payment terms: {', '.join(t['Name'] for t in terms)}")
    ia.create("CLASS", CLASSID="GOV", NAME="Government")
    wait_for(
        "the new class in Salesforce",
        lambda: sf.query("SELECT Id FROM Intacct_Class__c WHERE Intacct_ID__c = 'GOV'"),
    )
    check("a class added in Intacct shows in Salesforce", True)
    [west] = sf.query("SELECT Id FROM Intacct_Territory__c WHERE Intacct_ID__c = 'WEST'")
    account = sf.create("Account", Name="Kramerica Industries", Territory__c=west["Id"])
    territory = wait_for(
        "the customer's territory",
        lambda: (ia.get("CUSTOMER", account, "TERRITORYID") or {}).get("TERRITORYID"),
    )
    print(f"   an account picking territory West -> Intacct customer in territory {territory}")
    check("the account's territory, checked against the list, reaches Intacct", territory == "WEST")
