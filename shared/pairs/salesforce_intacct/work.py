"""What every workflow of the Salesforce <-> Intacct pair works with, taken from its context
once: the pair's connection, the two connectors as this pair's types, the links, the audit
trail, the metrics and the engine; and the account's Intacct customer each of them needs."""

from __future__ import annotations

from shared.connectors.intacct.connector import IntacctConnector
from shared.connectors.salesforce.connector import SalesforceConnector
from shared.errors import RetryableError
from shared.models.events import ChangeEvent, RecordRef
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

    def _customer(self, account_id: str) -> str:
        """The account's Intacct customer, synced first (through the engine) if it never was."""
        ref = RecordRef(system=self._sf.system, object="Account", record_id=account_id)
        connection_id = self._connection.connection_id
        link = self._links.get(connection_id, ref)
        if link is None:
            self._engine.apply(
                ChangeEvent(
                    connection_id=connection_id,
                    ref=ref,
                    source="action",
                    correlation_id=self._correlation_id,
                )
            )
            link = self._links.get(connection_id, ref)
        if link is None or link.erp is None or link.status != "linked":
            raise RetryableError(f"account {account_id} is not linked yet")
        return link.erp.ref.record_id
