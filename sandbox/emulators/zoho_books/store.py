"""The Zoho Books emulator's organisations and their contacts, contact persons and items.

Shapes per Zoho Books API v3 "Contacts", "Contact Persons", "Items" and "Organizations":
ids are numeric strings; ``created_time`` / ``last_modified_time`` are ISO 8601 to the second
with a ``+hhmm`` offset (``2013-08-05T12:06:10+0530``; the emulator's organisations are on
UTC, ``+0000``); money (``rate``) is a number. Custom fields come as ``custom_fields``
``[{"customfield_id", "api_name", "label", "value"}]`` and in ``custom_field_hash``; every
organisation has two unique text custom fields, ``cf_zoho_crm_id`` on contacts and items, the
field an integration updates or upserts by (``X-Unique-Identifier-Key``).

Errors are ``{"code": <non-zero>, "message"}``. The numbers Zoho documents by example (1002
"… does not exist.") are used as documented; the others are the emulator's choice, marked
UNVERIFIED: 4 "Invalid value passed for <field>", 3062 "The contact name already exists" (only
with the organisation's "allow duplicate display names" preference off; it is on by default),
1001 "An item with this name already exists".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sandbox.emulators.zoho_accounts import Clock, Ids

Row = dict[str, Any]
CUSTOM_FIELD = "cf_zoho_crm_id"
CONTACT_FIELDS = frozenset(
    {
        "contact_name", "company_name", "contact_type", "customer_sub_type", "website",
        "email", "phone", "mobile", "currency_code", "payment_terms", "notes", "status",
        "billing_address", "shipping_address", "contact_persons", "custom_fields",
        "first_name", "last_name", "language_code",
    }
)  # fmt: skip
ADDRESS_FIELDS = frozenset(
    {"attention", "address", "street2", "city", "state", "zip", "country", "phone", "fax"}
)
PERSON_FIELDS = frozenset(
    {
        "salutation", "first_name", "last_name", "email", "phone", "mobile", "designation",
        "department", "is_primary_contact", "skype", "enable_portal",
    }
)  # fmt: skip
ITEM_FIELDS = frozenset(
    {
        "name", "rate", "description", "sku", "product_type", "unit", "status",
        "custom_fields", "item_type", "tax_id", "purchase_rate", "purchase_description",
    }
)  # fmt: skip


def format_time(moment: datetime) -> str:
    """``2026-03-02T09:30:00+0000``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S%z")


def parse_time(text: str) -> datetime | None:
    for form in ("%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"):
        try:
            moment = datetime.strptime(text.strip(), form)
        except ValueError:
            continue
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return None


class BooksError(Exception):
    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def invalid(name: str) -> BooksError:
    return BooksError(400, 4, f"Invalid value passed for {name}")


def decimal_of(name: str, value: Any) -> Decimal:
    """A finite number sent as a JSON number or string; else Books' invalid-value error."""
    if isinstance(value, bool) or value is None:
        raise invalid(name)
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise invalid(name) from None
    if not number.is_finite():
        raise invalid(name)
    return number


def date_of(name: str, value: Any) -> str:
    """A ``yyyy-mm-dd`` date; else Books' invalid-value error."""
    if not isinstance(value, str):
        raise invalid(name)
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise invalid(name) from None


def missing(thing: str) -> BooksError:
    return BooksError(404, 1002, f"{thing} does not exist.")


@dataclass
class Organization:
    organization_id: str
    name: str
    currency_code: str
    clock: Clock
    ids: Ids
    contacts: dict[str, Row] = field(default_factory=dict)
    items: dict[str, Row] = field(default_factory=dict)
    listeners: list[Callable[[str, str], None]] = field(default_factory=list)
    # Preferences > Customers and Vendors > "Allow duplicates for customer and vendor display
    # name": on by default (Zoho Books KB "Is it possible to have duplicates of customers or
    # vendors with the same display name?"); off, a taken name answers 3062.
    allow_duplicate_contact_names: bool = True

    def summary(self, default: bool) -> Row:
        return {
            "organization_id": self.organization_id,
            "name": self.name,
            "contact_name": "Ledgerlink Integration",
            "email": "api@example.com",
            "is_default_org": default,
            "language_code": "en",
            "fiscal_year_start_month": 0,
            "account_created_date": "2026-01-01",
            "time_zone": "Etc/UTC",
            "is_org_active": True,
            "currency_id": "460000000000097",
            "currency_code": self.currency_code,
            "currency_symbol": "$" if self.currency_code == "USD" else self.currency_code,
            "currency_format": "###,##0.00",
            "price_precision": 2,
        }

    def clear(self) -> None:
        self.contacts.clear()
        self.items.clear()

    # -- contacts ------------------------------------------------------------------------

    def create_contact(self, body: Mapping[str, Any]) -> Row:
        values = self._contact_values(body, creating=True)
        now = self.clock.now()
        contact: Row = {
            "contact_id": self.ids.next(),
            "contact_type": "customer",
            "customer_sub_type": "business",
            "status": "active",
            "currency_code": self.currency_code,
            "contact_persons": [],
            "custom_fields": [],
            "created_time": now,
            "last_modified_time": now,
        }
        persons = values.pop("contact_persons", [])
        contact.update(values)
        for person in persons:
            self._add_person(contact, person)
        self.contacts[contact["contact_id"]] = contact
        self._tell("contacts", contact["contact_id"])
        return contact

    def update_contact(self, contact_id: str, body: Mapping[str, Any]) -> Row:
        contact = self.contacts.get(contact_id)
        if contact is None:
            raise missing("Contact")
        values = self._contact_values(body, creating=False, own=contact_id)
        persons = values.pop("contact_persons", None)
        contact.update(values)
        if persons is not None:
            contact["contact_persons"] = []
            for person in persons:
                self._add_person(contact, person)
        self._touch(contact)
        return contact

    def find_by_custom_field(
        self, rows: Mapping[str, Row], api_name: str, value: str
    ) -> Row | None:
        for row in rows.values():
            for cf in row.get("custom_fields", []):
                if cf["api_name"] == api_name and str(cf["value"]) == value:
                    return row
        return None

    def _contact_values(
        self, body: Mapping[str, Any], *, creating: bool, own: str | None = None
    ) -> Row:
        values: Row = {}
        for name, value in body.items():
            if name not in CONTACT_FIELDS:
                continue  # Books ignores attributes it does not know
            if name in ("billing_address", "shipping_address"):
                if not isinstance(value, Mapping):
                    raise invalid(name)
                values[name] = {k: v for k, v in value.items() if k in ADDRESS_FIELDS}
            elif name == "contact_persons":
                if not isinstance(value, list):
                    raise invalid(name)
                values[name] = value
            elif name == "custom_fields":
                values[name] = self._custom_fields(value, self.contacts, own)
            elif name == "contact_type":
                if value not in ("customer", "vendor"):
                    raise invalid(name)
                values[name] = value
            elif value is not None and not isinstance(value, str | int):
                raise invalid(name)
            else:
                values[name] = value
        display = values.get("contact_name")
        if creating and not display:
            raise invalid("contact_name")
        if "contact_name" in values and not display:
            raise invalid("contact_name")
        if display and not self.allow_duplicate_contact_names:
            for other in self.contacts.values():
                if other["contact_id"] != own and other["contact_name"] == display:
                    raise BooksError(400, 3062, "The contact name already exists")
        return values

    def _add_person(self, contact: Row, body: Any) -> Row:
        if not isinstance(body, Mapping):
            raise invalid("contact_persons")
        values = {k: v for k, v in body.items() if k in PERSON_FIELDS}
        if not values.get("first_name") and not values.get("last_name"):
            raise invalid("first_name")
        person: Row = {
            "contact_person_id": self.ids.next(),
            "contact_id": contact["contact_id"],
            "salutation": "",
            "first_name": "",
            "last_name": "",
            "email": "",
            "phone": "",
            "mobile": "",
            "designation": "",
            "department": "",
            "is_primary_contact": not contact["contact_persons"],
            **values,
        }
        contact["contact_persons"].append(person)
        return person

    # -- contact persons -----------------------------------------------------------------

    def create_person(self, body: Mapping[str, Any]) -> Row:
        contact = self.contacts.get(str(body.get("contact_id") or ""))
        if contact is None:
            raise missing("Contact")
        person = self._add_person(contact, body)
        self._touch(contact)
        return person

    def person(self, person_id: str) -> tuple[Row, Row]:
        for contact in self.contacts.values():
            for person in contact["contact_persons"]:
                if person["contact_person_id"] == person_id:
                    return contact, person
        raise missing("Contact person")

    def update_person(self, person_id: str, body: Mapping[str, Any]) -> Row:
        contact, person = self.person(person_id)
        values = {k: v for k, v in body.items() if k in PERSON_FIELDS}
        if "first_name" in values and not values["first_name"] and not person["last_name"]:
            raise invalid("first_name")
        person.update(values)
        self._touch(contact)
        return person

    def delete_person(self, person_id: str) -> None:
        contact, person = self.person(person_id)
        contact["contact_persons"].remove(person)
        self._touch(contact)

    # -- items ---------------------------------------------------------------------------

    def create_item(self, body: Mapping[str, Any]) -> Row:
        values = self._item_values(body, creating=True)
        now = self.clock.now()
        item: Row = {
            "item_id": self.ids.next(),
            "status": "active",
            "product_type": "goods",
            "item_type": "sales",
            "description": "",
            "sku": "",
            "unit": "",
            "custom_fields": [],
            "created_time": now,
            "last_modified_time": now,
            **values,
        }
        self.items[item["item_id"]] = item
        self._tell("items", item["item_id"])
        return item

    def update_item(self, item_id: str, body: Mapping[str, Any]) -> Row:
        item = self.items.get(item_id)
        if item is None:
            raise missing("Item")
        item.update(self._item_values(body, creating=False, own=item_id))
        self._touch(item, "items", "item_id")
        return item

    def _item_values(
        self, body: Mapping[str, Any], *, creating: bool, own: str | None = None
    ) -> Row:
        values: Row = {}
        for name, value in body.items():
            if name not in ITEM_FIELDS:
                continue
            if name in ("rate", "purchase_rate"):
                if isinstance(value, bool):
                    raise invalid(name)
                try:
                    values[name] = Decimal(str(value))
                except InvalidOperation:
                    raise invalid(name) from None
            elif name == "custom_fields":
                values[name] = self._custom_fields(value, self.items, own)
            elif name == "product_type" and value not in ("goods", "service", "digital_service"):
                raise invalid(name)
            else:
                values[name] = value
        if creating:
            for required in ("name", "rate"):
                if values.get(required) in (None, ""):
                    raise invalid(required)
        item_name = values.get("name")
        if "name" in values and not item_name:
            raise invalid("name")
        if item_name:
            for other in self.items.values():
                if other["item_id"] != own and other["name"] == item_name:
                    raise BooksError(400, 1001, "An item with this name already exists")
        return values

    # -- shared --------------------------------------------------------------------------

    def _custom_fields(self, value: Any, rows: Mapping[str, Row], own: str | None) -> list[Row]:
        if not isinstance(value, list):
            raise invalid("custom_fields")
        out = []
        for entry in value:
            if not isinstance(entry, Mapping) or entry.get("api_name") != CUSTOM_FIELD:
                raise invalid("custom_fields")
            text = entry.get("value")
            if text not in (None, ""):
                taken = self.find_by_custom_field(rows, CUSTOM_FIELD, str(text))
                taken_id = taken and (taken.get("contact_id") or taken.get("item_id"))
                if taken is not None and taken_id != own:
                    raise BooksError(400, 4, f"Invalid value passed for {CUSTOM_FIELD}")
            out.append(
                {
                    "customfield_id": "460000000639001",
                    "api_name": CUSTOM_FIELD,
                    "label": "Zoho CRM ID",
                    "value": text,
                }
            )
        return out

    def _touch(self, row: Row, kind: str = "contacts", id_field: str = "contact_id") -> None:
        row["last_modified_time"] = self.clock.now()
        self._tell(kind, row[id_field])

    def _tell(self, kind: str, row_id: str) -> None:
        for listener in self.listeners:
            listener(kind, row_id)


def render(row: Row, *, full: bool = True) -> Row:
    out: Row = {}
    for name, value in row.items():
        if name == "contact_persons" and not full:
            continue
        if isinstance(value, datetime):
            value = format_time(value)
        elif isinstance(value, list):
            value = [dict(v) if isinstance(v, dict) else v for v in value]
        elif isinstance(value, dict):
            value = dict(value)
        out[name] = value
    if "custom_fields" in row:
        out["custom_field_hash"] = {cf["api_name"]: cf["value"] for cf in row["custom_fields"]}
    return out
