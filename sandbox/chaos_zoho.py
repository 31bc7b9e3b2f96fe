"""What ``make chaos`` makes and edits for the Zoho CRM <-> Zoho Books connection, per mapping
(see :mod:`sandbox.chaos_objects`): people working in the CRM and in Books, through neither
ledgerlink nor a fault."""

from __future__ import annotations

import random
import sys
from decimal import Decimal
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


# -- the finance mirror -------------------------------------------------------------------

_DOCUMENT_MODULES = {
    "invoices": ("Books_Invoices", "invoice_id"),
    "estimates": ("Books_Estimates", "estimate_id"),
    "purchaseorders": ("Books_Purchase_Orders", "purchaseorder_id"),
}


class FinanceMirrorJoin:
    """The finance mirror (the pair's ``mirror-to-crm`` job): Books documents are made,
    invoices sent and paid in part while the faults run and the mirror runs between them.
    After the tail: every document shows in the CRM exactly once, with Books' status and
    amounts, and each customer's receivables are Books' open balances."""

    name = "finance_mirror"

    def __init__(self) -> None:
        self.customers: list[str] = []
        self.invoices: list[str] = []
        self.vendor = ""
        self.item = ""
        self.documents = 0

    def start(self, world: World, rng: random.Random, records: int) -> None:
        books, crm = world.zoho_books, world.zoho_crm
        self.item = books.create("items", {"name": "Chaos finance item", "rate": "12.50"})
        self.vendor = books.create(
            "contacts", {"contact_name": "Chaos finance vendor", "contact_type": "vendor"}
        )
        for i in range(max(2, records // 40)):
            customer = books.create("contacts", {"contact_name": f"Chaos finance customer {i}"})
            crm.insert(
                "Accounts", {"Account_Name": f"Chaos finance {i}", "Zoho_Books_ID": customer}
            )
            self.customers.append(customer)
        self.documents = max(4, records // 8)  # per move

    def move(self, world: World, rng: random.Random) -> None:
        books = world.zoho_books
        for n in range(self.documents):
            customer = self.customers[n % len(self.customers)]
            line = [{"item_id": self.item, "quantity": rng.randint(1, 5)}]
            kind = ("invoices", "invoices", "estimates", "purchaseorders")[n % 4]
            if kind == "purchaseorders":
                books.finance_books().purchase_orders.create(
                    {"vendor_id": self.vendor, "line_items": line}
                )
            else:
                row = books.create_document(kind, {"customer_id": customer, "line_items": line})
                if kind == "invoices":
                    books.mark_document("invoices", row["invoice_id"], "sent")
                    self.invoices.append(row["invoice_id"])
            if self.invoices and rng.random() < 0.3:
                _pay_some(world, rng, rng.choice(self.invoices))
            if n % 5 == 4:
                _mirror(world)
        _mirror(world)

    def verdict(self, world: World) -> dict[str, list[str]]:
        for _ in range(2):  # the faults are off: what a failed run left, the next one writes
            _mirror(world)
        lost, duplicated, drifted = _finance_verdict(world, self.customers)
        sys.stdout.write(
            f"  finance mirror: {2 * self.documents} documents, {len(self.invoices)} invoices "
            f"sent; drifted {len(drifted)}\n"
        )
        return {"lost": lost + drifted, "duplicated": duplicated}


ZOHO_JOINS: tuple[JoinFactory, ...] = (DealTriggerJoin, FinanceMirrorJoin)


def _pay_some(world: World, rng: random.Random, invoice_id: str) -> None:
    invoice = world.zoho_books.sales_documents().get("invoices", invoice_id)
    if invoice["balance"] <= 0:
        return
    amount = min(invoice["balance"], Decimal(rng.randint(1, 20)))
    world.zoho_books.record_payment(
        {
            "customer_id": invoice["customer_id"],
            "payment_mode": "cash",
            "amount": str(amount),
            "date": "2026-03-05",
            "invoices": [{"invoice_id": invoice_id, "amount_applied": str(amount)}],
        }
    )


def _mirror(world: World) -> None:
    world.runner.fire_schedule("mirror-to-crm")
    world.settle(max_rounds=10_000)


def _finance_verdict(world: World, customers: list[str]) -> tuple[list[str], list[str], list[str]]:
    """(lost, duplicated, drifted) documents and summaries, by name."""
    lost: list[str] = []
    duplicated: list[str] = []
    drifted: list[str] = []
    crm, books = world.zoho_crm, world.zoho_books
    for kind, (module, id_field) in _DOCUMENT_MODULES.items():
        shown: dict[str, list[dict[str, Any]]] = {}
        for row in crm.records(module):
            shown.setdefault(str(row.get("Zoho_Books_ID")), []).append(row)
        if kind == "purchaseorders":
            truth = list(books.finance_books().purchase_orders.rows.values())
        else:
            truth = list(books.sales_documents().rows(kind).values())
        for doc in truth:
            name = f"{kind} {doc[id_field]}"
            mirrored = shown.get(str(doc[id_field]), [])
            if not mirrored:
                lost.append(f"{name}: not in {module}")
                continue
            if len(mirrored) > 1:
                duplicated.append(f"{name}: {len(mirrored)} records in {module}")
            row = mirrored[0]
            same = row.get("Status") == doc["status"] and row.get("Total") == doc["total"]
            if "balance" in doc:
                same = same and row.get("Balance") == doc["balance"]
            if not same:
                drifted.append(f"{name}: {module} shows {row.get('Status')} {row.get('Total')}")
    summaries = {str(r.get("Zoho_Books_ID")): r for r in crm.records("Books_Summaries")}
    invoices = books.sales_documents().rows("invoices").values()
    for customer in customers:
        owed = sum(
            (
                i["balance"]
                for i in invoices
                if i["customer_id"] == customer and i["status"] not in ("draft", "void")
            ),
            Decimal(0),
        )
        summary = summaries.get(customer)
        if summary is None and owed == 0:
            continue  # a customer with no document of its own has nothing to show
        shown_owed = (summary or {}).get("Receivables")
        if shown_owed != owed:
            drifted.append(f"receivables of {customer}: {shown_owed}, Books {owed}")
    return lost, duplicated, drifted


# -- Contacts <-> contact persons (each made under a parent of its own, made first) ---------


def _persons(world: World) -> list[dict[str, Any]]:
    return [
        {**p, "contact_id": c["contact_id"], "key": f"{c['contact_id']}/{p['contact_person_id']}"}
        for c in world.zoho_books.contacts()
        if c["contact_type"] == "customer"
        for p in c["contact_persons"]
    ]


def _person_rows(world: World, obj: str) -> list[dict[str, Any]]:
    return _persons(world)


def _read_person(world: World, obj: str, key: str) -> dict[str, Any] | None:
    return next((p for p in _persons(world) if p["key"] == key), None)


def _contact_ops() -> SideOps:
    fields = {"Phone": "5-{tok}", "Title": "t{tok}"}

    def create(world: World, tok: str) -> RecordRef:
        account = world.zoho_crm.insert("Accounts", {"Account_Name": f"Parent {tok}"})
        values = {"Last_Name": f"Chaos Contacts {tok}", "Account_Name": {"id": account}}
        values.update({f: pattern.format(tok=tok) for f, pattern in fields.items()})
        return _crm("Contacts", world.zoho_crm.insert("Contacts", values))

    def edit(world: World, ref: RecordRef, tok: str) -> None:
        values = {f: pattern.format(tok=tok) for f, pattern in fields.items()}
        world.zoho_crm.update("Contacts", ref.record_id, values)

    return SideOps(
        "Contacts", create, edit, "Last_Name", "Chaos ", tuple(fields), read_crm, rows_crm
    )


def _person_ops() -> SideOps:
    fields = {"phone": "6-{tok}", "designation": "d{tok}"}

    def create(world: World, tok: str) -> RecordRef:
        books = world.zoho_books
        customer = books.create(
            "contacts", {"contact_name": f"Parent {tok}", "contact_type": "customer"}
        )
        values = {"last_name": f"Chaos persons {tok}"}
        values.update({f: pattern.format(tok=tok) for f, pattern in fields.items()})
        person = books.add_person(customer, values)
        return _books("contact_persons", f"{customer}/{person}")

    def edit(world: World, ref: RecordRef, tok: str) -> None:
        values = {f: pattern.format(tok=tok) for f, pattern in fields.items()}
        world.zoho_books.edit_person(ref.record_id.split("/")[1], values)

    return SideOps(
        "contact_persons",
        create,
        edit,
        "last_name",
        "Chaos ",
        tuple(fields),
        _read_person,
        _person_rows,
    )


ZOHO_OBJECTS["contact_person"] = ChaosObject(
    mapping="contact_person", crm=_contact_ops(), erp=_person_ops()
)
