"""Zoho Books: OAuth 2.0 refresh tokens at the accounts server, the API v3 with the
organisation on every call (contacts as customers and vendors, items). The package's public
face is its plug-in, ``PLUGIN``. Books has no webhook subscription API (its webhooks are
workflow rules set up in its UI), so its changes are read by polling ``last_modified_time``."""

from __future__ import annotations

from typing import Any

import httpx

from shared.connectors.base import Connector, RetrySettings
from shared.connectors.plugin import SystemPlugin
from shared.connectors.zoho_books.settings import ZohoBooksSecrets, ZohoBooksSettings
from shared.mapping.fields import Side


def _connector(http: httpx.Client, settings: Any, secrets: Any, retry: RetrySettings) -> Connector:
    from shared.connectors.zoho_books.client import ZohoBooksClient
    from shared.connectors.zoho_books.connector import ZohoBooksConnector

    return ZohoBooksConnector(ZohoBooksClient(http, settings, secrets, retry))


PLUGIN = SystemPlugin(
    name="zoho_books",
    role=Side.ERP,
    settings_model=ZohoBooksSettings,
    secrets_model=ZohoBooksSecrets,
    connector_factory=_connector,
)

__all__ = ["PLUGIN"]
