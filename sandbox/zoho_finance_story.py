"""The Zoho finance part of `make demo`: a won deal's invoice is sent and paid in part in
Books, and the CRM deal and the account's receivables show it; an INR invoice shows in the
CRM with its home amount at its own Books rate."""

from __future__ import annotations

from decimal import Decimal
from functools import partial
from typing import Any

from sandbox.demo import check, step, wait_for
from sandbox.world import World
from shared.pairs.zoho_crm_books.deal_references import deal_of


def _crm_row(world: World, module: str, books_id: str) -> dict[str, Any] | None:
    rows = world.zoho_crm.records(module)
    return next((r for r in rows if r.get("Zoho_Books_ID") == books_id), None)


def _linked(world: World, module: str, record_id: str) -> str | None:
    value = (world.zoho_crm.get(module, record_id) or {}).get("Zoho_Books_ID")
    return str(value) if value else None


def _deal_invoice(world: World, deal: str) -> dict[str, Any] | None:
    rows = world.zoho_books.records_on_wire("invoices")
    return next((r for r in rows if deal_of(str(r.get("reference_number") or "")) == deal), None)


def zoho_finance_story(world: World, number: int = 23) -> None:
    """Steps ``number`` and ``number + 1`` of the demo (each checks the other side)."""
    crm, books = world.zoho_crm, world.zoho_books
    step(f"{number}. Zoho Books: a won deal's invoice is sent and paid in part; the CRM shows it")
    account = crm.insert("Accounts", {"Account_Name": "Umbrella Corp"})
    lamp = crm.insert("Products", {"Product_Name": "Umbrella stand", "Unit_Price": "500.00"})
    for module, record_id in (("Accounts", account), ("Products", lamp)):
        wait_for(f"{module} {record_id} in Books", partial(_linked, world, module, record_id))
    customer = str(_linked(world, "Accounts", account))
    deal = crm.insert(
        "Deals",
        {"Deal_Name": "Umbrella lobby", "Stage": "Proposal/Price Quote", "Account_Name": account},
    )
    crm.relate("Deals", deal, "Products", lamp)
    crm.update("Deals", deal, {"Stage": "Closed Won"})
    invoice = wait_for("the deal's invoice", partial(_deal_invoice, world, deal))
    books.mark_document("invoices", invoice["invoice_id"], "sent")
    books.record_payment(
        {
            "customer_id": customer,
            "payment_mode": "banktransfer",
            "amount": "200.00",
            "date": "2026-03-05",
            "invoices": [{"invoice_id": invoice["invoice_id"], "amount_applied": "200.00"}],
        }
    )
    print(f"   Books invoice {invoice['invoice_number']}: 500.00, 200.00 paid")
    mirrored = wait_for(
        "the payment on the CRM invoice",
        lambda: (
            r
            if (r := _crm_row(world, "Books_Invoices", invoice["invoice_id"]))
            and r.get("Status") == "partially_paid"
            else None
        ),
    )
    print(
        f"   CRM Books_Invoices {mirrored['Name']}: {mirrored['Status']}, balance "
        f"{mirrored['Balance']}, received {mirrored['Payments_Received']}"
    )
    check("the CRM invoice is the deal's", (mirrored.get("Deal_Name") or {}).get("id") == deal)
    # An earlier mirror run (before the payment) may have shown 0 received: wait for the
    # payment itself
    shown = wait_for(
        "the payment on the deal",
        lambda: (
            d
            if (d := crm.get("Deals", deal) or {}).get("Books_Payments_Received") == Decimal("200")
            else None
        ),
    )
    invoiced, received = shown["Books_Invoiced"], shown["Books_Payments_Received"]
    print(f"   CRM deal: invoiced {invoiced}, received {received}")
    check("the deal shows 200.00 received", received == Decimal("200"))
    summary = wait_for(
        "the receivables after the payment",
        lambda: (
            r
            if (r := _crm_row(world, "Books_Summaries", customer))
            and r.get("Receivables") == Decimal("300")
            else None
        ),
    )
    print(f"   CRM receivables of Umbrella Corp: {summary['Receivables']}")
    check("the account owes the other 300.00", summary["Receivables"] == Decimal("300"))

    step(f"{number + 1}. Zoho Books: an INR invoice; the CRM converts it at its own Books rate")
    item = str(_linked(world, "Products", lamp))
    inr = books.create_document(
        "invoices",
        {
            "customer_id": customer,
            "currency_code": "INR",
            "exchange_rate": "0.012345678905",
            "line_items": [{"item_id": item, "quantity": 1, "rate": "100.00"}],
        },
    )
    row = wait_for(
        "the INR invoice in the CRM", partial(_crm_row, world, "Books_Invoices", inr["invoice_id"])
    )
    print(
        f"   CRM {row['Name']}: {row['Total']} {row['Currency']} at 1 INR = "
        f"{row['Books_Exchange_Rate']} USD (CRM: 1 USD = {row['Exchange_Rate']} INR) -> "
        f"{row['Home_Total']} USD"
    )
    check(
        "100.00 INR x 0.012345678905 = 1.234567891 USD (9 decimals, half-up)",
        row["Home_Total"] == Decimal("1.234567891"),
    )
