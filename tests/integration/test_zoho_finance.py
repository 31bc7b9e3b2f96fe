"""Zoho finance in the CRM, in-process under moto against the Zoho emulators: Books documents
and payments mirrored into the CRM's finance modules, module switches, currencies."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from sandbox.provisioning import connection_from_sides
from sandbox.world import World
from shared.setup import set_up_connection


def _set_up(world: World, **changes: Any) -> None:
    """Apply a change of the Zoho connection the way an operator does: set it up again."""
    creds = world.zoho_creds
    config, secret = connection_from_sides(creds, creds.sides)
    set_up_connection(world.runtime, {**config, **changes}, secret)


def _account_in_books(world: World, name: str) -> tuple[str, str]:
    """A CRM account synced to a Books customer: (CRM account id, Books customer id)."""
    account = world.zoho_crm.insert("Accounts", {"Account_Name": name})
    world.poll()
    world.poll()
    customer = world.zoho_crm.get("Accounts", account)["Zoho_Books_ID"]
    return account, customer


def _invoice(world: World, customer: str, deal: str | None, **extra: Any) -> dict[str, Any]:
    item = world.zoho_books.create("items", {"name": f"Desk {extra.get('rate', 1)}", "rate": 1})
    docs = world.zoho_books.sales_documents()
    body = {
        "customer_id": customer,
        "reference_number": f"CRM-DEAL-{deal}" if deal else "",
        "line_items": [{"item_id": item, "quantity": 1, "rate": extra.pop("rate", "500.00")}],
        **extra,
    }
    row = docs.create("invoices", body)
    return docs.mark("invoices", row["invoice_id"], "sent")


def _pay(world: World, customer: str, invoice_id: str, amount: str) -> None:
    world.zoho_books.finance_books().payments.create(
        {
            "customer_id": customer,
            "payment_mode": "banktransfer",
            "amount": amount,
            "date": "2026-03-05",
            "invoices": [{"invoice_id": invoice_id, "amount_applied": amount}],
        }
    )


def _one(world: World, module: str, **match: Any) -> dict[str, Any]:
    rows = [
        r for r in world.zoho_crm.records(module) if all(r.get(k) == v for k, v in match.items())
    ]
    assert len(rows) == 1, rows
    return rows[0]


def test_a_books_payment_shows_on_the_crm_deal_and_in_the_account_receivables(world):
    # Given a CRM account synced to Books, a deal of it, and a sent Books invoice of 500.00
    # made for the deal, mirrored into the CRM
    account, customer = _account_in_books(world, "Zylker Traders")
    contact = world.zoho_crm.insert("Contacts", {"Last_Name": "Ito", "Account_Name": account})
    deal = world.zoho_crm.insert(
        "Deals",
        {
            "Deal_Name": "Zylker desks",
            "Stage": "Negotiation/Review",
            "Account_Name": account,
            "Contact_Name": contact,
        },
    )
    invoice = _invoice(world, customer, deal)
    world.mirror()
    before = _one(world, "Books_Invoices", Zoho_Books_ID=invoice["invoice_id"])
    # When the customer pays 200.00 of it in Books and the mirror runs
    _pay(world, customer, invoice["invoice_id"], "200.00")
    world.mirror()
    # Then the CRM invoice shows the payment, attached to the account, the deal and its contact
    after = _one(world, "Books_Invoices", Zoho_Books_ID=invoice["invoice_id"])
    assert (before["Status"], before["Balance"]) == ("sent", Decimal("500.00"))
    assert after["Status"] == "partially_paid"
    assert (after["Balance"], after["Payments_Received"]) == (Decimal("300.00"), Decimal("200.00"))
    assert after["Account_Name"]["id"] == account
    assert after["Deal_Name"]["id"] == deal
    assert after["Contact_Name"]["id"] == contact
    # And the deal shows what was invoiced and received
    shown = world.zoho_crm.get("Deals", deal)
    assert (shown["Books_Invoiced"], shown["Books_Payments_Received"]) == (
        Decimal("500.000000000"),
        Decimal("200.000000000"),
    )
    # And the account's receivables summary owes the rest
    summary = _one(world, "Books_Summaries", Zoho_Books_ID=customer)
    assert summary["Account_Name"]["id"] == account
    assert (summary["Receivables"], summary["Payments_Received"]) == (
        Decimal("300.000000000"),
        Decimal("200.000000000"),
    )


def test_a_mirror_with_nothing_new_writes_nothing_to_the_crm(world):
    # Given an invoice already mirrored
    _, customer = _account_in_books(world, "Quiet Co")
    _invoice(world, customer, None)
    world.mirror()
    world.zoho_crm.calls.clear()
    # When the mirror runs again with nothing changed in Books since
    world.zoho_books.advance_clock(timedelta(seconds=5))
    world.mirror()
    # Then the CRM receives no finance write at all
    finance = [c for c in world.zoho_crm.calls.writes() if c.target.startswith("Books_")]
    assert finance == []


def test_an_inr_invoice_shows_its_home_amount_at_its_own_books_rate(world):
    # Given Books using INR besides its USD base, and an INR invoice of 100.00 at the
    # invoice's own rate 1 INR = 0.012345678905 USD
    _, customer = _account_in_books(world, "Mumbai Traders")
    invoice = _invoice(
        world,
        customer,
        None,
        rate="100.00",
        currency_code="INR",
        exchange_rate="0.012345678905",
    )
    # When the mirror runs
    world.mirror()
    # Then the CRM record keeps the INR amount, and its home amount is 100.00 x the Books
    # rate to 9 decimals, half-up at the ninth (1.2345678905 -> 1.234567891, where half-even
    # would give ...890), its CRM rate the inverse (1 USD = 81.000000704 INR)
    row = _one(world, "Books_Invoices", Zoho_Books_ID=invoice["invoice_id"])
    assert (row["Currency"], row["Total"]) == ("INR", Decimal("100.00"))
    assert row["Books_Exchange_Rate"] == Decimal("0.012345678905")
    assert row["Home_Total"] == Decimal("1.234567891")
    assert row["Home_Balance"] == Decimal("1.234567891")
    assert row["Exchange_Rate"] == Decimal("81.000000704")


def test_switching_estimates_off_removes_only_the_estimates_from_the_crm(world):
    # Given an invoice, an estimate and a purchase order mirrored into the CRM
    _, customer = _account_in_books(world, "Globex")
    invoice = _invoice(world, customer, None)
    books = world.zoho_books
    item = books.create("items", {"name": "Chair", "rate": 40})
    books.sales_documents().create(
        "estimates", {"customer_id": customer, "line_items": [{"item_id": item}]}
    )
    vendor = books.create("contacts", {"contact_name": "Parts Inc", "contact_type": "vendor"})
    books.finance_books().purchase_orders.create(
        {"vendor_id": vendor, "line_items": [{"item_id": item, "quantity": 2}]}
    )
    world.mirror()
    crm = world.zoho_crm
    assert [len(crm.records(m)) for m in ("Books_Invoices", "Books_Estimates")] == [1, 1]
    assert len(crm.records("Books_Purchase_Orders")) == 1
    summaries = len(crm.records("Books_Summaries"))
    # When the connection switches estimates off, and the mirror runs again
    _set_up(world, modules={"estimates": False})
    books.sales_documents().create(
        "estimates", {"customer_id": customer, "line_items": [{"item_id": item}]}
    )
    world.mirror()
    # Then the CRM has no estimate, and the invoice, purchase order and summaries are intact
    assert crm.records("Books_Estimates") == []
    assert [r["Zoho_Books_ID"] for r in crm.records("Books_Invoices")] == [invoice["invoice_id"]]
    assert len(crm.records("Books_Purchase_Orders")) == 1
    assert len(crm.records("Books_Summaries")) == summaries == 2
    # And switching it back on mirrors both estimates again
    _set_up(world, modules={"estimates": True})
    world.mirror()
    assert len(crm.records("Books_Estimates")) == 2


def test_disabling_the_link_removes_all_finance_data_from_the_crm(world):
    # Given a paid-in-part invoice of a deal mirrored into the CRM
    account, customer = _account_in_books(world, "Initech")
    deal = world.zoho_crm.insert(
        "Deals", {"Deal_Name": "Initech", "Stage": "Qualification", "Account_Name": account}
    )
    invoice = _invoice(world, customer, deal)
    _pay(world, customer, invoice["invoice_id"], "100.00")
    world.mirror()
    assert world.zoho_crm.records("Books_Invoices")
    # When the link is disabled
    _set_up(world, enabled=False)
    # Then no finance record is left, the deal's finance totals are cleared, and the deal
    # and account themselves stay
    crm = world.zoho_crm
    for module in ("Books_Invoices", "Books_Summaries", "Books_Estimates"):
        assert crm.records(module) == []
    shown = crm.get("Deals", deal)
    assert (shown["Books_Invoiced"], shown["Books_Payments_Received"]) == (None, None)
    assert crm.get("Accounts", account)["Account_Name"] == "Initech"


def _books_with_inr(world: World) -> None:
    currencies = world.zoho_books.finance_books().currencies
    inr = currencies.create({"currency_code": "INR", "currency_format": "1,23,456.78"})
    currencies.add_rate(inr["currency_id"], {"effective_date": "2026-03-01", "rate": "0.012"})


def test_the_link_turns_multi_currency_on_and_back_off_where_it_turned_it_on(world):
    # Given Books using INR besides USD, and the CRM's multi-currency off
    _books_with_inr(world)
    org = world.zoho_crm.org_currencies
    assert org.enabled is False
    # When the link is set up (enabled)
    _set_up(world)
    # Then the CRM's multi-currency is on, with INR at 1 USD = 83.333333333 INR
    assert org.enabled is True
    rates = {r["iso_code"]: (r["exchange_rate"], r["is_base"]) for r in org.listing()}
    assert rates == {"USD": ("1.000000000", True), "INR": ("83.333333333", False)}
    # And when the link is disabled, it is off again
    _set_up(world, enabled=False)
    assert org.enabled is False
    assert org.toggles == 2


def test_disabling_the_link_leaves_multi_currency_on_when_the_crm_had_it_on(world):
    # Given a CRM whose admin had turned multi-currency on, and Books using INR
    org = world.zoho_crm.org_currencies
    org.home = "USD"
    org.enable({"base_currency": {"iso_code": "USD", "exchange_rate": "1.000000000"}})
    _books_with_inr(world)
    # When the link is set up and later disabled
    _set_up(world)
    _set_up(world, enabled=False)
    # Then multi-currency is still on: the link did not turn it on
    assert org.enabled is True
    assert org.toggles == 1


def test_the_finance_mirror_under_faults_loses_duplicates_and_drifts_nothing(world):
    import random

    from sandbox.chaos_zoho import FinanceMirrorJoin
    from sandbox.emulators.faults import FaultRule

    # Given the chaos join's customers, and both Zoho systems failing about a fifth of the
    # calls (errors, timeouts, lost answers, expired tokens, rate limits)
    rng = random.Random(3)
    join = FinanceMirrorJoin()
    join.start(world, rng, 40)
    world.settle()
    for emulator in (world.zoho_books, world.zoho_crm):
        emulator.faults.seed(5)
        for kind in ("http_error", "timeout", "expire_session", "lose_response", "rate_limit"):
            emulator.faults.add(FaultRule("*", kind, times=10**9, probability=0.045))  # type: ignore[arg-type]
    # When documents are made, sent and paid while the mirror runs, twice, then the faults stop
    join.move(world, rng)
    join.move(world, rng)
    fired = world.zoho_books.faults.fired + world.zoho_crm.faults.fired
    for emulator in (world.zoho_books, world.zoho_crm):
        emulator.faults.clear()
    found = join.verdict(world)
    # Then faults did fire, and every Books document shows once in the CRM with Books' status
    # and amounts, and each customer's receivables are its open balances
    assert fired > 0
    assert found == {"lost": [], "duplicated": []}
    made = world.zoho_books.sales_documents().rows("invoices")
    assert len(made) == 6
    assert sorted(r["Zoho_Books_ID"] for r in world.zoho_crm.records("Books_Invoices")) == sorted(
        made
    )
