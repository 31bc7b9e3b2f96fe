"""What ``make chaos`` makes and edits, per mapping: how a person creates and edits a record
of that mapping on each side (never through ledgerlink, never through a fault), with values
never used before, and which fields it watches for flips.

Every mapping of every pair needs an entry here: ``sandbox.chaos`` refuses to run without
one, so each new sync joins the soak the day it lands.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from shared.models.events import RecordRef

if TYPE_CHECKING:
    from sandbox.world import World

Create = Callable[["World", str], RecordRef]
Edit = Callable[["World", RecordRef, str], None]
Read = Callable[["World", str, str], "dict[str, Any] | None"]  # (world, object, key)
Rows = Callable[["World", str], "list[dict[str, Any]]"]  # (world, object)


@dataclass(frozen=True)
class SideOps:
    object: str
    create: Create
    edit: Edit
    identity_field: str  # unique per record chaos made: counts duplicates
    identity_prefix: str  # what chaos's values of that field start with
    watched: tuple[str, ...]  # fields whose history is checked for flips
    # How chaos reads a record and all records of the object (None: the Salesforce and
    # Intacct emulators', which chaos knows)
    read: Read | None = None
    rows: Rows | None = None


@dataclass(frozen=True)
class ChaosObject:
    mapping: str
    crm: SideOps
    erp: SideOps
    # A CRM record the ERP refuses by design (None: the mapping has none to make)
    invalid_crm: Callable[[World, str, RecordRef], RecordRef] | None = None


def _sf(obj: str, record_id: str) -> RecordRef:
    return RecordRef(system="salesforce", object=obj, record_id=record_id)


def _intacct(obj: str, key: str) -> RecordRef:
    return RecordRef(system="intacct", object=obj, record_id=key)


# -- Account <-> CUSTOMER ----------------------------------------------------------------------


def _account(world: World, tok: str) -> RecordRef:
    fields = {
        "Name": f"Chaos Account {tok}",
        "Phone": f"1-{tok}",
        "Website": f"https://a{tok}.test",
    }
    return _sf("Account", world.salesforce.insert("Account", fields))


def _edit_account(world: World, ref: RecordRef, tok: str) -> None:
    world.salesforce.update(
        "Account", ref.record_id, {"Phone": f"2-{tok}", "Website": f"https://e{tok}.test"}
    )


def _customer(world: World, tok: str) -> RecordRef:
    key = f"CHAOS-{tok}"
    world.intacct.seed(
        "CUSTOMER",
        {
            "CUSTOMERID": key,
            "NAME": f"Chaos Customer {tok}",
            "DISPLAYCONTACT": {"PHONE1": f"3-{tok}", "URL1": f"https://c{tok}.test"},
        },
    )
    return _intacct("CUSTOMER", key)


def _edit_customer(world: World, ref: RecordRef, tok: str) -> None:
    world.intacct.edit(
        "CUSTOMER",
        ref.record_id,
        {"DISPLAYCONTACT.PHONE1": f"4-{tok}", "DISPLAYCONTACT.URL1": f"https://f{tok}.test"},
    )


def _account_naming_a_taken_customer(world: World, tok: str, taken: RecordRef) -> RecordRef:
    """An account whose AccountNumber is an Intacct customer id someone else has: the
    customer Intacct would create for it clashes, and Intacct says so (by design)."""
    fields = {"Name": f"Chaos Clash {tok}", "AccountNumber": taken.record_id}
    return _sf("Account", world.salesforce.insert("Account", fields))


# -- Contact <-> CONTACT -----------------------------------------------------------------------


def _contact(world: World, tok: str) -> RecordRef:
    fields = {
        "FirstName": "Chaos",
        "LastName": f"Person {tok}",
        "Email": f"p{tok}@chaos.test",
        "Phone": f"5-{tok}",
    }
    return _sf("Contact", world.salesforce.insert("Contact", fields))


def _edit_contact(world: World, ref: RecordRef, tok: str) -> None:
    world.salesforce.update(
        "Contact", ref.record_id, {"Email": f"q{tok}@chaos.test", "Phone": f"6-{tok}"}
    )


def _intacct_contact(world: World, tok: str) -> RecordRef:
    key = f"CHAOS-C-{tok}"
    world.intacct.seed(
        "CONTACT",
        {
            "CONTACTNAME": key,
            "PRINTAS": f"Chaos Contact {tok}",
            "FIRSTNAME": "Chaos",
            "LASTNAME": f"Contact {tok}",
            "EMAIL1": f"c{tok}@chaos.test",
            "PHONE1": f"7-{tok}",
        },
    )
    return _intacct("CONTACT", key)


def _edit_intacct_contact(world: World, ref: RecordRef, tok: str) -> None:
    world.intacct.edit(
        "CONTACT", ref.record_id, {"EMAIL1": f"d{tok}@chaos.test", "PHONE1": f"8-{tok}"}
    )


# -- Product2 <-> ITEM --------------------------------------------------------------------------


def _product(world: World, tok: str) -> RecordRef:
    fields = {
        "Name": f"Chaos Product {tok}",
        "ProductCode": f"CP-{tok}",
        "IsActive": True,
        "Description": f"made {tok}",
    }
    return _sf("Product2", world.salesforce.insert("Product2", fields))


def _edit_product(world: World, ref: RecordRef, tok: str) -> None:
    world.salesforce.update("Product2", ref.record_id, {"Description": f"edited {tok}"})


def _item(world: World, tok: str) -> RecordRef:
    key = f"CHAOS-I-{tok}"
    world.intacct.seed(
        "ITEM",
        {
            "ITEMID": key,
            "NAME": f"Chaos Item {tok}",
            "ITEMTYPE": "Non-Inventory (Sales only)",
            "EXTENDED_DESCRIPTION": f"seeded {tok}",
        },
    )
    return _intacct("ITEM", key)


def _edit_item(world: World, ref: RecordRef, tok: str) -> None:
    world.intacct.edit("ITEM", ref.record_id, {"EXTENDED_DESCRIPTION": f"changed {tok}"})


# -- Intacct_Project__c <-> PROJECT, Intacct_Project_Task__c <-> TASK ---------------------------


def _sf_project(world: World, tok: str, name: str = "Chaos Project") -> RecordRef:
    fields = {"Name": f"{name} {tok}", "Description__c": f"s-{tok}"}
    return _sf("Intacct_Project__c", world.salesforce.insert("Intacct_Project__c", fields))


def _edit_sf_project(world: World, ref: RecordRef, tok: str) -> None:
    world.salesforce.update("Intacct_Project__c", ref.record_id, {"Description__c": f"t-{tok}"})


def _intacct_project(world: World, tok: str, name: str = "Chaos Project") -> RecordRef:
    key = f"CHAOS-P-{tok}"
    world.intacct.seed(
        "PROJECT",
        {
            "PROJECTID": key,
            "NAME": f"{name} {tok}",
            "PROJECTCATEGORY": "Contract",
            "DESCRIPTION": f"i-{tok}",
        },
    )
    return _intacct("PROJECT", key)


def _edit_intacct_project(world: World, ref: RecordRef, tok: str) -> None:
    world.intacct.edit("PROJECT", ref.record_id, {"DESCRIPTION": f"j-{tok}"})


def _parent(
    world: World, system: str, obj: str, make: Callable[..., RecordRef], tok: str
) -> RecordRef:
    """A project for a new task: a parent project chaos made earlier and that is linked
    already (most tasks go into running projects), else a new one made just before the
    task, which waits for it. Parents are never edited by chaos: a project's progress,
    moved by its tasks, is written to Salesforce while people edit it (the engine's
    read-back after a write can absorb an edit made just before it: see the report)."""
    conn = world.connection.connection_id
    rows = world.salesforce.records(obj) if system == "salesforce" else world.intacct.records(obj)
    for row in reversed(rows):
        name = str(row.get("Name") or row.get("NAME") or "")
        if not name.startswith("Chaos Parent "):
            continue
        key = str(row["Id"] if system == "salesforce" else row["PROJECTID"])
        ref = RecordRef(system=system, object=obj, record_id=key)
        link = world.runtime.links.get(conn, ref)
        if link is not None and link.status == "linked":
            return ref
    return make(world, f"t{tok}", name="Chaos Parent")


def _sf_task(world: World, tok: str) -> RecordRef:
    parent = _parent(world, "salesforce", "Intacct_Project__c", _sf_project, tok)
    fields = {
        "Name": f"Chaos Task {tok}",
        "Project__c": parent.record_id,
        "Description__c": f"u-{tok}",
    }
    record_id = world.salesforce.insert("Intacct_Project_Task__c", fields)
    return _sf("Intacct_Project_Task__c", record_id)


def _edit_sf_task(world: World, ref: RecordRef, tok: str) -> None:
    world.salesforce.update(
        "Intacct_Project_Task__c", ref.record_id, {"Description__c": f"v-{tok}"}
    )


def _intacct_task(world: World, tok: str) -> RecordRef:
    parent = _parent(world, "intacct", "PROJECT", _intacct_project, tok)
    recordno = world.intacct.seed(
        "TASK",
        {"NAME": f"Chaos Task {tok}", "PROJECTID": parent.record_id, "DESCRIPTION": f"w-{tok}"},
    )
    return _intacct("TASK", str(recordno))


def _edit_intacct_task(world: World, ref: RecordRef, tok: str) -> None:
    world.intacct.edit("TASK", ref.record_id, {"DESCRIPTION": f"x-{tok}"})
    # and an hour on its timesheet: the task's and its project's progress move in Intacct
    week = date(2026, 3, 2)
    world.intacct.enter_timesheet("E-1", week, [(int(ref.record_id), week, Decimal(1))])


OBJECTS: dict[str, ChaosObject] = {
    "account_customer": ChaosObject(
        mapping="account_customer",
        crm=SideOps("Account", _account, _edit_account, "Name", "Chaos ", ("Phone", "Website")),
        erp=SideOps(
            "CUSTOMER",
            _customer,
            _edit_customer,
            "NAME",
            "Chaos ",
            ("DISPLAYCONTACT.PHONE1", "DISPLAYCONTACT.URL1"),
        ),
        invalid_crm=_account_naming_a_taken_customer,
    ),
    "contact_contact": ChaosObject(
        mapping="contact_contact",
        crm=SideOps("Contact", _contact, _edit_contact, "LastName", "Person ", ("Email", "Phone")),
        erp=SideOps(
            "CONTACT",
            _intacct_contact,
            _edit_intacct_contact,
            "LASTNAME",
            "Contact ",
            ("EMAIL1", "PHONE1"),
        ),
    ),
    "product_item": ChaosObject(
        mapping="product_item",
        crm=SideOps("Product2", _product, _edit_product, "Name", "Chaos ", ("Description",)),
        erp=SideOps("ITEM", _item, _edit_item, "NAME", "Chaos ", ("EXTENDED_DESCRIPTION",)),
    ),
    "project_project": ChaosObject(
        mapping="project_project",
        crm=SideOps(
            "Intacct_Project__c",
            _sf_project,
            _edit_sf_project,
            "Name",
            "Chaos Project ",
            ("Description__c",),
        ),
        erp=SideOps(
            "PROJECT",
            _intacct_project,
            _edit_intacct_project,
            "NAME",
            "Chaos Project ",
            ("DESCRIPTION",),
        ),
    ),
    "task_task": ChaosObject(
        mapping="task_task",
        crm=SideOps(
            "Intacct_Project_Task__c",
            _sf_task,
            _edit_sf_task,
            "Name",
            "Chaos Task ",
            ("Description__c",),
        ),
        erp=SideOps(
            "TASK", _intacct_task, _edit_intacct_task, "NAME", "Chaos Task ", ("DESCRIPTION",)
        ),
    ),
}
