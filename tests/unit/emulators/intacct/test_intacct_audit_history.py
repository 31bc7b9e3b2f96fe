"""AUDITHISTORY: every create, update and delete leaves a row; a query groups them by object
type; a failed transaction leaves none; a user without the permission is refused."""

from __future__ import annotations

from datetime import timedelta

from sandbox.emulators.intacct import IntacctEmulator
from tests.unit.emulators.intacct.conftest import (
    COMPANY,
    USER,
    XmlClient,
    customer_xml,
    fn,
    item_xml,
)

OURS = "<in><field>OBJECTTYPE</field><value>customer</value><value>item</value></in>"


def audit_query(filter_xml: str = OURS, select: str | None = None) -> str:
    chosen = select or (
        "<field>OBJECTTYPE</field><field>OBJECTKEY</field><field>ACCESSMODE</field>"
        "<field>USERID</field><field>ACCESSTIME</field>"
    )
    where = f"<filter>{filter_xml}</filter>" if filter_xml else ""
    return f"<query><object>AUDITHISTORY</object><select>{chosen}</select>{where}</query>"


def test_writes_leave_rows_with_type_key_mode_and_user(gw: XmlClient, emu: IntacctEmulator) -> None:
    # Given a customer created, then updated a minute later, and an item created
    gw.one(customer_xml("C-1"), "c1")
    emu.advance_clock(timedelta(minutes=1))
    gw.one("<update><CUSTOMER><CUSTOMERID>C-1</CUSTOMERID><NAME>New</NAME></CUSTOMER></update>")
    gw.one(item_xml(), "i1")
    # When the audit history is queried
    result = gw.one(audit_query())
    # Then (beside the company's set-up records) one row per write, in order, naming the
    # object in lower case, its key, the mode and the API user; the update's time is a
    # minute after the create's
    assert result.status == "success", result.errors
    assert result.values("OBJECTTYPE") == ["customer", "customer", "item"]
    assert result.values("ACCESSMODE") == ["C", "M", "C"]
    assert set(result.values("USERID")) == {USER}
    times = result.values("ACCESSTIME")
    assert times[0] != times[1]
    assert times[1] == times[2]
    customer = emu.get("CUSTOMER", "C-1", company_id=COMPANY)
    assert customer is not None
    assert result.values("OBJECTKEY")[0] == str(customer["RECORDNO"])


def test_grouped_by_object_type_with_the_latest_time(gw: XmlClient, emu: IntacctEmulator) -> None:
    # Given two customers, then an item two minutes later
    gw.one(customer_xml("C-1"), "c1")
    gw.one(customer_xml("C-2"), "c2")
    emu.advance_clock(timedelta(minutes=2))
    gw.one(item_xml(), "i1")
    # When the trail since the start is grouped by object type, for customers and items
    # (case-insensitive, as the screens name them)
    select = "<field>OBJECTTYPE</field><max>ACCESSTIME</max>"
    where = (
        "<in><field>OBJECTTYPE</field><value>CUSTOMER</value><value>ITEM</value>"
        "<value>PROJECT</value></in>"
    )
    body = audit_query(where, select).replace(
        "</query>", "<options><caseinsensitive>true</caseinsensitive></options></query>"
    )
    result = gw.one(body)
    # Then one row per object that changed, with its newest time; none for projects
    assert result.status == "success", result.errors
    assert result.values("OBJECTTYPE") == ["customer", "item"]
    first, last = result.values("MAX.ACCESSTIME")
    assert first < last


def test_a_failed_transaction_leaves_no_trail(gw: XmlClient) -> None:
    # Given a request whose second create fails, in one transaction
    reply = gw.post(fn("a", customer_xml("C-1")), fn("b", customer_xml("C-1")), transaction=True)
    assert reply.results[1].status == "failure"
    # When the audit history is queried
    result = gw.one(audit_query())
    # Then the rolled-back create left no row (the company's set-up lists have theirs)
    assert result.values("OBJECTTYPE") == []


def test_without_the_permission_the_query_is_refused(gw: XmlClient, emu: IntacctEmulator) -> None:
    # Given a company whose API user lacks the custom reports permission
    emu.permit_audit_history(False)
    gw.one(customer_xml("C-1"), "c1")
    # When the audit history is queried
    result = gw.one(audit_query())
    # Then the function fails with the reason, and other queries still work
    assert result.status == "failure"
    assert "permission" in result.errors[0][1]
    assert gw.one(
        "<query><object>CUSTOMER</object><select><field>CUSTOMERID</field></select></query>"
    ).values("CUSTOMERID") == ["C-1"]
