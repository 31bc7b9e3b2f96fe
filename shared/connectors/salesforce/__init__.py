"""Salesforce: OAuth 2.0 (client credentials or JWT bearer), REST sObjects, SOQL, outbound
messages. The package's public face is its plug-in, ``PLUGIN``."""

from __future__ import annotations

from typing import Any

import httpx

from shared.connectors.base import Connector, RetrySettings
from shared.connectors.plugin import SystemPlugin
from shared.connectors.salesforce.settings import SalesforceSecrets, SalesforceSettings
from shared.connectors.salesforce.webhook import OutboundMessageWebhook
from shared.mapping.fields import Side


def _connector(http: httpx.Client, settings: Any, secrets: Any, retry: RetrySettings) -> Connector:
    from shared.connectors.salesforce.client import SalesforceClient
    from shared.connectors.salesforce.connector import SalesforceConnector

    return SalesforceConnector(SalesforceClient(http, settings, secrets, retry))


PLUGIN = SystemPlugin(
    name="salesforce",
    role=Side.CRM,
    settings_model=SalesforceSettings,
    secrets_model=SalesforceSecrets,
    connector_factory=_connector,
    webhook=OutboundMessageWebhook(),
)

__all__ = ["PLUGIN"]
