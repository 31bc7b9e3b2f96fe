"""Pure parts of the sales-transaction workflow: a press's identity, references, AR ages."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from shared.models.events import RecordRef
from shared.models.workflows import WorkflowRequest
from shared.pairs.salesforce_intacct import transaction_fields as tf
from shared.pairs.salesforce_intacct.products import item_id
from shared.pairs.salesforce_intacct.sales_mirrors import InvoiceStanding, ar_summary

OPPORTUNITY = "0065g00000AbCdEAAZ"


def _request(**update) -> WorkflowRequest:
    request = WorkflowRequest(
        workflow="transactions",
        connection_id="demo",
        subject=RecordRef(system="salesforce", object="Opportunity", record_id=OPPORTUNITY),
        subject_version="2026-01-15T10:00:00+00:00",
    )
    return request.model_copy(update=update)


def test_a_named_press_is_its_own_request_whatever_the_version():
    # Given two presses on the same version of an opportunity, named by the door
    first, second = _request(params={"press": "p1"}), _request(params={"press": "p2"})
    # Then they are two requests, and the same press delivered twice is one
    assert first.dedup_id != second.dedup_id
    assert first.dedup_id == _request(params={"press": "p1"}, request_id="other").dedup_id
    # And without a name, the version decides, as for every button
    assert _request().dedup_id == _request(request_id="other").dedup_id


def test_a_reference_names_its_opportunity_and_nothing_else_does():
    reference = tf.reference(OPPORTUNITY, "abcdef0123456789")
    assert reference == f"{OPPORTUNITY}-abcdef01"
    assert tf.opportunity_of(reference) == OPPORTUNITY
    assert tf.opportunity_of("PO 12345") is None
    assert tf.opportunity_of(None) is None


def test_an_item_id_is_the_product_code_when_intacct_can_take_it():
    assert item_id({"ProductCode": "PLAT-LIC", "Id": "01t000000000001AAA"}) == "PLAT-LIC"
    assert item_id({"ProductCode": "bad#code", "Id": "01t000000000001AAA"}) == (
        "01t000000000001AAA"
    )
    assert item_id({"ProductCode": None, "Id": "01t000000000002AAA"}) == "01t000000000002AAA"


def test_an_invoice_stands_by_what_is_due_and_the_calendar():
    invoice = {"TOTALDUE": "100.00", "TOTALPAID": "50.00", "WHENDUE": "02/01/2026"}
    standing = InvoiceStanding.of(invoice)
    assert standing.status(date(2026, 1, 31)) == "Partially paid"
    assert standing.status(date(2026, 2, 2)) == "Overdue"
    assert standing.days_overdue(date(2026, 2, 11)) == 10
    assert InvoiceStanding.of({"TOTALDUE": "0", "TOTALPAID": "100"}).status(date(2030, 1, 1)) == (
        "Paid"
    )


def test_the_ar_summary_counts_only_what_is_open():
    invoices = [
        {"TOTALDUE": "100.00", "WHENDUE": "01/31/2026", "WHENCREATED": "01/01/2026"},
        {"TOTALDUE": "40.50", "WHENDUE": "03/31/2026", "WHENCREATED": "03/01/2026"},
        {"TOTALDUE": "0", "WHENDUE": "12/31/2025", "WHENCREATED": "12/01/2025"},
    ]
    summary = ar_summary(invoices, date(2026, 3, 11))
    assert summary["Intacct_AR_Balance__c"] == Decimal("140.50")
    assert summary["Intacct_AR_Overdue__c"] == Decimal("100.00")
    assert summary["Intacct_Oldest_Unpaid_Days__c"] == 69
