"""What a create does when Books already holds the record's duplicate: clone, overwrite, skip.

Zoho Finance Suite asks, per module, what to do "if duplicates are present in Zoho Books
during the sync" (Zoho CRM Help, "Setting up the Zoho Finance Suite integration"):

- ``overwrite`` (the default): the existing Books record is the CRM record's counterpart; it
  gets the CRM values (and, for contacts and items, the CRM id in ``cf_zoho_crm_id``), and the
  create answers its id, so the two are linked.
- ``clone``: a new Books record is made from the CRM record; the existing one is left as it
  is. Books allows customers and vendors with the same display name (on by default: Zoho Books
  "Is it possible to have duplicates of customers or vendors with the same display name?");
  item names are unique, so Books itself refuses an item's clone, and the record is rejected
  with Books' reason.
- ``skip``: nothing is written; the record is listed as ``skipped`` in the audit trail with
  the reason, naming the Books record it met (a ``DuplicateSkippedError``, which the engine
  turns into that outcome; nothing is dead-lettered).

A duplicate is a Books record of the same name (a contact's ``contact_name`` and type, an
item's ``name``; a contact person's email or names within its contact) that no other CRM
record owns: one whose ``cf_zoho_crm_id`` names the same CRM record is this record's own
earlier create (its answer lost), updated in place whatever the choice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from shared.errors import RecordSkippedError

Choice = Literal["clone", "overwrite", "skip"]
DEFAULT: Choice = "overwrite"


class DuplicateSkippedError(RecordSkippedError):
    """A create met a duplicate in Books and the connection says skip."""


@dataclass(frozen=True)
class Duplicate:
    object: str  # the Books object (customers, vendors, items, contact_persons)
    existing: str  # the key of the Books record it met
    matched_on: str  # the field(s) that make it a duplicate (never their values)


@dataclass(frozen=True)
class OnDuplicate:
    """The connection's choice per Books object; objects it does not name overwrite."""

    choices: Mapping[str, Choice] = field(default_factory=dict)

    def choice(self, obj: str) -> Choice:
        return self.choices.get(obj, DEFAULT)

    def decide(self, duplicate: Duplicate) -> Literal["clone", "overwrite"]:
        """``overwrite`` or ``clone``; ``skip`` raises, naming the record met."""
        choice = self.choice(duplicate.object)
        if choice == "skip":
            raise DuplicateSkippedError(
                f"zoho_books already has {duplicate.object} {duplicate.existing} "
                f"with the same {duplicate.matched_on}: skipped, as on_conflict says"
            )
        return choice
