"""Several Intacct functions in one request: queries together (``IntacctConnector.
query_each``: each function billed on its own, the request one, a query with more rows than
its page read on in later requests without the queries already done), and creates read
back in their own request when they ask for it (``Write.read_back``)."""

from __future__ import annotations

from sandbox.emulators.intacct import IntacctEmulator
from shared.connectors.base import Write
from shared.connectors.intacct.connector import Query, changed_query
from shared.errors import LedgerlinkError
from shared.models.records import WriteResult
from tests.unit.connectors.intacct_emulated import connector_on


def test_queries_of_several_objects_share_one_request_and_page_on_alone():
    # Given five customers and two more classes (beside the company's own), signed in
    emu = IntacctEmulator(base_url="http://intacct.test")
    connector = connector_on(emu)
    for i in range(5):
        emu.seed("CUSTOMER", {"CUSTOMERID": f"C-{i}", "NAME": f"Customer {i}"})
    for cls in ("GOV", "EDU"):
        emu.seed("CLASS", {"CLASSID": cls, "NAME": cls.title()})
    connector.check_access()
    before = connector.requests_sent
    emu.calls.clear()
    # When the customers are read two a page and the classes ten a page, together
    customers, classes = connector.query_each(
        [
            Query("CUSTOMER", ("NAME",), order_by=("RECORDNO",), page_size=2),
            Query("CLASS", ("NAME",)),
        ]
    )
    # Then every row came back, in order
    assert [r["CUSTOMERID"] for r in customers] == [f"C-{i}" for i in range(5)]
    assert {"EDU", "GOV"} <= {r["CLASSID"] for r in classes}
    assert len(classes) == len(emu.records("CLASS"))
    # And the first request carried both queries, the later ones only the customers' pages
    assert connector.requests_sent - before == 3
    assert [c.target for c in emu.calls.all()] == ["CUSTOMER", "CLASS", "CUSTOMER", "CUSTOMER"]


def test_changed_since_each_answers_records_per_query():
    # Given a customer and a class (beside the company's own classes)
    emu = IntacctEmulator(base_url="http://intacct.test")
    connector = connector_on(emu)
    emu.seed("CUSTOMER", {"CUSTOMERID": "C-1", "NAME": "Acme"})
    emu.seed("CLASS", {"CLASSID": "GOV", "NAME": "Government"})
    # When both objects' changes are asked for at once
    customers, classes = connector.changed_since_each(
        [
            changed_query("CUSTOMER", None, ["NAME"], 100),
            changed_query("CLASS", None, ["NAME"], 100),
        ]
    )
    # Then each answer holds its object's records, keyed as the connector keys them
    assert [r.ref.record_id for r in customers] == ["C-1"]
    government = [r for r in classes if r.ref.record_id == "GOV"]
    assert [(r.ref.object, r.get("NAME")) for r in government] == [("CLASS", "Government")]
    assert len(classes) == len(emu.records("CLASS"))


def test_creates_asking_for_their_record_are_read_back_in_their_own_request():
    # Given a signed-in connector
    emu = IntacctEmulator(base_url="http://intacct.test")
    connector = connector_on(emu)
    emu.seed("CUSTOMER", {"CUSTOMERID": "C-1", "NAME": "Acme"})
    connector.check_access()
    before = connector.requests_sent
    emu.calls.clear()
    # When two projects are created asking to be read back, one of them refused (no
    # name), and a customer is created without asking
    answers = connector.write_many(
        "PROJECT",
        [
            Write(
                fields={"PROJECTID": "P-1", "NAME": "Rollout", "PROJECTCATEGORY": "Contract"},
                idempotency_key="create-p1",
                read_back=("NAME", "RECORD_URL", "PROJECTID"),
            ),
            Write(
                fields={"PROJECTID": "P-2", "PROJECTCATEGORY": "Contract"},
                idempotency_key="create-p2",
                read_back=("NAME", "RECORD_URL", "PROJECTID"),
            ),
        ],
    )
    [plain] = connector.write_many(
        "CUSTOMER", [Write(fields={"CUSTOMERID": "C-2", "NAME": "Globex"}, idempotency_key="c2")]
    )
    # Then the made project answers with its record as Intacct holds it, URL included
    made, refused = answers
    assert isinstance(made, WriteResult)
    assert made.record is not None
    assert made.record.get("RECORD_URL") == emu.get("PROJECT", "P-1")["RECORD_URL"]
    assert made.record.get("NAME") == "Rollout"
    assert isinstance(refused, LedgerlinkError)
    # And the read went in the creates' request (one query for both), the customer alone
    assert connector.requests_sent - before == 2
    assert [(c.op, c.target) for c in emu.calls.all()] == [
        ("create", "PROJECT"),
        ("create", "PROJECT"),
        ("query", "PROJECT"),
        ("create", "CUSTOMER"),
    ]
    assert isinstance(plain, WriteResult)
    assert plain.record is None
