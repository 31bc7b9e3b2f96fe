"""The audit trail's change marks (``audit_trail.change_marks``, one billed function): an
object's mark changes with any new trail row of it at or after its anchor, even one in the
same whole second as the newest row seen before; an object without rows is marked ""."""

from __future__ import annotations

from datetime import timedelta

from sandbox.emulators.intacct import IntacctEmulator
from tests.unit.connectors.intacct_emulated import connector_on


def test_a_mark_changes_with_any_new_row_even_in_the_same_second():
    # Given a customer created, and the marks of customers (since a while ago) and items
    emu = IntacctEmulator(base_url="http://intacct.test")
    connector = connector_on(emu)
    emu.seed("CUSTOMER", {"CUSTOMERID": "C-1", "NAME": "Acme"})
    created = emu.get("CUSTOMER", "C-1")["WHENMODIFIED"]
    anchors = {"CUSTOMER": created - timedelta(minutes=1), "ITEM": created}
    connector.check_access()
    emu.calls.clear()
    first = connector.change_marks(anchors)
    # When nothing changes, then a second customer is made in the very same second
    again = connector.change_marks(anchors)
    emu.seed("CUSTOMER", {"CUSTOMERID": "C-2", "NAME": "Globex"})
    assert emu.get("CUSTOMER", "C-2")["WHENMODIFIED"] == emu.get("CUSTOMER", "C-1")["WHENMODIFIED"]
    after = connector.change_marks(anchors)
    # Then the marks stand while nothing changes, the customers' mark moves with the new
    # row though its time is the same, and items (no rows since their anchor) are ""
    assert first is not None
    assert after is not None
    assert again == first
    assert first["ITEM"] == after["ITEM"] == ""
    assert first["CUSTOMER"] != ""
    assert after["CUSTOMER"] != first["CUSTOMER"]
    # And each ask was one billed function
    assert [(c.op, c.target) for c in emu.calls.all()] == [("query", "AUDITHISTORY")] * 3


def test_a_company_refusing_the_trail_cannot_mark():
    # Given a company whose API user may not read the audit trail
    emu = IntacctEmulator(base_url="http://intacct.test")
    connector = connector_on(emu)
    emu.permit_audit_history(False)
    # When marks are asked for
    # Then the answer is "cannot tell"
    assert connector.change_marks({"CUSTOMER": None}) is None
