"""What finance knows, back in Salesforce: sales documents with lines, AR invoices and
payments, and each account's AR summary, recomputed daily."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from sandbox.emulators.salesforce import build_outbound_envelope
from sandbox.provisioning import webhook_url
from sandbox.stories import sales_deal
from shared.errors import ConfigurationError
from shared.mapping.fields import Direction
from shared.mapping.overrides import FieldOverride, MappingOverride
from shared.pairs.catalog import MappingCatalog
from tests.integration.test_sales_transactions import press

TOTAL = Decimal("14800.00")


def _order(world, sf_api, intacct_api):
    """A won deal pressed into a Sales Order; the order's DOCID."""
    deal = sales_deal(sf_api, intacct_api)
    world.settle()
    press(world, deal.opportunity_id)
    world.settle()
    return deal, sf_api.get("Opportunity", deal.opportunity_id)["Intacct_Transaction_Number__c"]


def _set_today(world, day: date) -> None:
    world.runtime.clock = lambda: datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def test_the_order_finance_converts_and_the_payment_show_on_the_account(world, sf_api, intacct_api):
    # Given a sales order made by Create Sales Order, mirrored into Salesforce
    deal, order_id = _order(world, sf_api, intacct_api)
    _set_today(world, date(2026, 1, 20))
    world.mirror()
    [order] = sf_api.query(
        "SELECT Id, Account__c, Opportunity__c, State__c, Total__c FROM Intacct_Sales_Order__c "
        f"WHERE Intacct_Document_ID__c = '{order_id}'"
    )
    assert (order["Account__c"], order["Opportunity__c"], order["Total__c"]) == (
        deal.account_id,
        deal.opportunity_id,
        TOTAL,
    )
    lines = sf_api.query(
        "SELECT Item_ID__c, Quantity__c, Amount__c FROM Intacct_Sales_Document_Line__c "
        f"WHERE Sales_Order__c = '{order['Id']}' ORDER BY Line_Number__c"
    )
    assert [ln["Item_ID__c"] for ln in lines] == ["PLAT-LIC", "SUP-PREM", "ONBOARD"]
    # When finance converts it to a Sales Invoice and records a partial payment
    invoice_id = world.intacct.convert(order_id, "Sales Invoice", date(2026, 1, 20))
    invoice_doc = world.intacct.get("SODOCUMENT", invoice_id)
    world.intacct.apply_payment(invoice_doc["PRRECORDKEY"], Decimal("4800.00"), date(2026, 2, 1))
    _set_today(world, date(2026, 5, 30))
    world.mirror()
    # Then the order shows Converted, the invoice mirror its lines and the opportunity
    [order] = sf_api.query(
        f"SELECT State__c FROM Intacct_Sales_Order__c WHERE Intacct_Document_ID__c = '{order_id}'"
    )
    assert order["State__c"] == "Converted"
    [invoice] = sf_api.query(
        "SELECT Id, Opportunity__c, Created_From__c FROM Intacct_Sales_Invoice__c "
        f"WHERE Intacct_Document_ID__c = '{invoice_id}'"
    )
    assert (invoice["Opportunity__c"], invoice["Created_From__c"]) == (
        deal.opportunity_id,
        order_id,
    )
    # And the AR invoice is overdue with what is still due, the payment is listed
    [ar] = sf_api.query(
        "SELECT Amount_Due__c, Amount_Paid__c, Status__c, Account__c FROM Intacct_AR_Invoice__c"
    )
    assert (ar["Amount_Due__c"], ar["Amount_Paid__c"], ar["Status__c"], ar["Account__c"]) == (
        Decimal("10000.00"),
        Decimal("4800.00"),
        "Overdue",
        deal.account_id,
    )
    [payment] = sf_api.query("SELECT Amount__c, Applied_To__c FROM Intacct_AR_Payment__c")
    assert (payment["Amount__c"], payment["Applied_To__c"]) == (Decimal("4800.00"), invoice_id)
    # And the account shows what the rep must see before selling more
    account = sf_api.get("Account", deal.account_id)
    assert account["Intacct_AR_Balance__c"] == Decimal("10000.00")
    assert account["Intacct_AR_Overdue__c"] == Decimal("10000.00")
    assert account["Intacct_Oldest_Unpaid_Days__c"] == 130


def test_ages_move_with_the_calendar_once_a_day(world, sf_api, intacct_api):
    # Given an invoiced deal mirrored on the day it was invoiced (due on receipt)
    deal, order_id = _order(world, sf_api, intacct_api)
    world.intacct.convert(order_id, "Sales Invoice", date(2026, 1, 20))
    _set_today(world, date(2026, 1, 20))
    world.mirror()
    account = sf_api.get("Account", deal.account_id)
    assert (account["Intacct_Oldest_Unpaid_Days__c"], account["Intacct_AR_Overdue__c"]) == (
        0,
        Decimal("0.00"),
    )
    # When nothing changes in Intacct but 121 days pass, and the mirror runs twice that day
    _set_today(world, date(2026, 1, 20) + timedelta(days=121))
    world.mirror()
    world.salesforce.calls.clear()
    world.mirror()
    # Then the account shows the 121-day-old unpaid balance as overdue
    account = sf_api.get("Account", deal.account_id)
    assert account["Intacct_Oldest_Unpaid_Days__c"] == 121
    assert account["Intacct_AR_Overdue__c"] == TOTAL
    [ar] = sf_api.query("SELECT Status__c, Days_Overdue__c FROM Intacct_AR_Invoice__c")
    assert (ar["Status__c"], ar["Days_Overdue__c"]) == ("Overdue", 121)
    # And the second run of the day wrote nothing to the accounts
    assert world.salesforce.calls.writes("Account") == []


def test_a_document_changed_twice_between_runs_is_written_once(world, sf_api, intacct_api):
    # Given an invoiced deal, mirrored
    _, order_id = _order(world, sf_api, intacct_api)
    invoice_id = world.intacct.convert(order_id, "Sales Invoice", date(2026, 1, 20))
    ar_key = world.intacct.get("SODOCUMENT", invoice_id)["PRRECORDKEY"]
    world.mirror()
    # When two payments change the AR invoice before the next run
    world.intacct.advance_clock(timedelta(seconds=2))
    world.intacct.apply_payment(ar_key, Decimal("1000.00"), date(2026, 2, 1))
    world.intacct.advance_clock(timedelta(seconds=2))
    world.intacct.apply_payment(ar_key, Decimal("2000.00"), date(2026, 2, 2))
    world.salesforce.calls.clear()
    world.mirror()
    # Then its mirror was written once, with the latest amounts
    assert len(world.salesforce.calls.writes("Intacct_AR_Invoice__c")) == 1
    [ar] = sf_api.query("SELECT Amount_Due__c, Amount_Paid__c FROM Intacct_AR_Invoice__c")
    assert (ar["Amount_Due__c"], ar["Amount_Paid__c"]) == (
        Decimal("11800.00"),
        Decimal("3000.00"),
    )


def test_documents_of_customers_not_in_salesforce_are_not_mirrored(world, sf_api, intacct_api):
    intacct_api.create("CUSTOMER", CUSTOMERID="C-LOCAL", NAME="Local only")
    intacct_api.create("ITEM", ITEMID="X1", NAME="X", ITEMTYPE="Non-Inventory")
    body_world = world.intacct
    body_world.seed(
        "SODOCUMENT",
        {
            "DOCID": "Sales Order-X1",
            "DOCNO": "X1",
            "DOCPARID": "Sales Order",
            "CUSTVENDID": "C-LOCAL",
        },
    )
    world.mirror()
    assert sf_api.query("SELECT Id FROM Intacct_Sales_Order__c") == []


def test_edits_to_the_sales_mirrors_never_reach_intacct(world, sf_api, intacct_api):
    # Given a mirrored sales order
    _, order_id = _order(world, sf_api, intacct_api)
    world.mirror()
    [mirror] = sf_api.query(
        f"SELECT Id FROM Intacct_Sales_Order__c WHERE Intacct_Document_ID__c = '{order_id}'"
    )
    # When a Salesforce user edits it and a notification about it reaches the webhook
    sf_api.update("Intacct_Sales_Order__c", mirror["Id"], State__c="Closed", Total__c=1)
    world.intacct.calls.clear()
    envelope = build_outbound_envelope(
        world.salesforce.org_id,
        "04k000000000019AAA",
        [("04l000000000019AAA", "Intacct_Sales_Order__c", {"Id": mirror["Id"]})],
    )
    answer = world.http.post(webhook_url(world.urls.api, world.creds), content=envelope)
    world.poll()
    world.mirror()
    # Then the notification is refused, Intacct received no write and keeps its state
    assert answer.status_code == 400
    assert world.intacct.calls.writes() == []
    assert world.intacct.get("SODOCUMENT", order_id)["STATE"] == "Pending"


def test_a_mirror_write_salesforce_refuses_is_tried_again(world, sf_api, intacct_api):
    from sandbox.emulators.common import FaultRule

    # Given two sales orders, and Salesforce refusing the mirrors' batched write once
    _, older = _order(world, sf_api, intacct_api)
    world.intacct.advance_clock(timedelta(minutes=5))  # beyond the polls' overlap
    deal = sales_deal(sf_api, intacct_api, account_name="Initech")
    world.settle()
    press(world, deal.opportunity_id)
    world.settle()
    newer = sf_api.get("Opportunity", deal.opportunity_id)["Intacct_Transaction_Number__c"]
    world.salesforce.faults.add(
        FaultRule(
            match="COMPOSITE Intacct_Sales_Order__c",
            kind="http_error",
            status=400,
            code="FIELD_CUSTOM_VALIDATION_EXCEPTION",
            times=1,
        )
    )
    world.mirror()
    mirrored = "SELECT Intacct_Document_ID__c FROM Intacct_Sales_Order__c"
    first = [r["Intacct_Document_ID__c"] for r in sf_api.query(mirrored)]
    # When the mirror runs again hours later, nothing having changed in Intacct
    world.intacct.advance_clock(timedelta(hours=3))
    world.mirror()
    # Then the refused orders are mirrored after all
    assert first == []
    assert sorted(r["Intacct_Document_ID__c"] for r in sf_api.query(mirrored)) == sorted(
        [older, newer]
    )


def test_a_run_within_the_overlap_writes_nothing_again(world, sf_api, intacct_api):
    # Given a sales order, invoiced and mirrored, and an Intacct price list
    _, order_id = _order(world, sf_api, intacct_api)
    world.intacct.convert(order_id, "Sales Invoice", date(2026, 1, 20))
    intacct_api.create("SOPRICELIST", NAME="Retail", SALEPURCHASE="Sales")
    world.mirror()
    # When the mirror runs again at once (its reads overlap the last run's seconds)
    world.salesforce.calls.clear()
    world.mirror()
    # Then Salesforce receives no write: nothing changed
    assert world.salesforce.calls.writes() == []


def test_an_order_finance_makes_recurring_shows_its_schedule_and_its_invoices(
    world, sf_api, intacct_api
):
    # Given a sales order made by Create Sales Order, mirrored into Salesforce
    deal, order_id = _order(world, sf_api, intacct_api)
    world.mirror()
    # When finance converts it to a monthly recurring Sales Invoice for three months, and
    # Intacct's scheduler runs on the first two dates
    world.intacct.convert_to_recurring(
        order_id, "Sales Invoice", date(2026, 2, 1), repeat_by="Months", occurrences=3
    )
    made = world.intacct.run_recurring(date(2026, 3, 15))
    _set_today(world, date(2026, 3, 15))
    world.mirror()
    # Then the order's mirror shows it converted, its schedule and the next invoice's date
    [order] = sf_api.query(
        "SELECT State__c, Recurring_Schedule__c, Next_Invoice_Date__c, Invoices_Generated__c "
        f"FROM Intacct_Sales_Order__c WHERE Intacct_Document_ID__c = '{order_id}'"
    )
    assert order["State__c"] == "Converted"
    assert order["Recurring_Schedule__c"] == "Every month from 2026-02-01, 3 times (Active)"
    assert (order["Next_Invoice_Date__c"], order["Invoices_Generated__c"]) == ("2026-04-01", 2)
    # And each generated invoice is mirrored, linked to the account and the opportunity
    invoices = sf_api.query(
        "SELECT Intacct_Document_ID__c, Account__c, Opportunity__c, Document_Date__c, Total__c "
        "FROM Intacct_Sales_Invoice__c ORDER BY Document_Date__c"
    )
    assert [i["Intacct_Document_ID__c"] for i in invoices] == made
    assert [i["Document_Date__c"] for i in invoices] == ["2026-02-01", "2026-03-01"]
    assert {(i["Account__c"], i["Opportunity__c"], i["Total__c"]) for i in invoices} == {
        (deal.account_id, deal.opportunity_id, TOTAL)
    }
    # And the account's AR summary counts both invoices
    assert sf_api.get("Account", deal.account_id)["Intacct_AR_Balance__c"] == 2 * TOTAL
    # When the scheduler makes the last one
    world.intacct.run_recurring(date(2026, 4, 1))
    world.mirror()
    # Then the schedule shows it ended, with three invoices
    [order] = sf_api.query(
        "SELECT Recurring_Schedule__c, Next_Invoice_Date__c, Invoices_Generated__c "
        f"FROM Intacct_Sales_Order__c WHERE Intacct_Document_ID__c = '{order_id}'"
    )
    assert order["Recurring_Schedule__c"].endswith("(Ended)")
    assert (order["Next_Invoice_Date__c"], order["Invoices_Generated__c"]) == (None, 3)


def _sales_order_mirror(sf_api, order_id: str) -> dict:
    [mirror] = sf_api.query(
        "SELECT Id, Message__c, Due_Date__c FROM Intacct_Sales_Order__c "
        f"WHERE Intacct_Document_ID__c = '{order_id}'"
    )
    return mirror


def test_a_mirror_field_the_mapping_gives_to_salesforce_flows_to_intacct(
    world, sf_api, intacct_api
):
    # Given a connection whose mapping makes the documents' message Salesforce's
    override = MappingOverride(fields={"MESSAGE": FieldOverride(direction=Direction.CRM_TO_ERP)})
    world.runtime.connections.put(
        world.connection.model_copy(update={"mappings": {"sales_document_mirror": override}})
    )
    _, order_id = _order(world, sf_api, intacct_api)
    world.mirror()
    mirror = _sales_order_mirror(sf_api, order_id)
    # Then the mirror leaves the message to Salesforce, and writes the rest from Intacct
    assert mirror["Message__c"] is None
    assert mirror["Due_Date__c"] == "2026-01-15"
    # When a rep writes a message on the mirror, and the mirror runs twice
    sf_api.update("Intacct_Sales_Order__c", mirror["Id"], Message__c="Ship before Friday")
    world.intacct.calls.clear()
    world.mirror()
    world.mirror()
    # Then the Intacct order carries it, sent once, and the mirror keeps the rep's text
    assert world.intacct.get("SODOCUMENT", order_id)["MESSAGE"] == "Ship before Friday"
    assert world.intacct.calls.count("update_sotransaction") == 1
    assert _sales_order_mirror(sf_api, order_id)["Message__c"] == "Ship before Friday"
    # And a due date edited there stays Intacct's: that field still flows from Intacct
    sf_api.update("Intacct_Sales_Order__c", mirror["Id"], Due_Date__c="2026-03-01")
    world.mirror()
    assert world.intacct.get("SODOCUMENT", order_id)["WHENDUE"] == date(2026, 1, 15)


def test_by_default_a_mirror_message_comes_from_intacct_and_its_edits_stay_in_salesforce(
    world, sf_api, intacct_api
):
    # Given a mirrored sales order on a connection with the default mapping
    _, order_id = _order(world, sf_api, intacct_api)
    world.mirror()
    mirror = _sales_order_mirror(sf_api, order_id)
    intacct_message = world.intacct.get("SODOCUMENT", order_id)["MESSAGE"]
    assert mirror["Message__c"] == intacct_message
    # When a rep edits the message and the mirror runs
    sf_api.update("Intacct_Sales_Order__c", mirror["Id"], Message__c="Mine now")
    world.intacct.calls.clear()
    world.mirror()
    # Then Intacct received no update and keeps its message
    assert world.intacct.calls.count("update_sotransaction") == 0
    assert world.intacct.get("SODOCUMENT", order_id)["MESSAGE"] == intacct_message


def test_the_catalog_accepts_a_mirror_override_and_refuses_a_required_one(world):
    # Given connections overriding the mirror's message, and its total
    allowed = MappingOverride(fields={"MESSAGE": FieldOverride(direction=Direction.BOTH)})
    forbidden = MappingOverride(fields={"TOTAL": FieldOverride(direction=Direction.BOTH)})
    # When their mappings are read
    catalog = MappingCatalog.for_connection(
        world.connection.model_copy(update={"mappings": {"sales_document_mirror": allowed}})
    )
    # Then the first is accepted (the engine syncs no mirror), the second refused by path
    assert "sales_document_mirror" not in {m.name for m in catalog.mappings}
    with pytest.raises(ConfigurationError, match=r"fields\.TOTAL\.direction"):
        MappingCatalog.for_connection(
            world.connection.model_copy(update={"mappings": {"sales_document_mirror": forbidden}})
        )
