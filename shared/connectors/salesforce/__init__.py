"""Salesforce: OAuth 2.0 (client credentials or JWT bearer), REST sObjects, SOQL, outbound
messages."""

from shared.connectors.salesforce.connector import SalesforceConnector

__all__ = ["SalesforceConnector"]
