"""The per-module options of a Zoho CRM <-> Zoho Books connection, as Zoho Finance Suite's
sync settings name them (Zoho CRM Help, "Setting up the Zoho Finance Suite integration"):

- ``customer_module``: which CRM module syncs with Books customers, ``Accounts`` (the
  default; their Contacts then sync with the customers' contact persons) or ``Contacts``
  (then Accounts and contact persons do not sync).
- ``list_views``: per mapping, the criteria of a CRM list view
  (:class:`shared.connectors.zoho_crm.views.Criteria`: conditions joined by AND / OR) that
  decide which CRM records sync. Checked at every change: a record that enters the view
  starts syncing (its first change in the view creates or links its Books record); one that
  leaves it stops sending its changes to Books. Nothing is deleted: its link stays and Books'
  changes to the linked record still reach the CRM. What changed in the CRM while it was out
  of the view is sent when it comes back (nothing of it was noted as seen).
- ``on_conflict``: per mapping, what a CRM record does when Books already has its duplicate
  at its first sync: ``overwrite`` (the default), ``clone`` or ``skip``
  (:mod:`shared.connectors.zoho_books.duplicates`). It fills the Books side's
  ``on_duplicate``, per Books object; and, as the mapping's ``on_conflict``
  (:func:`.tailors.conflicts`), what a linked record changed on both sides does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, get_args

from shared.connectors.zoho_books.settings import ZohoBooksSettings
from shared.models.systems import SystemSettings
from shared.pairs.zoho_crm_books.contacts import CONTACT_CUSTOMER, CONTACT_PERSON

CustomerModule = Literal["Accounts", "Contacts"]
OnConflict = Literal["clone", "overwrite", "skip"]
# The mappings each choice of customer module leaves out
LEFT_OUT: dict[str, frozenset[str]] = {
    "Accounts": frozenset({CONTACT_CUSTOMER.name}),
    "Contacts": frozenset({"account_customer", CONTACT_PERSON.name}),
}


def with_options(data: Any, defaults: Mapping[str, Any], erp_objects: Mapping[str, str]) -> Any:
    """A connection's raw data with its options applied to what they decide: the polled
    objects of a Contacts customer module (Contacts polled where Accounts were, no contact
    persons) and the Books side's
    ``on_duplicate``. ``defaults``: the model's field defaults; ``erp_objects``: the Books
    object of each mapping."""
    if not isinstance(data, dict):
        return data
    data = dict(data)
    if data.get("customer_module") == "Contacts":  # Contacts in the place of Accounts
        crm = data.get("crm_polled_objects", defaults["crm_polled_objects"])
        crm = ["Contacts" if o == "Accounts" else o for o in crm]
        data["crm_polled_objects"] = tuple(dict.fromkeys(crm))
        erp = data.get("erp_polled_objects", defaults["erp_polled_objects"])
        data["erp_polled_objects"] = tuple(o for o in erp if o != "contact_persons")
    views = data.get("list_views") or {}
    unknown_views = sorted(set(views) - set(erp_objects)) if isinstance(views, dict) else []
    if unknown_views:
        raise ValueError(f"list_views: unknown mapping(s) {', '.join(unknown_views)}")
    choices = data.get("on_conflict") or {}
    if isinstance(choices, dict) and choices:
        unknown = sorted(set(choices) - set(erp_objects))
        if unknown:
            raise ValueError(f"on_conflict: unknown mapping(s) {', '.join(unknown)}")
        for name, choice in choices.items():
            if choice not in get_args(OnConflict):
                raise ValueError(f"on_conflict.{name}: one of clone, overwrite, skip")
        erp = data.get("erp")
        raw = erp.model_dump() if isinstance(erp, SystemSettings) else dict(erp or {})
        if raw.get("system") == ZohoBooksSettings.model_fields["system"].default:
            on_duplicate = dict(raw.get("on_duplicate") or {})
            on_duplicate.update({erp_objects[m]: c for m, c in choices.items()})
            data["erp"] = {**raw, "on_duplicate": on_duplicate}
    return data
