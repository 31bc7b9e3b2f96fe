"""What ``make chaos`` makes and edits for the Zoho CRM <-> Zoho Books connection, per mapping
(see :mod:`sandbox.chaos_objects`): people working in the CRM and in Books, through neither
ledgerlink nor a fault."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sandbox.chaos_objects import ChaosObject, SideOps
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
