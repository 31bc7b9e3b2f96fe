""" "Create Project" on a won opportunity or a contract: one Intacct project for the
account's customer, the Salesforce project linked to both, the outcome on the record."""

from __future__ import annotations

import time
from datetime import date, timedelta
from decimal import Decimal

from sandbox.emulators.common import FaultRule
from shared.ingest.signatures import HEADER, sign

ACCOUNT = "Acme Corporation"


def press(world, path: str, *, secret: str | None = None):
    body = b"{}"
    signature = sign(
        secret or world.creds.action_secret,
        body,
        int(time.time()),
        f"/actions/{world.creds.connection_id}/{path}",
    )
    return world.http.post(
        f"{world.urls.api}/actions/{world.creds.connection_id}/{path}",
        content=body,
        headers={HEADER: signature, "Content-Type": "application/json"},
    )


def won_opportunity(sf_api, *, stage: str = "Closed Won") -> tuple[str, str]:
    account = sf_api.create("Account", Name=ACCOUNT)
    opportunity = sf_api.create(
        "Opportunity",
        Name="Acme rollout",
        AccountId=account,
        StageName=stage,
        CloseDate="2026-03-01",
    )
    return account, opportunity


def test_create_project_on_a_won_opportunity_makes_one_linked_project(world, sf_api):
    # Given a won opportunity whose account was never synced
    account, opportunity = won_opportunity(sf_api)
    # When the user presses Create Project, twice
    assert press(world, f"opportunities/{opportunity}/project").status_code == 202
    assert press(world, f"opportunities/{opportunity}/project").status_code == 202
    world.settle()
    assert press(world, f"opportunities/{opportunity}/project").status_code == 202
    world.settle()
    # Then Intacct holds one project, for the account's customer, marked as from the deal
    [project] = world.intacct.records("PROJECT")
    customer = sf_api.get("Account", account)["Intacct_Customer_ID__c"]
    assert customer
    assert (project["PROJECTID"], project["NAME"], project["CUSTOMERID"]) == (
        opportunity,
        "Acme rollout",
        customer,
    )
    assert opportunity in project["DESCRIPTION"]
    assert project["BEGINDATE"] == date(2026, 3, 1)
    # And Salesforce one project linked to both, shown on the opportunity
    [sf_project] = sf_api.query(
        "SELECT Id, Opportunity__c, Account__c, Intacct_Project_ID__c FROM Intacct_Project__c"
    )
    assert (sf_project["Opportunity__c"], sf_project["Account__c"]) == (opportunity, account)
    assert project["SFDCKEY"] == sf_project["Id"]
    shown = sf_api.get("Opportunity", opportunity)
    assert shown["Intacct_Project_Status__c"] == "Created"
    assert shown["Intacct_Project__c"] == sf_project["Id"]
    assert shown["Intacct_Project_ID__c"] == opportunity
    assert shown["Intacct_Project_Error__c"] is None


def test_a_lost_answer_from_intacct_still_makes_one_project(world, sf_api):
    # Given Intacct creating the project but its answer lost on the way back
    _, opportunity = won_opportunity(sf_api)
    world.settle()
    world.intacct.faults.add(FaultRule(match="create PROJECT", kind="lose_response"))
    # When Create Project is pressed
    press(world, f"opportunities/{opportunity}/project")
    world.settle()
    # Then there is still one project, and the opportunity says it was created
    assert len(world.intacct.records("PROJECT")) == 1
    assert len(sf_api.query("SELECT Id FROM Intacct_Project__c")) == 1
    assert sf_api.get("Opportunity", opportunity)["Intacct_Project_Status__c"] == "Created"


def test_tasks_and_timesheets_of_the_created_project_reach_salesforce(world, sf_api):
    # Given a project created from a won opportunity
    _, opportunity = won_opportunity(sf_api)
    press(world, f"opportunities/{opportunity}/project")
    world.settle()
    world.poll()
    # When a task is added in Intacct and a timesheet charges half its estimate
    world.intacct.advance_clock(timedelta(seconds=2))
    task = world.intacct.seed("TASK", {"NAME": "Kick-off", "PROJECTID": opportunity, "ESTQTY": 8})
    world.intacct.enter_timesheet("E-1", date(2026, 3, 2), [(task, date(2026, 3, 2), Decimal(4))])
    world.poll()
    # Then the task is under the Salesforce project and the project shows 50 % complete
    [shown] = sf_api.query(
        "SELECT Id, Percent_Complete__c, (SELECT Name, Percent_Complete__c FROM "
        "Intacct_Project_Tasks__r) FROM Intacct_Project__c"
    )
    assert shown["Percent_Complete__c"] == 50
    tasks = sf_api.query(
        f"SELECT Name, Percent_Complete__c FROM Intacct_Project_Task__c "
        f"WHERE Project__c = '{shown['Id']}'"
    )
    assert [(t["Name"], t["Percent_Complete__c"]) for t in tasks] == [("Kick-off", 50)]


def test_create_project_on_a_contract(world, sf_api):
    account = sf_api.create("Account", Name=ACCOUNT)
    contract = sf_api.create(
        "Contract", AccountId=account, Status="Draft", StartDate="2026-01-01", ContractTerm=12
    )
    assert press(world, f"contracts/{contract}/project").status_code == 202
    world.settle()
    [project] = world.intacct.records("PROJECT")
    assert project["PROJECTID"] == contract
    [sf_project] = sf_api.query("SELECT Contract__c FROM Intacct_Project__c")
    assert sf_project["Contract__c"] == contract
    assert sf_api.get("Contract", contract)["Intacct_Project_Status__c"] == "Created"


def test_the_door_refuses_what_cannot_make_a_project(world, sf_api):
    # An open opportunity: 409 with the reason, nothing queued or created
    _, opportunity = won_opportunity(sf_api, stage="Prospecting")
    answer = press(world, f"opportunities/{opportunity}/project")
    assert answer.status_code == 409
    assert "only won opportunities" in answer.json()["error"]
    # Not a record id, an unknown record, a bad signature
    assert press(world, "opportunities/nope/project").status_code == 400
    assert press(world, "opportunities/006000000000000AAA/project").status_code == 404
    assert press(world, f"opportunities/{opportunity}/project", secret="x").status_code == 401
    # Project sync turned off
    settings = world.connection.projects.model_copy(update={"enabled": False})
    world.runtime.connections.put(world.connection.model_copy(update={"projects": settings}))
    sf_api.update("Opportunity", opportunity, StageName="Closed Won")
    answer = press(world, f"opportunities/{opportunity}/project")
    assert (answer.status_code, answer.json()["error"]) == (
        409,
        "project sync is turned off for this connection",
    )
    world.settle()
    assert world.intacct.records("PROJECT") == []
    assert world.queued("projects") == 0
