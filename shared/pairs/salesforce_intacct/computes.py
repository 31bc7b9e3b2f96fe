"""Values the Salesforce <-> Intacct mappings compute from several fields: Intacct keys
chosen for Salesforce records, and names Intacct requires."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from shared.mapping.computes import Compute, register_computes
from shared.mapping.transforms import text

_INTACCT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-. ]{0,19}$")


def customer_id(fields: Mapping[str, Any]) -> str:
    """The Intacct CUSTOMERID for a Salesforce account: its AccountNumber when that is a
    valid Intacct id, else the account's 18-character Salesforce Id (stable, unique)."""
    number = text(fields.get("AccountNumber"))
    if number and _INTACCT_ID.match(number):
        return str(number)
    return str(fields["Id"])


def _full_name(fields: Mapping[str, Any], first: str, last: str) -> str | None:
    parts = [text(fields.get(first)), text(fields.get(last))]
    return " ".join(p for p in parts if p) or None


def contact_name(fields: Mapping[str, Any]) -> str:
    """Intacct CONTACTNAME is unique per company: the person's name plus the Salesforce id."""
    name = _full_name(fields, "FirstName", "LastName") or "Contact"
    return f"{name} ({str(fields['Id'])[:15]})"[:200]


def _last_name_or_print_as(fields: Mapping[str, Any]) -> str | None:
    return text(fields.get("LASTNAME")) or text(fields.get("PRINTAS"))


COMPUTES: dict[str, Compute] = {
    "customer_id": Compute(("AccountNumber", "Id"), customer_id),
    "contact_name": Compute(("FirstName", "LastName", "Id"), contact_name),
    "contact_print_as": Compute(
        ("FirstName", "LastName"), lambda f: _full_name(f, "FirstName", "LastName")
    ),
    "last_name_or_print_as": Compute(("LASTNAME", "PRINTAS"), _last_name_or_print_as),
}

register_computes(COMPUTES)  # the mappings below name them: known as soon as they are
