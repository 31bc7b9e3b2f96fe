"""What every workflow of the Salesforce <-> Intacct pair works with, taken from its context
once: the pair's connection, the two connectors as this pair's types, the links, the audit
trail, the metrics and the engine."""

from __future__ import annotations

from shared.connectors.intacct.connector import IntacctConnector
from shared.connectors.salesforce.connector import SalesforceConnector
from shared.pairs.plugin import PairContext
from shared.pairs.salesforce_intacct.connection import SalesforceIntacctConnection


class PairWork:
    def __init__(self, ctx: PairContext) -> None:
        assert isinstance(ctx.connection, SalesforceIntacctConnection)
        assert isinstance(ctx.crm, SalesforceConnector)
        assert isinstance(ctx.erp, IntacctConnector)
        self._ctx = ctx
        self._connection = ctx.connection
        self._sf = ctx.crm
        self._intacct = ctx.erp
        self._links = ctx.links
        self._audit = ctx.audit
        self._metrics = ctx.metrics
        self._engine = ctx.engine
        self._correlation_id = ""
