"""``make bench`` rows of the Zoho finance mirror: what mirroring Books documents into the
CRM's finance modules costs in requests to each side, per document, and what a quiet run and
a payment cost (:mod:`shared.pairs.zoho_crm_books.finance_mirror`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sandbox.bench.figures import Row
from sandbox.world import World
from shared.connectors.zoho_books.connector import ZohoBooksConnector
from shared.connectors.zoho_crm.connector import ZohoCrmConnector

if TYPE_CHECKING:
    from sandbox.bench.run import Options

CUSTOMERS = 10


def _requests(world: World) -> tuple[int, int]:
    """Requests ledgerlink's Zoho connectors have sent so far: (CRM, Books)."""
    sides = world.runtime.sides(world.runtime.connections.get(world.zoho_creds.connection_id))
    crm, books = sides.crm, sides.erp
    assert isinstance(crm, ZohoCrmConnector)
    assert isinstance(books, ZohoBooksConnector)
    return crm.client.calls, books.client.calls


def _documents(world: World, n: int) -> tuple[list[str], list[str]]:
    """``n`` sent invoices spread over customers linked to CRM accounts; their ids and the
    customers'."""
    books, crm = world.zoho_books, world.zoho_crm
    item = books.create("items", {"name": "Bench desk", "rate": "99.50"})
    customers = []
    for i in range(CUSTOMERS):
        customer = books.create("contacts", {"contact_name": f"Bench customer {i}"})
        crm.insert("Accounts", {"Account_Name": f"Bench customer {i}", "Zoho_Books_ID": customer})
        customers.append(customer)
    docs = books.sales_documents()
    invoices = []
    for i in range(n):
        body = {"customer_id": customers[i % CUSTOMERS], "line_items": [{"item_id": item}]}
        invoice = docs.create("invoices", body)
        docs.mark("invoices", invoice["invoice_id"], "sent")
        invoices.append(invoice["invoice_id"])
    return invoices, customers


def zoho_finance_rows(options: Options) -> list[Row]:
    from sandbox.bench.run import world_run

    n = max(options.n, 2)
    with world_run() as run:
        world = run.world
        invoices, customers = _documents(world, n)
        world.settle()  # the accounts' own sync (their notifications) is not the mirror's
        crm0, books0 = _requests(world)
        world.mirror()
        crm1, books1 = _requests(world)
        world.zoho_crm.calls.clear()
        world.mirror()  # nothing changed in Books since
        crm2, books2 = _requests(world)
        quiet_writes = [c for c in world.zoho_crm.calls.writes() if c.target.startswith("Books_")]
        world.zoho_books.finance_books().payments.create(
            {
                "customer_id": customers[0],
                "payment_mode": "cash",
                "amount": "10.00",
                "date": "2026-03-05",
                "invoices": [{"invoice_id": invoices[0], "amount_applied": "10.00"}],
            }
        )
        world.mirror()
        crm3, books3 = _requests(world)
    return [
        Row("zoho_finance.crm_requests_per_document", (crm1 - crm0) / n, 0.1, "requests",
            "lower"),
        Row("zoho_finance.books_requests_per_document", (books1 - books0) / n, 0.05,
            "requests", "lower"),
        Row("zoho_finance.quiet_run_crm_writes", len(quiet_writes), 0, "records", "lower"),
        Row("zoho_finance.quiet_run_requests", (crm2 - crm1) + (books2 - books1), 12,
            "requests", "lower"),
        Row("zoho_finance.payment_requests", (crm3 - crm2) + (books3 - books2), 16,
            "requests", "lower"),
    ]  # fmt: skip
