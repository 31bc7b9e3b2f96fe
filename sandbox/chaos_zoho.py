"""What ``make chaos`` makes and edits for the Zoho CRM <-> Zoho Books connection, per mapping
(see :mod:`sandbox.chaos_objects`): people working in the CRM and in Books, through neither
ledgerlink nor a fault."""

from __future__ import annotations

import random
import sys
from typing import TYPE_CHECKING, Any

from sandbox.chaos_joins import JoinFactory
from sandbox.chaos_objects import ChaosObject, SideOps
from shared.models.events import RecordRef
from shared.pairs.zoho_crm_books.deal_references import deal_of

if TYPE_CHECKING:
    from sandbox.world import World

_KINDS = {"customers": "contacts", "vendors": "contacts", "items": "items"}
_IDS = {"contacts": "contact_id", "items": "item_id"}


def _crm(module: str, record_id: str) -> RecordRef:
    return RecordRef(system="zoho_crm", object=module, record_id=record_id)


def _books(obj: str, key: str) -> RecordRef:
    return RecordRef(system="zoho_books", object=obj, record_id=key)


def read_crm(world: World, module: str, key: str) -> dict[str, Any] | None:
    return world.zoho_crm.get(module, key)


def rows_crm(world: World, module: str) -> list[dict[str, Any]]:
    return world.zoho_crm.records(module)


def read_books(world: World, obj: str, key: str) -> dict[str, Any] | None:
    kind = _KINDS[obj]
    return next((r for r in rows_books(world, obj) if r[_IDS[kind]] == key), None)


def rows_books(world: World, obj: str) -> list[dict[str, Any]]:
    if obj == "items":
        return world.zoho_books.items()
    wanted = "vendor" if obj == "vendors" else "customer"
    return [c for c in world.zoho_books.contacts() if c["contact_type"] == wanted]


def _crm_ops(module: str, name: str, fields: dict[str, str], extra: dict[str, Any]) -> SideOps:
    def create(world: World, tok: str) -> RecordRef:
        values = {name: f"Chaos {module} {tok}", **extra}
        values.update({f: pattern.format(tok=tok) for f, pattern in fields.items()})
        return _crm(module, world.zoho_crm.insert(module, values))

    def edit(world: World, ref: RecordRef, tok: str) -> None:
        values = {f: pattern.format(tok=tok) for f, pattern in fields.items()}
        world.zoho_crm.update(module, ref.record_id, values)

    return SideOps(module, create, edit, name, "Chaos ", tuple(fields), read_crm, rows_crm)


def _books_ops(obj: str, name: str, fields: dict[str, str], extra: dict[str, Any]) -> SideOps:
    kind = _KINDS[obj]

    def create(world: World, tok: str) -> RecordRef:
        values = {name: f"Chaos {obj} {tok}", **extra}
        values.update({f: pattern.format(tok=tok) for f, pattern in fields.items()})
        return _books(obj, world.zoho_books.create(kind, values))

    def edit(world: World, ref: RecordRef, tok: str) -> None:
        values = {f: pattern.format(tok=tok) for f, pattern in fields.items()}
        world.zoho_books.edit(kind, ref.record_id, values)

    return SideOps(obj, create, edit, name, "Chaos ", tuple(fields), read_books, rows_books)


ZOHO_OBJECTS: dict[str, ChaosObject] = {
    "account_customer": ChaosObject(
        mapping="account_customer",
        crm=_crm_ops(
            "Accounts", "Account_Name", {"Phone": "1-{tok}", "Website": "https://a{tok}.test"}, {}
        ),
        erp=_books_ops(
            "customers",
            "contact_name",
            {"phone": "2-{tok}", "website": "https://c{tok}.test"},
            {"contact_type": "customer"},
        ),
    ),
    "vendor_vendor": ChaosObject(
        mapping="vendor_vendor",
        crm=_crm_ops(
            "Vendors", "Vendor_Name", {"Email": "v{tok}@chaos.test", "Phone": "3-{tok}"}, {}
        ),
        erp=_books_ops(
            "vendors",
            "contact_name",
            {"email": "w{tok}@chaos.test", "phone": "4-{tok}"},
            {"contact_type": "vendor"},
        ),
    ),
    "product_item": ChaosObject(
        mapping="product_item",
        crm=_crm_ops(
            "Products",
            "Product_Name",
            {"Product_Code": "P-{tok}", "Description": "product {tok}"},
            {"Unit_Price": "10.00"},
        ),
        erp=_books_ops(
            "items", "name", {"sku": "S-{tok}", "description": "item {tok}"}, {"rate": "12.00"}
        ),
    ),
}


class DealTriggerJoin:
    """The deal trigger (the sandbox's Zoho connection invoices by outcome): deals of one
    account with one product are won, some edited again while won (a request of its own),
    and later some lost, while the faults run and the CRM's notifications arrive.
    After the tail: a deal ending won has exactly one invoice, not void; one ending lost has
    at most one, and that one void."""

    name = "deal_trigger"

    def __init__(self) -> None:
        self.deals: list[str] = []
        self.lost: set[str] = set()
        self.moved = False

    def start(self, world: World, rng: random.Random, records: int) -> None:
        crm = world.zoho_crm
        account = crm.insert("Accounts", {"Account_Name": "Chaos deals account"})
        product = crm.insert("Products", {"Product_Name": "Chaos deals item", "Unit_Price": "7"})
        for i in range(max(3, records // 20)):
            deal = crm.insert(
                "Deals",
                {
                    "Deal_Name": f"Chaos deal {i}",
                    "Stage": "Qualification",
                    "Account_Name": {"id": account},
                },
            )
            crm.relate("Deals", deal, "Products", product)
            self.deals.append(deal)

    def move(self, world: World, rng: random.Random) -> None:
        """First every deal is won (some edited again at once); then, once that has synced,
        some are edited again while won and some lost (a few both, in that order)."""
        crm = world.zoho_crm
        first = not self.moved
        self.moved = True
        for deal in self.deals:
            if first:
                crm.update("Deals", deal, {"Stage": "Closed Won"})
            if rng.random() < 0.3:
                crm.update("Deals", deal, {"Description": f"edited again {rng.random()}"})
            if not first and rng.random() < 0.4:
                crm.update("Deals", deal, {"Stage": "Closed Lost"})
                self.lost.add(deal)

    def verdict(self, world: World) -> dict[str, list[str]]:
        world.settle(max_rounds=10_000)
        invoices: dict[str, list[str]] = {}
        for invoice in world.zoho_books.sales_documents().invoices.values():
            deal = deal_of(str(invoice["reference_number"]))
            if deal is not None:
                invoices.setdefault(deal, []).append(str(invoice["status"]))
        lost, duplicated = [], []
        for deal in self.deals:
            statuses = invoices.get(deal, [])
            if len(statuses) > 1:
                duplicated.append(f"deal {deal}: {len(statuses)} invoices")
            elif deal in self.lost and statuses not in ([], ["void"]):
                lost.append(f"deal {deal} lost but its invoice is {statuses[0]}")
            elif deal not in self.lost and (statuses == [] or statuses[0] == "void"):
                lost.append(f"deal {deal} won but its invoice is {statuses or 'missing'}")
        made = sum(len(v) for v in invoices.values())
        void = sum(v.count("void") for v in invoices.values())
        sys.stdout.write(
            f"  deal trigger: {len(self.deals)} deals won, {len(self.lost)} lost; "
            f"{made} invoices, {void} void\n"
        )
        return {"lost": lost, "duplicated": duplicated}


ZOHO_JOINS: tuple[JoinFactory, ...] = (DealTriggerJoin,)
