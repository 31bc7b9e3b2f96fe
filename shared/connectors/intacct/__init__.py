"""Sage Intacct: the XML gateway (sessions from getAPISession, generic functions, query)."""

from shared.connectors.intacct.connector import IntacctConnector

__all__ = ["IntacctConnector"]
