"""Set-up checks of a Zoho CRM <-> Zoho Books connection.

Zoho Finance Suite refuses to integrate a CRM whose home currency differs from the Books
organisation's base currency (Zoho CRM Help, "Setting up the Zoho Finance Suite
integration", on multi-currency: "if the home currency of your Zoho CRM account is USD and
the base currency in Zoho Books is INR, the integration cannot be enabled"): so does this.
"""

from __future__ import annotations

from shared.connectors.zoho_books.connector import ZohoBooksConnector
from shared.connectors.zoho_crm.connector import ZohoCrmConnector
from shared.errors import ConfigurationError
from shared.pairs.plugin import PairContext


def same_currency(ctx: PairContext) -> str:
    crm, books = ctx.crm, ctx.erp
    if not isinstance(crm, ZohoCrmConnector) or not isinstance(books, ZohoBooksConnector):
        raise ConfigurationError("zoho_crm_books needs a Zoho CRM and a Zoho Books side")
    home = str(crm.org().get("iso_code") or "")
    base = str(books.organization().get("currency_code") or "")
    if not home or home != base:
        raise ConfigurationError(
            f"the Zoho CRM home currency ({home or 'unknown'}) differs from the Zoho Books "
            f"base currency ({base or 'unknown'}): Zoho cannot convert between them; change "
            "the Books base currency to the CRM's before connecting"
        )
    return f"currencies agree ({home})"
