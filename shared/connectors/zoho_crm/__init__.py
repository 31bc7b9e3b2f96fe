"""Zoho CRM: OAuth 2.0 refresh tokens at the accounts server, the REST API v8 (records in
batches of 100, COQL), and the Notification API's callbacks. The package's public face is its
plug-in, ``PLUGIN``."""

from __future__ import annotations

from typing import Any

import httpx

from shared.connectors.base import Connector, RetrySettings
from shared.connectors.plugin import SystemPlugin
from shared.connectors.zoho_crm.settings import ZohoCrmSecrets, ZohoCrmSettings
from shared.connectors.zoho_crm.webhook import NotificationWebhook
from shared.mapping.fields import Side


def _connector(http: httpx.Client, settings: Any, secrets: Any, retry: RetrySettings) -> Connector:
    from shared.connectors.zoho_crm.client import ZohoCrmClient
    from shared.connectors.zoho_crm.connector import ZohoCrmConnector

    return ZohoCrmConnector(ZohoCrmClient(http, settings, secrets, retry))


PLUGIN = SystemPlugin(
    name="zoho_crm",
    role=Side.CRM,
    settings_model=ZohoCrmSettings,
    secrets_model=ZohoCrmSecrets,
    connector_factory=_connector,
    webhook=NotificationWebhook(),
)

__all__ = ["PLUGIN"]
