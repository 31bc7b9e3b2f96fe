"""Projects, tasks, timesheets and entities: what a client of the real gateway sees."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sandbox.emulators.intacct import IntacctEmulator
from tests.unit.emulators.intacct.conftest import XmlClient, fn


def project_xml(project_id: str = "P-1", extra: str = "") -> str:
    return (
        f"<create><PROJECT><PROJECTID>{project_id}</PROJECTID><NAME>Rollout</NAME>"
        f"<PROJECTCATEGORY>Contract</PROJECTCATEGORY>{extra}</PROJECT></create>"
    )


def task_xml(name: str, project_id: str = "P-1", estimate: str = "40") -> str:
    return (
        f"<create><TASK><NAME>{name}</NAME><PROJECTID>{project_id}</PROJECTID>"
        f"<ESTQTY>{estimate}</ESTQTY></TASK></create>"
    )


def test_a_record_is_created_in_the_entity_of_its_session(gw: XmlClient) -> None:
    # Given a session opened at entity UK (getAPISession's locationid) and one at the top
    uk = gw.one("<getAPISession><locationid>UK</locationid></getAPISession>", "s")
    assert uk.data is not None
    session = uk.data.findtext("api/sessionid") or ""
    # When each creates a project
    gw.one(project_xml("P-UK"), session=session)
    gw.one(project_xml("P-TOP"))
    # Then the first lives in UK and the second at the top level
    rows = gw.one(
        "<query><object>PROJECT</object><select><field>PROJECTID</field>"
        "<field>MEGAENTITYID</field><field>MEGAENTITYNAME</field></select>"
        "<orderby><order><field>PROJECTID</field><ascending/></order></orderby></query>"
    )
    assert rows.values("MEGAENTITYID") == ["", "UK"]
    assert rows.values("MEGAENTITYNAME") == ["", "United Kingdom"]


def test_an_unknown_entity_or_reference_is_refused(gw: XmlClient) -> None:
    reply = gw.post(fn("f1", project_xml(extra="<CUSTOMERID>NOPE</CUSTOMERID>")))
    assert reply.result.status == "failure"
    assert "CUSTOMERID" in reply.text
    reply = gw.post(fn("f1", task_xml("Orphan", project_id="P-404")))
    assert reply.result.status == "failure"


def test_timesheets_move_task_and_project_progress(gw: XmlClient, emu: IntacctEmulator) -> None:
    # Given a project with tasks estimated at 40 and 60 hours
    gw.one(project_xml())
    design = int(gw.one(task_xml("Design", estimate="40"), "t1").values("RECORDNO")[0])
    gw.one(task_xml("Build", estimate="60"), "t2")
    before = emu.get("PROJECT", "P-1")
    assert before is not None
    assert (before["ESTQTY"], before["ACTUALQTY"], before["PERCENTCOMPLETE"]) == (
        Decimal(100),
        Decimal(0),
        Decimal("0.00"),
    )
    # When two weekly timesheets charge 20 and 10 hours to Design
    emu.enter_timesheet("E-1", date(2024, 5, 6), [(design, date(2024, 5, 6), Decimal(20))])
    emu.enter_timesheet("E-1", date(2024, 5, 13), [(design, date(2024, 5, 13), Decimal(10))])
    # Then the task and the project show it, and the entries can be read
    task = emu.get("TASK", str(design))
    assert task is not None
    assert (task["ACTUALQTY"], task["REMAININGQTY"], task["PERCENTCOMPLETE"]) == (
        Decimal(30),
        Decimal(10),
        Decimal("75.00"),
    )
    project = emu.get("PROJECT", "P-1")
    assert project is not None
    assert (project["ACTUALQTY"], project["PERCENTCOMPLETE"]) == (Decimal(30), Decimal("30.00"))
    entries = gw.one(
        "<query><object>TIMESHEETENTRY</object><select><field>TASKKEY</field>"
        "<field>QTY</field></select></query>"
    )
    assert entries.values("QTY") == ["20", "10"]
    # And timesheets are not written through the gateway
    refused = gw.post(
        fn("f9", "<create><TIMESHEET><EMPLOYEEID>E-1</EMPLOYEEID></TIMESHEET></create>")
    )
    assert refused.result.status == "failure"


def test_a_project_links_to_its_page_and_knows_its_lists(gw: XmlClient) -> None:
    gw.one(project_xml(extra="<PROJECTSTATUS>In Progress</PROJECTSTATUS>"))
    row = gw.one(
        "<readByName><object>PROJECT</object><keys>P-1</keys><fields>*</fields></readByName>"
    )
    assert row.values("RECORD_URL") == ["http://intacct.test/ia/acct/ur.phtml?.r=project-1"]
    assert row.values("PROJECTSTATUSKEY") != [""]
    reply = gw.post(fn("f2", project_xml("P-2", "<PROJECTSTATUS>Nope</PROJECTSTATUS>")))
    assert reply.result.status == "failure"
