"""The Zoho CRM Notification API channel of a connection: opened at set-up, kept open.

Each connection has one channel (``crm.channel_id``) watching every CRM module it syncs
(``Accounts.all`` …), calling back ``crm.notify_url`` (the connection's webhook door) with the
connection's webhook token, which the door checks (shared/connectors/zoho_crm/webhook.py). A
channel lapses at its ``channel_expiry``, at most a day ahead (Zoho CRM "Enable
Notifications"): the job renews it while more than ``RENEW_MARGIN`` is left, and opens it
again if it has lapsed. Callbacks are hints to re-read; the poll remains the safety net.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from shared.connectors.zoho_crm.connector import ZohoCrmConnector
from shared.connectors.zoho_crm.settings import ZohoCrmSettings
from shared.errors import ConfigurationError
from shared.mapping.fields import Side
from shared.pairs.catalog import MappingCatalog
from shared.pairs.plugin import PairContext
from shared.pairs.zoho_crm_books.deal_triggers import watched_modules

LIFETIME = timedelta(hours=23)  # under Zoho's one-day maximum, whatever the clocks say
RENEW_MARGIN = timedelta(hours=6)  # renew once less than this is left
MAX_TOKEN = 50  # Zoho's limit on a channel's token


def _parts(ctx: PairContext) -> tuple[ZohoCrmConnector, ZohoCrmSettings, list[str], str]:
    crm, settings = ctx.crm, ctx.connection.crm
    if not isinstance(crm, ZohoCrmConnector) or not isinstance(settings, ZohoCrmSettings):
        raise ConfigurationError("the CRM side of this connection is not Zoho CRM")
    catalog = MappingCatalog.for_connection(ctx.connection)
    modules = [m.object_on(Side.CRM) for m in catalog.mappings]
    events = sorted({f"{m}.all" for m in (*modules, *watched_modules(ctx.connection))})
    tokens = ctx.door_tokens()
    if not tokens:
        raise ConfigurationError("the connection has no webhook token for the channel")
    if len(tokens[0]) > MAX_TOKEN:
        raise ConfigurationError(
            f"secret.webhook_token: Zoho CRM takes a channel token of at most {MAX_TOKEN} "
            "characters"
        )
    return crm, settings, events, tokens[0]


def subscribe(ctx: PairContext) -> str:
    """Set-up: open the connection's channel (or say that the CRM is only polled)."""
    crm, settings, events, token = _parts(ctx)
    if settings.notify_url is None:
        return "no crm.notify_url: Zoho CRM changes are read by polling only"
    expiry = datetime.now(UTC) + LIFETIME
    crm.watch(settings.channel_id, events, str(settings.notify_url), token, expiry)
    return f"notification channel {settings.channel_id} open for {', '.join(events)}"


def renew_channel(ctx: PairContext) -> Mapping[str, Any] | None:
    """The job: renew the channel before it lapses; open it again if it has."""
    crm, settings, events, token = _parts(ctx)
    if settings.notify_url is None:
        return None
    now = datetime.now(UTC)
    rows = [r for r in crm.channels() if str(r.get("channel_id")) == settings.channel_id]
    watched = {str(r.get("resource_name")) for r in rows}
    expiries = [_time(r.get("channel_expiry")) for r in rows]
    soonest = min((e for e in expiries if e is not None), default=None)
    wanted = {e.rsplit(".", 1)[0] for e in events}
    if rows and watched >= wanted and soonest is not None and soonest - now > RENEW_MARGIN:
        return {"channel": settings.channel_id, "action": "kept"}
    crm.watch(
        settings.channel_id,
        events,
        str(settings.notify_url),
        token,
        now + LIFETIME,
        renew=bool(rows),
    )
    return {"channel": settings.channel_id, "action": "renewed" if rows else "reopened"}


def _time(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None
