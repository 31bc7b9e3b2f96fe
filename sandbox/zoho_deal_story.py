"""The Zoho deals part of `make demo`: the sandbox's Zoho connection invoices by outcome, so a
won deal gets one invoice in Books and losing it voids that invoice; an estimate pressed from
the CRM lands in Books, tied to its deal by its reference."""

from __future__ import annotations

from decimal import Decimal
from functools import partial
from typing import Any

from sandbox.demo import check, step, wait_for
from sandbox.stories import press_button
from sandbox.world import World
from shared.pairs.zoho_crm_books.deal_references import deal_of, deal_reference


def _documents(world: World, kind: str, deal: str) -> list[dict[str, Any]]:
    rows = world.zoho_books.records_on_wire(kind)
    return [r for r in rows if deal_of(str(r.get("reference_number") or "")) == deal]


def zoho_deal_story(world: World, number: int = 20) -> None:
    """Steps ``number``..``number + 2`` of the demo (each checks the other side)."""
    crm = world.zoho_crm
    step(f"{number}. Zoho CRM: a deal for Initrode with two products is won")
    account = crm.insert("Accounts", {"Account_Name": "Initrode"})
    desk = crm.insert("Products", {"Product_Name": "Desk lamp", "Unit_Price": "35.00"})
    chair = crm.insert("Products", {"Product_Name": "Task chair", "Unit_Price": "180.00"})
    for module, record_id in (("Accounts", account), ("Products", desk), ("Products", chair)):
        wait_for(f"{module} {record_id} in Books", partial(_linked, world, module, record_id))
    deal = crm.insert(
        "Deals",
        {
            "Deal_Name": "Initrode office",
            "Stage": "Negotiation/Review",
            "Account_Name": {"id": account},
        },
    )
    crm.relate("Deals", deal, "Products", desk)
    crm.relate("Deals", deal, "Products", chair)
    crm.update("Deals", deal, {"Stage": "Closed Won"})
    [invoice] = wait_for("the deal's invoice", lambda: _documents(world, "invoices", deal))
    print(
        f"   Books invoice {invoice['invoice_number']} ({invoice['reference_number']}), "
        f"{invoice['status']}, total {invoice['total']}"
    )
    check(
        "one invoice, tied to the deal by its reference",
        invoice["reference_number"] == deal_reference(deal),
    )
    check(
        "its total is the products' prices (215.00)",
        Decimal(str(invoice["total"])) == Decimal("215"),
    )
    check(
        "its customer is the account's",
        invoice["customer_id"] == _linked(world, "Accounts", account),
    )

    step(f"{number + 1}. The deal is lost: that invoice is voided, no other is made")
    crm.update("Deals", deal, {"Stage": "Closed Lost"})
    voided = wait_for(
        "the void invoice",
        lambda: [i for i in _documents(world, "invoices", deal) if i["status"] == "void"],
    )
    check(
        "the same invoice, now void", [i["invoice_id"] for i in voided] == [invoice["invoice_id"]]
    )
    check("still one invoice for the deal", len(_documents(world, "invoices", deal)) == 1)

    step(f"{number + 2}. A rep presses 'Estimate' on a new deal in the CRM")
    second = crm.insert(
        "Deals",
        {"Deal_Name": "Initrode annex", "Stage": "Qualification", "Account_Name": {"id": account}},
    )
    crm.relate("Deals", second, "Products", chair)
    answer = press_button(world, f"deals/{second}/estimate", creds=world.zoho_creds)
    print(f"   Estimate -> {answer.status_code} {answer.json()}")
    check("the button's request is accepted (202)", answer.status_code == 202)
    [estimate] = wait_for("the estimate", lambda: _documents(world, "estimates", second))
    print(
        f"   Books estimate {estimate['estimate_number']} ({estimate['reference_number']}), "
        f"{estimate['status']}, total {estimate['total']}"
    )
    check(
        "a draft estimate of the deal's product", Decimal(str(estimate["total"])) == Decimal("180")
    )


def _linked(world: World, module: str, record_id: str) -> str | None:
    value = (world.zoho_crm.get(module, record_id) or {}).get("Zoho_Books_ID")
    return str(value) if value else None
