"""Decisions of issue 12's and 13's later parts: an open transaction's update, a recurring
schedule as the mirror shows it, the mirror fields' source, an account's territory."""

from __future__ import annotations

from datetime import date

import pytest

from shared.errors import ConfigurationError, ValidationFailedError
from shared.mapping.computes import COMPUTES
from shared.mapping.fields import Direction
from shared.mapping.overrides import FieldOverride, MappingOverride, resolve_mapping
from shared.pairs.salesforce_intacct import mappings as _mappings
from shared.pairs.salesforce_intacct import transaction_fields as tf
from shared.pairs.salesforce_intacct.sales_mirror_edits import same, update_body
from shared.pairs.salesforce_intacct.sales_mirror_fields import (
    SALES_DOCUMENT_MIRROR,
    crm_owned,
    from_crm,
)
from shared.pairs.salesforce_intacct.sales_mirrors import recurring_row

assert _mappings.MAPPINGS  # registers the account's computes

LINES = [
    {"Id": f"00k{i}", "Product2.Name": f"P{i}", "Quantity": q, "UnitPrice": 10, "Discount": None}
    for i, q in ((1, 2), (2, 1), (3, 5))
]
ITEMS = {"00k1": "A", "00k2": "B", "00k3": "C"}


def test_an_update_changes_the_documents_lines_in_place_and_adds_the_rest():
    # When an opportunity of three products updates a document of two lines
    body = tf.update_sotransaction(
        document_id="Sales Order-SO0007",
        on=date(2026, 2, 3),
        opportunity={"Name": "Deal"},
        lines=LINES,
        items=ITEMS,
        document_lines=2,
        contact_name=None,
    )
    # Then lines 1 and 2 (counted from 1) are changed and the third is added
    assert body.get("key") == "Sales Order-SO0007"
    changed = body.findall("updatesotransitems/updatesotransitem")
    assert [(n.get("line_num"), n.findtext("itemid")) for n in changed] == [("1", "A"), ("2", "B")]
    added = body.findall("updatesotransitems/sotransitem")
    assert [(n.findtext("itemid"), n.findtext("quantity")) for n in added] == [("C", "5")]
    assert body.findtext("datecreated/month") == "02"


@pytest.mark.parametrize(
    ("fields", "shown"),
    [
        (
            {
                "REPEATBY": "Months",
                "REPEATINTERVAL": 1,
                "REPEATCOUNT": 12,
                "STARTDATE": "02/01/2026",
            },
            "Every month from 2026-02-01, 12 times (Active)",
        ),
        (
            {"REPEATBY": "Weeks", "REPEATINTERVAL": 2, "STARTDATE": "02/01/2026"},
            "Every 2 weeks from 2026-02-01 (Active)",
        ),
        (
            {"REPEATBY": "None", "STARTDATE": "02/01/2026", "DOCSTATUS": "Ended"},
            "Once from 2026-02-01 (Ended)",
        ),
        ({"REPEATBY": "Years", "REPEATINTERVAL": 1, "STATUS": "inactive"}, "Every year (Inactive)"),
    ],
)
def test_a_recurring_schedule_reads_as_people_say_it(fields, shown):
    row = recurring_row({"EXECCOUNT": 2, "NEXTEXECDATE": "04/01/2026", **fields})
    assert row["Recurring_Schedule__c"] == shown
    assert (row["Next_Invoice_Date__c"], row["Invoices_Generated__c"]) == ("2026-04-01", 2)


def test_every_mirror_field_flows_from_intacct_unless_the_mapping_says_otherwise():
    # Given the default mirror mapping: Salesforce owns nothing and sends nothing
    assert crm_owned(SALES_DOCUMENT_MIRROR) == ()
    assert from_crm(SALES_DOCUMENT_MIRROR) == ()
    # When a connection makes the message Salesforce's and the due date both ways
    override = MappingOverride(
        fields={
            "MESSAGE": FieldOverride(direction=Direction.CRM_TO_ERP),
            "WHENDUE": FieldOverride(direction=Direction.BOTH),
        }
    )
    mapping = resolve_mapping(SALES_DOCUMENT_MIRROR, override)
    # Then the mirror leaves the message alone and both send their edits to Intacct
    assert crm_owned(mapping) == ("Message__c",)
    assert {f.erp for f in from_crm(mapping)} == {"MESSAGE", "WHENDUE"}


def test_a_required_mirror_field_keeps_its_direction():
    override = MappingOverride(fields={"TOTAL": FieldOverride(direction=Direction.CRM_TO_ERP)})
    path = r"sales_document_mirror\.fields\.TOTAL\.direction"
    with pytest.raises(ConfigurationError, match=path):
        resolve_mapping(SALES_DOCUMENT_MIRROR, override)


def test_a_mirror_edit_compares_dates_in_either_form_and_builds_the_update():
    [due, message] = [f for f in SALES_DOCUMENT_MIRROR.fields if f.erp in ("WHENDUE", "MESSAGE")]
    assert same(due, "2026-01-15", "01/15/2026")
    assert not same(due, "2026-01-16", "01/15/2026")
    assert same(message, "", None)
    body = update_body("Sales Order-SO0001", [(due, "2026-03-01"), (message, "Hi")])
    assert body.get("key") == "Sales Order-SO0001"
    assert [body.findtext(p) for p in ("datedue/year", "datedue/month", "datedue/day")] == [
        "2026",
        "03",
        "01",
    ]
    assert body.findtext("message") == "Hi"


def test_an_account_territory_is_the_picked_value_unless_the_list_refuses_it():
    territory = COMPUTES["account_territory"].fn
    # A territory picked and active is Intacct's TERRITORYID; none picked is none
    assert (
        territory(
            {
                "Territory__c": "a2L1",
                "Territory__r.Intacct_ID__c": "WEST",
                "Territory__r.Active__c": True,
            }
        )
        == "WEST"
    )
    assert territory({"Territory__c": None}) is None
    # An inactive one, or one the list no longer has, is refused naming the list
    with pytest.raises(ValidationFailedError, match="'WEST' is inactive in Intacct's territories"):
        territory(
            {
                "Territory__c": "a2L1",
                "Territory__r.Intacct_ID__c": "WEST",
                "Territory__r.Active__c": False,
            }
        )
    with pytest.raises(ValidationFailedError, match="not in Intacct's territories"):
        territory({"Territory__c": "a2L9", "Territory__r.Intacct_ID__c": None})
