"""The bench's Zoho deal rows: the deal trigger (invoice by outcome) and the deal buttons,
measured in a fresh in-process world with the sandbox's Zoho connection.

Trigger: N deals of one synced account and product are won (each CRM notification delivered
twice), then lost; the rows are the invoices made beyond one per deal (0), and the Zoho
Books and Zoho CRM requests each transition costs (a won deal: its invoice looked up by
reference, then created; a lost one: looked up, then voided; in the CRM the deal read by the
trigger and by the workflow, and its products). Presses: "Estimate" pressed on N deals, each
request delivered twice; the rows are the estimates beyond one per deal and the requests per
press.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sandbox.bench.figures import Row, per
from sandbox.bench.scenarios import Measured, Run
from shared.pairs.zoho_crm_books.deal_references import deal_of

FUNCTION = "create_deal_document"
# Books: a lookup by reference and one write. The CRM: the workflow's read of the deal and
# of its products (a void reads no products), and a share of the trigger's batched read.
LIMITS = {
    "trigger": {"books": 2.0, "crm": 2.5},
    "press": {"books": 2.0, "crm": 2.5},
}


@dataclass
class DealRun:
    name: str
    requests: int  # transitions or presses sent (repeats not counted)
    deals: int
    per_deal: list[int]  # documents Books holds for each deal afterwards
    measured: Measured

    @property
    def duplicates(self) -> int:
        return sum(max(0, c - 1) for c in self.per_deal)

    @property
    def missing(self) -> int:
        return sum(1 for c in self.per_deal if c == 0)


def _per_deal(rows: Iterable[dict[str, Any]], deals: list[str]) -> list[int]:
    counts = Counter(deal_of(str(r.get("reference_number") or "")) for r in rows)
    return [counts[d] for d in deals]


def _deals(run: Run, n: int, tag: str) -> list[str]:
    crm = run.world.zoho_crm
    account = crm.insert("Accounts", {"Account_Name": f"Bench {tag}"})
    product = crm.insert("Products", {"Product_Name": f"Bench item {tag}", "Unit_Price": "10"})
    run.world.settle()
    deals = []
    for i in range(n):
        deal = crm.insert(
            "Deals",
            {
                "Deal_Name": f"Bench {tag} {i}",
                "Stage": "Qualification",
                "Account_Name": {"id": account},
            },
        )
        crm.relate("Deals", deal, "Products", product)
        deals.append(deal)
    run.world.settle()
    return deals


def trigger_run(run: Run, n: int) -> DealRun:
    world = run.world
    deals = _deals(run, n, "trigger")
    crm = world.zoho_crm

    def move(stage: str) -> Callable[[], None]:
        def work() -> None:
            crm.advance_clock(timedelta(seconds=2))
            for deal in deals:
                crm.update("Deals", deal, {"Stage": stage})
            world.background_work()
            for delivered in list(crm.channels.delivered[-n:]):  # each notification again
                url = f"{world.urls.api}/webhooks/{world.zoho_creds.connection_id}/zoho_crm"
                world.http.post(url, json=delivered)
            world.settle()

        return work

    won = run.measure(n, move("Closed Won"))
    lost = run.measure(n, move("Closed Lost"))
    invoices = world.zoho_books.sales_documents().invoices.values()
    if any(i["status"] != "void" for i in invoices):
        raise RuntimeError("bench: a lost deal's invoice is not void")
    return DealRun("trigger", 2 * n, n, _per_deal(invoices, deals), _sum(won, lost))


def press_run(run: Run, n: int) -> DealRun:
    from sandbox.stories import press_button

    world = run.world
    deals = _deals(run, n, "press")

    def presses() -> None:
        moment = int(time.time())
        for i, deal in enumerate(deals):
            for _ in range(2):  # the same signed request delivered twice: one press
                answer = press_button(
                    world, f"deals/{deal}/estimate", moment=moment + i, creds=world.zoho_creds
                )
                if answer.status_code != 202:
                    raise RuntimeError(f"bench press refused: {answer.status_code}")
        world.settle()

    measured = run.measure(n, presses)
    estimates = world.zoho_books.sales_documents().estimates.values()
    return DealRun("press", n, n, _per_deal(estimates, deals), measured)


def _sum(a: Measured, b: Measured) -> Measured:
    return Measured(
        records=a.records + b.records,
        wall_s=a.wall_s + b.wall_s,
        aws=a.aws,
        saas=a.saas + b.saas,
        saas_s=a.saas_s + b.saas_s,
        intacct_functions=a.intacct_functions + b.intacct_functions,
        intacct_writes=a.intacct_writes + b.intacct_writes,
        invocations=a.invocations + b.invocations,
        invocation_s=a.invocation_s,
        metrics=a.metrics + b.metrics,
        own_s=a.own_s + b.own_s,
    )


def deal_rows(d: DealRun) -> list[Row]:
    m = d.measured
    limits = LIMITS[d.name]
    prefix = f"workflows.zoho_deal_{d.name}"
    return [
        Row(
            f"{prefix}.duplicates",
            float(d.duplicates),
            0.0,
            f"documents ({d.requests} requests on {d.deals} deals)",
            "lower",
        ),
        Row(f"{prefix}.missing", float(d.missing), 0.0, "deals without their document", "lower"),
        Row(
            f"{prefix}.books_requests_per_request",
            per(m, m.saas[f"{FUNCTION}/zoho_books"]),
            limits["books"],
            f"req ({FUNCTION})",
            "lower",
        ),
        Row(
            f"{prefix}.crm_requests_per_request",
            per(m, m.saas[f"{FUNCTION}/zoho_crm"] + m.saas["sync_records/zoho_crm"]),
            limits["crm"],
            "req (sync_records + create_deal_document)",
            "lower",
        ),
    ]


def zoho_deal_rows(
    presses: int,
    world_run: Callable[[], AbstractContextManager[Run]],
    progress: Callable[[str], None],
) -> list[Row]:
    """The rows, ``presses`` deals each (none when 0); ``world_run`` makes a fresh world."""
    if not presses:
        return []
    progress(f"Zoho deals: invoice by outcome and Estimate presses, {presses} deals each")
    rows: list[Row] = []
    for scenario in (trigger_run, press_run):
        with world_run() as run:
            rows += deal_rows(scenario(run, presses))
    return rows
