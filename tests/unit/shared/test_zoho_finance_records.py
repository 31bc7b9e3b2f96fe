"""A Books document as its CRM finance record: amounts, rates, party and deal."""

from __future__ import annotations

from decimal import Decimal

from shared.pairs.zoho_crm_books.finance_mirror import deal_reference, document_fields
from shared.pairs.zoho_crm_books.finance_modules import FINANCE, FinanceSwitches

D = Decimal


def test_a_foreign_invoice_carries_both_rates_and_home_amounts():
    # Given a partly paid INR invoice at 1 INR = 0.012 USD
    row = {
        "invoice_id": "460000000001",
        "invoice_number": "INV-000007",
        "customer_id": "460000000099",
        "status": "partially_paid",
        "date": "2026-03-02",
        "due_date": "2026-04-01",
        "currency_code": "INR",
        "exchange_rate": D("0.012"),
        "total": D("10000.00"),
        "balance": D("2500.00"),
        "last_modified_time": "2026-03-05T10:00:00+0000",
    }
    # When it is made a CRM record of the account and deal
    fields = document_fields(FINANCE["invoices"], row, "4150868000001", "4150868000002")
    # Then it keeps INR amounts, home amounts at the Books rate, and the CRM's inverse rate
    assert fields["Name"] == "INV-000007"
    assert (fields["Currency"], fields["Total"], fields["Balance"]) == (
        "INR",
        D("10000.00"),
        D("2500.00"),
    )
    assert fields["Payments_Received"] == D("7500.00")
    assert fields["Home_Total"] == D("120.000000000")
    assert fields["Home_Balance"] == D("30.000000000")
    assert fields["Home_Payments_Received"] == D("90.000000000")
    assert (fields["Books_Exchange_Rate"], fields["Exchange_Rate"]) == (
        D("0.012"),
        D("83.333333333"),
    )
    assert fields["Account_Name.id"] == "4150868000001"
    assert fields["Deal_Name.id"] == "4150868000002"
    assert fields["Due_Date"] == "2026-04-01"
    assert fields["Books_Modified_Time"] == "2026-03-05T10:00:00+00:00"


def test_a_void_invoice_shows_no_payment_and_a_purchase_order_its_vendor():
    void = {"invoice_id": "1", "status": "void", "total": "50", "balance": "0"}
    assert document_fields(FINANCE["invoices"], void, None, None)["Payments_Received"] == 0
    order = {"purchaseorder_id": "2", "purchaseorder_number": "PO-00001", "total": "10"}
    fields = document_fields(FINANCE["purchaseorders"], order, "4150868000009", None)
    assert fields["Vendor_Name.id"] == "4150868000009"
    assert "Balance" not in fields
    assert "Deal_Name.id" not in fields


def test_a_reference_names_its_deal_only_in_the_deal_triggers_form():
    assert deal_reference("CRM-DEAL-4150868000000224005") == "4150868000000224005"
    assert deal_reference("CRM-DEAL-4150868000000224005-0a1b2c3d4e5f") == "4150868000000224005"
    assert deal_reference("4150868000000224005") is None
    assert deal_reference("PO from Acme") is None
    assert deal_reference(None) is None


def test_every_module_is_on_by_default_and_each_switches_alone():
    assert FinanceSwitches().on() == ("invoices", "estimates", "salesorders", "purchaseorders")
    assert FinanceSwitches(estimates=False).on() == ("invoices", "salesorders", "purchaseorders")
