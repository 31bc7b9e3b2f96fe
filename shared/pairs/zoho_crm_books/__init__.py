"""Zoho CRM <-> Zoho Books, as Zoho Finance Suite pairs them: CRM accounts and Books customers,
vendors both ways, CRM products and Books items; set-up checks that both use one currency and
opens the CRM's notification channel. The package's public face is ``PAIR``.

Its scheduled job runs on the ``mirror_to_crm`` schedule (the one schedule pairs' jobs have
today): the CRM-side upkeep, which for now is renewing the notification channel."""

from __future__ import annotations

from shared.pairs.plugin import PairPlugin
from shared.pairs.zoho_crm_books import tailors
from shared.pairs.zoho_crm_books.connection import ZohoCrmBooksConnection
from shared.pairs.zoho_crm_books.contacts import COMPUTES
from shared.pairs.zoho_crm_books.mappings import MAPPINGS
from shared.pairs.zoho_crm_books.notifications import renew_channel, subscribe
from shared.pairs.zoho_crm_books.setup import same_currency

PAIR = PairPlugin(
    name="zoho_crm_books",
    crm="zoho_crm",
    erp="zoho_books",
    connection_model=ZohoCrmBooksConnection,
    mappings=MAPPINGS,
    jobs={"mirror_to_crm": renew_channel},
    setup_hooks=(same_currency, subscribe),
    computes=COMPUTES,
    tailors=(tailors.customer_module, tailors.list_view),
)

__all__ = ["PAIR"]
