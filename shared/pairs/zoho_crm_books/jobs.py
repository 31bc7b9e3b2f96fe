"""The pair's scheduled job (``mirror_to_crm``): the CRM-side upkeep of a connection."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shared.pairs.plugin import PairContext
from shared.pairs.zoho_crm_books.finance_mirror import mirror_finance
from shared.pairs.zoho_crm_books.notifications import renew_channel


def crm_upkeep(ctx: PairContext) -> Mapping[str, Any] | None:
    """Renew the notification channel, then mirror Books' finance documents."""
    channel = renew_channel(ctx)
    finance = mirror_finance(ctx)
    return {**(channel or {}), "finance": finance}
