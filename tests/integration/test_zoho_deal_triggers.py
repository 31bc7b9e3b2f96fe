"""Zoho deal triggers and deal buttons, in-process (moto, emulators, real handlers): the
sandbox's Zoho connection has ``deal_trigger: invoice_by_outcome``."""

from __future__ import annotations

import time
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sandbox.emulators.faults import FaultRule
from sandbox.stories import press_button
from sandbox.world import World
from shared.pairs.zoho_crm_books.deal_settings import DealTrigger
from shared.state.connections import ConnectionStore

REF = "CRM-DEAL-"


def _deal(world: World, stage: str = "Qualification") -> tuple[str, str, str]:
    """A synced account and product, and a deal of the account with the product."""
    crm = world.zoho_crm
    account = crm.insert("Accounts", {"Account_Name": "Zylker Traders"})
    product = crm.insert("Products", {"Product_Name": "Standing desk", "Unit_Price": "420.50"})
    world.settle()
    deal = crm.insert(
        "Deals", {"Deal_Name": "Zylker desks", "Stage": stage, "Account_Name": {"id": account}}
    )
    crm.relate("Deals", deal, "Products", product)
    world.settle()
    return account, product, deal


def _stage(world: World, deal: str, stage: str) -> None:
    world.zoho_crm.advance_clock(timedelta(seconds=2))
    world.zoho_crm.update("Deals", deal, {"Stage": stage})
    world.settle()


def _invoices(world: World) -> list[dict[str, Any]]:
    return list(world.zoho_books.sales_documents().invoices.values())


def _press(world: World, route: str, *, later_s: int = 0):
    moment = int(time.time()) + later_s
    return press_button(world, route, moment=moment, creds=world.zoho_creds)


def test_a_won_deal_makes_one_invoice_and_losing_it_voids_that_invoice(world):
    # Given a deal of a synced account with a synced product
    account, product, deal = _deal(world)
    assert _invoices(world) == []
    # When the deal is won (the CRM's notification alone), then the stage is seen again
    _stage(world, deal, "Closed Won")
    world.poll()
    world.runner.fire_schedule("trigger-workflows")
    world.settle()
    # Then Books holds one draft invoice for the account's customer, one line per product
    invoices = _invoices(world)
    assert len(invoices) == 1
    invoice = invoices[0]
    customer = world.zoho_crm.get("Accounts", account)["Zoho_Books_ID"]
    item = world.zoho_crm.get("Products", product)["Zoho_Books_ID"]
    assert (invoice["customer_id"], invoice["status"]) == (customer, "draft")
    assert invoice["reference_number"] == f"{REF}{deal}"
    assert [(li["item_id"], li["rate"]) for li in invoice["line_items"]] == [
        (item, Decimal("420.50"))
    ]
    # When the deal is lost
    _stage(world, deal, "Closed Lost")
    # Then that invoice is void, and still no other exists
    assert [(i["invoice_id"], i["status"]) for i in _invoices(world)] == [
        (invoice["invoice_id"], "void")
    ]


def test_a_lost_books_answer_and_repeated_notifications_make_one_invoice(world):
    # Given a deal, and Books losing its answer to the next invoice create
    _, _, deal = _deal(world)
    world.zoho_books.faults.add(FaultRule(match="create invoices", kind="lose_response"))
    # When the deal is won and its notification is delivered twice
    _stage(world, deal, "Closed Won")
    delivered = world.zoho_crm.channels.delivered[-1]
    door = f"{world.urls.api}/webhooks/{world.zoho_creds.connection_id}/zoho_crm"
    assert world.http.post(door, json=delivered).status_code < 300
    world.settle()
    # Then Books was asked to create once and holds exactly one invoice, found again after
    # the lost answer
    assert world.zoho_books.calls.count("create", "invoices") == 1
    assert len(_invoices(world)) == 1
    assert world.dead_letters("documents") == []


def test_a_deal_never_won_is_not_invoiced_and_a_loss_without_an_invoice_does_nothing(world):
    # Given a deal that goes from qualification straight to lost
    _, _, deal = _deal(world)
    _stage(world, deal, "Closed Lost")
    # Then Books has no invoice
    assert _invoices(world) == []


def test_a_press_creates_an_estimate_then_a_second_press_edits_the_draft(world):
    # Given a deal with a product
    _, product, deal = _deal(world)
    # When "estimate" is pressed on the deal
    answer = _press(world, f"deals/{deal}/estimate")
    world.settle()
    # Then it is accepted and Books holds one draft estimate tied to the deal
    assert answer.status_code == 202
    estimates = list(world.zoho_books.sales_documents().estimates.values())
    assert len(estimates) == 1
    assert estimates[0]["reference_number"].startswith(f"{REF}{deal}-")
    # When the product's price changes and it is pressed again
    world.zoho_crm.update("Products", product, {"Unit_Price": "399"})
    world.settle()
    _press(world, f"deals/{deal}/estimate", later_s=1)  # another press: signed a second later
    world.settle()
    # Then the same estimate was edited, not a second made
    estimates = list(world.zoho_books.sales_documents().estimates.values())
    assert len(estimates) == 1
    assert estimates[0]["total"] == Decimal("399")


def test_an_invoice_is_emailed_from_the_crm(world):
    # Given a won deal's invoice, its customer given an address in Books
    _, _, deal = _deal(world)
    _stage(world, deal, "Closed Won")
    invoice = _invoices(world)[0]
    invoice_id = invoice["invoice_id"]
    world.zoho_books.edit("contacts", invoice["customer_id"], {"email": "ap@zylker.example"})
    # When "email" is pressed for it
    answer = _press(world, f"invoices/{invoice_id}/email")
    world.settle()
    # Then it was emailed once and reads sent
    assert answer.status_code == 202
    docs = world.zoho_books.sales_documents()
    assert [(e["invoice_id"], e["to_mail_ids"]) for e in docs.emails] == [
        (invoice_id, ["ap@zylker.example"])
    ]
    assert docs.invoices[invoice_id]["status"] == "sent"


def test_a_press_on_a_deal_without_an_account_is_refused_at_the_door(world):
    # Given a deal of no account
    deal = world.zoho_crm.insert("Deals", {"Deal_Name": "Orphan", "Stage": "Qualification"})
    # When "invoice" is pressed
    answer = _press(world, f"deals/{deal}/invoice")
    # Then it is refused with the reason, and nothing is made
    assert answer.status_code == 409
    assert "no account" in answer.text
    world.settle()
    assert _invoices(world) == []


def test_estimate_by_stage_creates_accepts_and_declines_one_estimate(world):
    # Given the connection switched to estimates by stage, and a deal
    store = ConnectionStore(world.runtime.table)
    zoho = store.get(world.zoho_creds.connection_id)
    store.put(zoho.model_copy(update={"deal_trigger": DealTrigger.ESTIMATE_BY_STAGE}))
    _, _, deal = _deal(world)
    # When the deal reaches the proposal stage, then won, then lost
    _stage(world, deal, "Proposal/Price Quote")
    estimates = world.zoho_books.sales_documents().estimates
    created = [(e["status"], e["reference_number"]) for e in estimates.values()]
    _stage(world, deal, "Closed Won")
    accepted = [e["status"] for e in estimates.values()]
    _stage(world, deal, "Closed Lost")
    # Then one estimate was created as a draft, accepted, then declined
    assert created == [("draft", f"{REF}{deal}")]
    assert accepted == ["accepted"]
    assert [e["status"] for e in estimates.values()] == ["declined"]


def test_a_won_deal_whose_notification_never_came_is_invoiced_by_the_schedule(world):
    # Given a deal, and the trigger schedule run once (its first run starts its cursor)
    _, _, deal = _deal(world)
    world.runner.fire_schedule("trigger-workflows")
    # When the deal is won but the CRM's notification is lost, then the schedule runs
    world.zoho_crm.advance_clock(timedelta(seconds=2))
    world.zoho_crm.update("Deals", deal, {"Stage": "Closed Won"})
    world.zoho_crm.channels.outbox.clear()
    world.settle()
    assert _invoices(world) == []
    world.runner.fire_schedule("trigger-workflows")
    world.settle()
    world.runner.fire_schedule("trigger-workflows")  # and again: it sees the same stage
    world.settle()
    # Then the deal has its one invoice
    assert [i["reference_number"] for i in _invoices(world)] == [f"{REF}{deal}"]
