"""Sage Intacct: the XML gateway (sessions from getAPISession, generic functions, query).
The package's public face is its plug-in, ``PLUGIN``. Intacct has no callback API that
ledgerlink subscribes to, so its changes are read by polling."""

from __future__ import annotations

from typing import Any

import httpx

from shared.connectors.base import Connector, RetrySettings
from shared.connectors.intacct.settings import IntacctSecrets, IntacctSettings
from shared.connectors.plugin import SystemPlugin
from shared.mapping.fields import Side


def _connector(http: httpx.Client, settings: Any, secrets: Any, retry: RetrySettings) -> Connector:
    from shared.connectors.intacct.client import IntacctClient
    from shared.connectors.intacct.connector import IntacctConnector

    return IntacctConnector(IntacctClient(http, settings, secrets, retry))


PLUGIN = SystemPlugin(
    name="intacct",
    role=Side.ERP,
    settings_model=IntacctSettings,
    secrets_model=IntacctSecrets,
    connector_factory=_connector,
)

__all__ = ["PLUGIN"]
