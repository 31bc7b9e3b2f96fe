"""What ``make chaos`` makes and edits for the Zoho CRM <-> Zoho Books connection, per mapping
(see :mod:`sandbox.chaos_objects`): people working in the CRM and in Books, through neither
ledgerlink nor a fault."""

from __future__ import annotations

import random
import sys
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sandbox.chaos_objects import ChaosObject, SideOps
from sandbox.emulators.faults import FaultRule
from shared.models.events import RecordRef

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


# -- the finance mirror under faults (joined to the Zoho soak by sandbox/chaos.py) ---------

FINANCE_FAULT_SHARE = 0.2
_FINANCE_FAULTS = ("http_error", "timeout", "expire_session", "lose_response", "rate_limit")
_DOCUMENT_MODULES = {
    "invoices": ("Books_Invoices", "invoice_id"),
    "estimates": ("Books_Estimates", "estimate_id"),
    "purchaseorders": ("Books_Purchase_Orders", "purchaseorder_id"),
}


def finance_soak(world: World, records: int, seed: int) -> int:
    """Books documents made, sent and paid while the finance mirror runs under faults on both
    Zoho systems; then, faults off, every document shows in the CRM exactly once with Books'
    status and amounts, and each customer's receivables are Books' open balances. Prints
    its line; 1 when something was lost, duplicated or drifted."""
    rng = random.Random(seed)
    books, crm = world.zoho_books, world.zoho_crm
    each = 1 - (1 - FINANCE_FAULT_SHARE) ** (1 / len(_FINANCE_FAULTS))
    item = books.create("items", {"name": "Chaos finance item", "rate": "12.50"})
    vendor = books.create("contacts", {"contact_name": "Chaos vendor", "contact_type": "vendor"})
    customers = []
    for i in range(max(2, records // 40)):
        customer = books.create("contacts", {"contact_name": f"Chaos finance customer {i}"})
        crm.insert("Accounts", {"Account_Name": f"Chaos finance {i}", "Zoho_Books_ID": customer})
        customers.append(customer)
    world.settle(max_rounds=10_000)
    for emulator in (books, crm):
        emulator.faults.seed(rng.randrange(2**32))
        for kind in _FINANCE_FAULTS:
            emulator.faults.add(FaultRule("*", kind, times=10**9, probability=each))  # type: ignore[arg-type]
    documents = max(4, records // 4)
    invoices: list[str] = []
    for n in range(documents):
        customer = customers[n % len(customers)]
        line = [{"item_id": item, "quantity": rng.randint(1, 5)}]
        kind = ("invoices", "invoices", "estimates", "purchaseorders")[n % 4]
        if kind == "purchaseorders":
            books.finance_books().purchase_orders.create({"vendor_id": vendor, "line_items": line})
        else:
            row = books.create_document(kind, {"customer_id": customer, "line_items": line})
            if kind == "invoices":
                books.mark_document("invoices", row["invoice_id"], "sent")
                invoices.append(row["invoice_id"])
        if invoices and rng.random() < 0.3:
            _pay_some(world, rng, rng.choice(invoices))
        if n % 5 == 4:
            _mirror(world)
    faults = sum(e.faults.fired for e in (books, crm))
    for emulator in (books, crm):
        emulator.faults.clear()
    for _ in range(3):
        _mirror(world)
    lost, duplicated, drifted = _finance_verdict(world, customers)
    sys.stdout.write(
        f"  zoho finance: {documents} documents, {faults} faults injected, lost {lost}, "
        f"duplicated {duplicated}, drifted {drifted}\n"
    )
    return 1 if lost or duplicated or drifted else 0


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


def _finance_verdict(world: World, customers: list[str]) -> tuple[int, int, int]:
    lost = duplicated = drifted = 0
    crm = world.zoho_crm
    for kind, (module, id_field) in _DOCUMENT_MODULES.items():
        shown: dict[str, list[dict[str, Any]]] = {}
        for row in crm.records(module):
            shown.setdefault(str(row.get("Zoho_Books_ID")), []).append(row)
        if kind == "purchaseorders":
            truth = list(world.zoho_books.finance_books().purchase_orders.rows.values())
        else:
            truth = list(world.zoho_books.sales_documents().rows(kind).values())
        for doc in truth:
            mirrored = shown.get(str(doc[id_field]), [])
            if not mirrored:
                lost += 1
                continue
            duplicated += len(mirrored) - 1
            row = mirrored[0]
            same = row.get("Status") == doc["status"] and row.get("Total") == doc["total"]
            if "balance" in doc:
                same = same and row.get("Balance") == doc["balance"]
            drifted += not same
    summaries = {str(r.get("Zoho_Books_ID")): r for r in crm.records("Books_Summaries")}
    for customer in customers:
        owed = sum(
            (
                i["balance"]
                for i in world.zoho_books.sales_documents().rows("invoices").values()
                if i["customer_id"] == customer and i["status"] not in ("draft", "void")
            ),
            Decimal(0),
        )
        summary = summaries.get(customer)
        drifted += summary is None or summary.get("Receivables") != owed
    return lost, duplicated, drifted
