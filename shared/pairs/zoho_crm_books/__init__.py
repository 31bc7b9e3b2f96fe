"""Zoho CRM <-> Zoho Books, as Zoho Finance Suite pairs them: CRM accounts and Books customers,
vendors both ways, CRM products and Books items; set-up checks that both use one currency.
The package's public face is ``PAIR``."""

from __future__ import annotations

from shared.pairs.plugin import PairPlugin
from shared.pairs.zoho_crm_books.connection import ZohoCrmBooksConnection
from shared.pairs.zoho_crm_books.mappings import MAPPINGS
from shared.pairs.zoho_crm_books.setup import same_currency

PAIR = PairPlugin(
    name="zoho_crm_books",
    crm="zoho_crm",
    erp="zoho_books",
    connection_model=ZohoCrmBooksConnection,
    mappings=MAPPINGS,
    setup_hooks=(same_currency,),
)

__all__ = ["PAIR"]
