"""Zoho CRM <-> Zoho Books, as Zoho Finance Suite pairs them: CRM accounts and Books customers,
vendors both ways, CRM products and Books items; set-up checks that both use one currency and
opens the CRM's notification channel. The package's public face is ``PAIR``.

Its scheduled job runs on the ``mirror_to_crm`` schedule (the one schedule pairs' jobs have
today): the CRM-side upkeep, renewing the notification channel, then mirroring Books' finance
documents into the CRM's finance modules (:mod:`.finance_mirror`). Its set-up hook
:func:`.setup.finance_setup` checks currencies, turns the CRM's multi-currency on (or back
off) and removes the finance data of what the connection switched off."""

from __future__ import annotations

from shared.pairs.plugin import PairPlugin, Workflow
from shared.pairs.zoho_crm_books import tailors
from shared.pairs.zoho_crm_books.connection import ZohoCrmBooksConnection
from shared.pairs.zoho_crm_books.contacts import COMPUTES
from shared.pairs.zoho_crm_books.deal_actions import ACTIONS as DEAL_ACTIONS
from shared.pairs.zoho_crm_books.deal_documents import WORKFLOW as DEAL_DOCUMENTS
from shared.pairs.zoho_crm_books.deal_documents import run_deal_document
from shared.pairs.zoho_crm_books.deal_triggers import DEAL_TRIGGER, poll_deals
from shared.pairs.zoho_crm_books.jobs import crm_upkeep
from shared.pairs.zoho_crm_books.mappings import MAPPINGS
from shared.pairs.zoho_crm_books.notifications import subscribe
from shared.pairs.zoho_crm_books.setup import finance_setup

PAIR = PairPlugin(
    name="zoho_crm_books",
    crm="zoho_crm",
    erp="zoho_books",
    connection_model=ZohoCrmBooksConnection,
    mappings=MAPPINGS,
    jobs={"mirror_to_crm": crm_upkeep, "trigger_workflows": poll_deals},
    workflows={DEAL_DOCUMENTS: Workflow(DEAL_DOCUMENTS, run_deal_document)},
    actions=(*DEAL_ACTIONS,),
    triggers=(DEAL_TRIGGER,),
    setup_hooks=(finance_setup, subscribe),
    computes=COMPUTES,
    tailors=(tailors.customer_module, tailors.list_view, tailors.conflicts),
)

__all__ = ["PAIR"]
