"""A Zoho CRM <-> Zoho Books connection's options applied to the default mappings (see
:mod:`shared.pairs.zoho_crm_books.options`)."""

from __future__ import annotations

from shared.connectors.zoho_crm.views import path_of
from shared.mapping.fields import ObjectMapping
from shared.models.connection import Connection
from shared.pairs.zoho_crm_books.connection import ZohoCrmBooksConnection
from shared.pairs.zoho_crm_books.options import LEFT_OUT


def customer_module(connection: Connection, mapping: ObjectMapping) -> ObjectMapping | None:
    """Accounts or Contacts as the customer module: the mappings of the other choice are off."""
    if not isinstance(connection, ZohoCrmBooksConnection):
        return mapping
    return None if mapping.name in LEFT_OUT[connection.customer_module] else mapping


def list_view(connection: Connection, mapping: ObjectMapping) -> ObjectMapping | None:
    """The mapping syncs only the CRM records in its list view (with its own filter)."""
    if not isinstance(connection, ZohoCrmBooksConnection):
        return mapping
    view = connection.list_views.get(mapping.name)
    if view is None:
        return mapping
    return mapping.model_copy(update={"crm_filter": {**mapping.crm_filter, path_of(view): "true"}})


def conflicts(connection: Connection, mapping: ObjectMapping) -> ObjectMapping | None:
    """What a record changed on both sides does, per module (``on_conflict``, default
    overwrite): the same choice the module makes for a duplicate at its first sync."""
    if not isinstance(connection, ZohoCrmBooksConnection):
        return mapping
    choice = connection.on_conflict.get(mapping.name, "overwrite")
    return mapping.model_copy(update={"on_conflict": choice})
