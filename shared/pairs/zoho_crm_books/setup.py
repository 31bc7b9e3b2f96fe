"""Set-up of a Zoho CRM <-> Zoho Books connection: currencies, and the finance data a change
of the connection adds or removes.

Zoho CRM Help, "Setting up the Zoho Finance Suite integration", on multi-currency:

- the integration cannot be enabled when the CRM's home currency differs from the Books
  organisation's base currency ("if the home currency of your Zoho CRM account is USD and the
  base currency in Zoho Books is INR, the integration cannot be enabled"): so does this;
- where Books uses several currencies and the CRM's multi-currency is off (a Professional
  edition), enabling the integration turns it on, and deactivating the integration turns it
  off again: here, only where the link turned it on (remembered in the connection's state,
  :mod:`finance_state`). Turning it on also adds Books' other currencies to the CRM with their
  latest Books rate stated the CRM's way (1 home = N foreign, :mod:`currencies`);
- deactivating the integration (the connection ``enabled: false``) removes its finance data
  from the CRM; deselecting one finance module (``modules.<name>: false``) removes only that
  module's data (:func:`finance_mirror.purge`).

Set-up (:func:`shared.setup.set_up_connection`) is where a connection's changes are applied,
so this hook runs on every change of the connection: first set-up, a module switched, the
connection disabled or enabled again.
"""

from __future__ import annotations

from shared.connectors.zoho_books import finance as books_finance
from shared.connectors.zoho_crm.org_currencies import OrgCurrencies
from shared.errors import ConfigurationError
from shared.pairs.plugin import PairContext
from shared.pairs.zoho_crm_books.currencies import crm_rate_from_books
from shared.pairs.zoho_crm_books.finance_mirror import money, purge, sides, switches_of
from shared.pairs.zoho_crm_books.finance_modules import FINANCE
from shared.pairs.zoho_crm_books.finance_state import load_state, save_state


def same_currency(ctx: PairContext) -> str:
    """Refuse a CRM home currency other than the Books base currency."""
    crm, books = sides(ctx)
    home = str(crm.org().get("iso_code") or "")
    base = str(books.organization().get("currency_code") or "")
    if not home or home != base:
        raise ConfigurationError(
            f"the Zoho CRM home currency ({home or 'unknown'}) differs from the Zoho Books "
            f"base currency ({base or 'unknown'}): Zoho cannot convert between them; change "
            "the Books base currency to the CRM's before connecting"
        )
    return f"currencies agree ({home})"


def finance_setup(ctx: PairContext) -> str:
    """The set-up hook: currencies checked, multi-currency on (or back off), the finance data
    of what is switched off removed."""
    if not ctx.connection.enabled:
        return remove_finance(ctx)
    agreed = same_currency(ctx)
    crm, books = sides(ctx)
    state = load_state(ctx)
    notes = [agreed]
    rows = books_finance.currencies(books.client)
    foreign = {
        str(c["currency_code"]): money(c.get("exchange_rate"))
        for c in rows
        if not c.get("is_base_currency") and c.get("currency_code")
    }
    org = OrgCurrencies(crm.client)
    if foreign and not org.multi_currency():
        home = str(crm.org().get("iso_code") or "")
        org.enable(home)
        org.add({code: crm_rate_from_books(rate) for code, rate in foreign.items() if rate > 0})
        state = state.model_copy(update={"multi_currency_by_link": True})
        notes.append(f"multi-currency turned on in the CRM for {', '.join(sorted(foreign))}")
    on = switches_of(ctx).on()
    gone = [s for s in state.mirrored if s not in on]
    if gone:
        removed = purge(ctx, gone, keep=on)
        notes.append(f"{', '.join(gone)} switched off: {removed} CRM records removed")
        state = state.model_copy(update={"mirrored": tuple(s for s in state.mirrored if s in on)})
    save_state(ctx, state)
    notes.append(f"finance modules on: {', '.join(on) or 'none'}")
    return "; ".join(notes)


def remove_finance(ctx: PairContext) -> str:
    """The link switched off (or removed): every finance record it put in the CRM goes, and
    multi-currency goes back off where the link turned it on."""
    crm, _ = sides(ctx)
    state = load_state(ctx)
    removed = purge(ctx, tuple(FINANCE))
    note = f"finance data removed from the CRM ({removed} records)"
    if state.multi_currency_by_link:
        org = OrgCurrencies(crm.client)
        if org.multi_currency():
            org.disable()
        note += "; multi-currency turned back off (the link had turned it on)"
    save_state(ctx, state.model_copy(update={"mirrored": (), "multi_currency_by_link": False}))
    return note


__all__ = ["finance_setup", "remove_finance", "same_currency"]
