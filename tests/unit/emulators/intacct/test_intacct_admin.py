"""The JSON admin endpoints under /__admin__/."""

from __future__ import annotations

import httpx

from sandbox.emulators.intacct import IntacctEmulator
from tests.unit.emulators.intacct.conftest import (
    XmlClient,
    contract_xml,
    customer_xml,
    fn,
    item_xml,
    line_xml,
)


def test_faults_calls_and_reset(gw: XmlClient, http: httpx.Client, emu: IntacctEmulator) -> None:
    # Given a fault added over HTTP
    added = http.post(
        "/__admin__/faults", json={"match": "create CUSTOMER", "kind": "http_error", "status": 500}
    )
    assert added.status_code == 201
    assert added.json()["added"]["match"] == "create CUSTOMER"
    # When a create hits it and a second create succeeds
    assert gw.post(fn("a", customer_xml("C-1"))).status_code == 500
    assert gw.post(fn("b", customer_xml("C-2"))).result.status == "success"
    # Then the call log shows the one executed function
    calls = http.get("/__admin__/calls").json()
    assert [(c["op"], c["target"], c["record_id"], c["ok"]) for c in calls] == [
        ("create", "CUSTOMER", "1", True)
    ]
    # And records are listed with wire-format values
    rows = http.get("/__admin__/records/CUSTOMER").json()
    assert [(r["CUSTOMERID"], r["WHENCREATED"]) for r in rows] == [("C-2", "05/01/2024 12:00:00")]
    # When the emulator is reset
    assert http.post("/__admin__/reset").status_code == 200
    # Then records and calls are gone but credentials still work
    assert http.get("/__admin__/records/CUSTOMER").json() == []
    assert http.get("/__admin__/calls").json() == []
    assert gw.post(fn("c", customer_xml("C-3"))).result.status == "success"
    assert emu.get("ARTERM", "Net 30") is not None


def test_billing_run_and_clock(gw: XmlClient, http: httpx.Client) -> None:
    # Given a billable contract
    gw.one(customer_xml("C-100"))
    gw.one(item_xml())
    gw.one(contract_xml())
    gw.one(line_xml())
    # When the clock moves and billing runs over HTTP
    moved = http.post("/__admin__/clock", json={"advance_s": 120})
    run = http.post("/__admin__/billing-run", json={"as_of": "2024-03-01"})
    # Then three monthly invoices exist, stamped with the moved clock
    assert moved.json()["now"] == "2024-05-01T12:02:00+00:00"
    assert len(run.json()["invoices"]) == 3
    docs = http.get("/__admin__/records/SODOCUMENT").json()
    assert {d["WHENMODIFIED"] for d in docs} == {"05/01/2024 12:02:00"}
    assert [d["TOTAL"] for d in docs] == ["100", "100", "100"]


def test_bad_admin_requests(http: httpx.Client) -> None:
    # Given malformed admin calls
    # Then each is refused with a 4xx
    assert http.post("/__admin__/faults", json={"match": "*", "kind": "meteor"}).status_code == 400
    assert http.post("/__admin__/billing-run", json={"as_of": "soon"}).status_code == 400
    assert http.get("/__admin__/records/WIDGET").status_code == 404
    assert http.get("/__admin__/nothing").status_code == 404
    assert http.get("/elsewhere").status_code == 404
