"""Won Salesforce opportunities become Intacct sales transactions ("Create Sales Order"):
one document of the connection's transaction definition, for the account's customer, one
line per opportunity product.

One press, one document, whatever repeats: a press is identified by its request (the
request's ``press`` parameter when the door gives one, else its dedup id: the opportunity
and its version when pressed). The create runs with uniqueid and a controlid derived from
the press, so a repeated queue message or a retry after a lost answer is refused by Intacct
instead of run twice; the document is then found again by its reference number, which
names the opportunity and the press (:func:`transaction_fields.reference`).

With ``one_per_opportunity`` a later press updates the opportunity's open transaction
(Draft or Pending: ``update_sotransaction``, its lines changed in place and new products
added, under a controlid derived from that press, so its repeats run it once) and is
refused with the reason once Intacct has converted or closed it.

Refusals the user can fix (wrong record type, not won, a product without an item, a
customer or item Intacct rejects, a second press on a transaction no longer open) are shown
on the opportunity and end the request; they are not dead-lettered.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from shared.connectors.intacct.connector import Filter
from shared.connectors.salesforce import soql
from shared.connectors.salesforce.connector import format_timestamp
from shared.errors import (
    PermanentError,
    RecordRejectedError,
    RetryableError,
    ValidationFailedError,
)
from shared.messages import Msg, Status, say
from shared.models.events import RecordRef
from shared.models.records import SourceRecord
from shared.models.workflows import WorkflowOutcome, WorkflowRequest
from shared.pairs.plugin import PairContext
from shared.pairs.salesforce_intacct import transaction_fields as tf
from shared.pairs.salesforce_intacct.connection import SalesforceIntacctConnection
from shared.pairs.salesforce_intacct.line_items import intacct_items
from shared.pairs.salesforce_intacct.work import PairWork

WORKFLOW = "transactions"
CRM = "salesforce"
ERP = "intacct"
DOCUMENT = "SODOCUMENT"
PRODUCES = "sales transactions"
# States in which Intacct still lets update_sotransaction change a document (it refuses In
# Progress, Converted and Partially Converted ones; a Closed one is done with).
OPEN_STATES = ("Draft", "Pending")


@dataclass(frozen=True)
class Document:
    recordno: int
    docid: str
    state: str


def run_sales_transaction(ctx: PairContext, request: WorkflowRequest) -> WorkflowOutcome:
    """The ``transactions`` workflow: one "Create Sales Order" press (or Closed Won)."""
    return SalesTransactionWorkflow(ctx).run(request)


def press_of(request: WorkflowRequest) -> str:
    return request.params.get("press") or request.dedup_id


def _outcome(
    status: str, subject: str, docid: str | None = None, detail: str = ""
) -> WorkflowOutcome:
    target = str(RecordRef(system=ERP, object=DOCUMENT, record_id=docid)) if docid else None
    return WorkflowOutcome(
        status=status, subject=subject, target=target, created=1 if docid else 0, detail=detail
    )


class SalesTransactionWorkflow(PairWork):
    def __init__(self, ctx: PairContext) -> None:
        super().__init__(ctx)
        self._settings = self._connection.transactions

    def run(self, request: WorkflowRequest) -> WorkflowOutcome:
        opportunity_id = request.subject.record_id
        self._correlation_id = request.correlation_id
        fields = tf.OPPORTUNITY_FIELDS + (
            ("CurrencyIsoCode",) if self._connection.crm_multi_currency else ()
        )
        found = self._sf.fetch("Opportunity", opportunity_id, fields)
        if found is None:
            raise PermanentError(say(Msg.OPPORTUNITY_NOT_FOUND, opportunity=opportunity_id))
        try:
            docid, updated = self._create(found, press_of(request))
        except ValidationFailedError as exc:
            self._show(found, Status.REFUSED, exc.reason)
            return _outcome(Status.REFUSED, found.key, detail=exc.reason)
        except RecordRejectedError as exc:  # Intacct refused the data: the user can fix it
            reason = say(Msg.ERP_REFUSED, document=self._settings.document_type, reason=exc.reason)
            self._show(found, Status.REFUSED, reason)
            return _outcome(Status.REFUSED, found.key, detail=reason)
        except PermanentError as exc:
            self._show(found, Status.ERROR, exc.reason)
            raise
        except RetryableError as exc:
            self._show(found, Status.RETRYING, exc.reason)
            raise
        status = Status.UPDATED if updated else Status.CREATED
        self._show(found, status, "", docid=docid)
        self._audit.record(
            self._connection.connection_id,
            found.ref,
            "sales_transaction_updated" if updated else "sales_transaction_created",
            status=status,
            intacct_document=docid,
        )
        outcome = _outcome(status, found.key, docid)
        return outcome.model_copy(update={"created": 0}) if updated else outcome

    # -- creating ------------------------------------------------------------------------

    def _create(self, opportunity: SourceRecord, press: str) -> tuple[str, bool]:
        """The press's document and whether it was an update of an open one."""
        fields = opportunity.fields
        name = str(fields.get("Name") or opportunity.key)
        if not tf.allowed_record_type(fields, self._settings.record_type):
            raise ValidationFailedError(
                say(
                    Msg.OPPORTUNITY_WRONG_RECORD_TYPE,
                    name=name,
                    id=opportunity.key,
                    kind=fields.get("RecordType.Name") or "no record type",
                    allowed=self._settings.record_type,
                    produces=PRODUCES,
                )
            )
        if not fields.get("IsWon") and not self._settings.allow_open:
            raise ValidationFailedError(
                say(
                    Msg.OPPORTUNITY_NOT_WON,
                    name=name,
                    stage=fields.get("StageName"),
                    produces=PRODUCES,
                )
            )
        reference = tf.reference(opportunity.key, press)
        existing = self._documents_of(opportunity.key)
        if reference in existing:
            return existing[reference].docid, False  # this press already made its document
        if existing and self._settings.one_per_opportunity:
            return self._update(opportunity, press, existing), True
        lines = self._lines(opportunity.key)
        if not lines:
            raise ValidationFailedError(
                say(Msg.OPPORTUNITY_WITHOUT_LINES, name=name, produces=PRODUCES)
            )
        items = intacct_items(self._links, self._connection.connection_id, self._intacct, lines)
        customer_id = self._customer(str(fields.get("AccountId")))
        body = tf.create_sotransaction(
            document_type=self._settings.document_type,
            on=_day(fields.get("CloseDate")),
            customer_id=customer_id,
            reference_number=reference,
            opportunity=fields,
            lines=lines,
            items=items,
            contact_name=self._contact(str(fields.get("AccountId"))),
            payment_term=self._settings.payment_term,
            currency=fields.get("CurrencyIsoCode"),
        )
        docid = self._intacct.create_legacy(body, idempotency_key=_key(self._connection, press))
        if docid is None:  # Intacct already ran this press: its answer was lost
            found = self._documents_of(opportunity.key).get(reference)
            if found is None:
                raise PermanentError(f"intacct ran the create of {reference} but it cannot be read")
            docid = found.docid
        return docid, False

    def _update(
        self, opportunity: SourceRecord, press: str, existing: Mapping[str, Document]
    ) -> str:
        """``one_per_opportunity``: a later press brings the opportunity's open transaction
        up to date; once Intacct has converted or closed it, the press is refused."""
        fields = opportunity.fields
        name = str(fields.get("Name") or opportunity.key)
        documents = sorted(existing.values(), key=lambda d: d.recordno)
        open_ones = [d for d in documents if d.state in OPEN_STATES]
        if not open_ones:
            latest = documents[-1]
            raise ValidationFailedError(
                say(
                    Msg.OPPORTUNITY_HAS_TRANSACTION,
                    name=name,
                    document=", ".join(d.docid for d in documents),
                    state=latest.state.lower() or "closed",
                )
            )
        document = open_ones[-1]
        lines = self._lines(opportunity.key)
        if not lines:
            raise ValidationFailedError(
                say(Msg.OPPORTUNITY_WITHOUT_LINES, name=name, produces=PRODUCES)
            )
        count = self._line_count(document)
        if len(lines) < count:
            raise ValidationFailedError(
                say(
                    Msg.OPPORTUNITY_LINES_REMOVED,
                    name=name,
                    products=len(lines),
                    document=document.docid,
                    lines=count,
                )
            )
        items = intacct_items(self._links, self._connection.connection_id, self._intacct, lines)
        body = tf.update_sotransaction(
            document_id=document.docid,
            on=_day(fields.get("CloseDate")),
            opportunity=fields,
            lines=lines,
            items=items,
            document_lines=count,
            contact_name=self._contact(str(fields.get("AccountId"))),
        )
        self._intacct.update_legacy(body, idempotency_key=_key(self._connection, press))
        return document.docid

    def _line_count(self, document: Document) -> int:
        rows = self._intacct.query(
            "SODOCUMENTENTRY",
            ["RECORDNO"],
            [Filter("equalto", "DOCHDRNO", (str(document.recordno),))],
            page_size=1000,
        )
        return len(list(rows))

    def _documents_of(self, opportunity_id: str) -> dict[str, Document]:
        """reference -> the documents ledgerlink made for the opportunity (of the
        connection's transaction definition; conversions carry the reference along)."""
        rows = self._intacct.query(
            DOCUMENT,
            ["RECORDNO", "DOCID", "PONUMBER", "STATE"],
            [
                Filter("like", "PONUMBER", (f"{opportunity_id}-%",)),
                Filter("equalto", "DOCPARID", (self._settings.document_type,)),
            ],
        )
        return {
            str(r["PONUMBER"]): Document(
                int(r["RECORDNO"]), str(r["DOCID"]), str(r.get("STATE") or "")
            )
            for r in rows
        }

    def _lines(self, opportunity_id: str) -> list[dict[str, Any]]:
        statement = soql.select(
            "OpportunityLineItem",
            tf.LINE_FIELDS,
            f"OpportunityId = {soql.quote(opportunity_id)}",
            "ORDER BY CreatedDate, Id",
        )
        return list(self._sf.query(statement))

    def _contact(self, account_id: str) -> str | None:
        """The account's first contact synced to Intacct: bill-to and ship-to."""
        statement = soql.select(
            "Contact",
            ["Id", "Intacct_Contact_Name__c"],
            f"AccountId = {soql.quote(account_id)} AND Intacct_Contact_Name__c != null",
            "ORDER BY CreatedDate, Id LIMIT 1",
        )
        for row in self._sf.query(statement):
            return str(row["Intacct_Contact_Name__c"])
        return None

    # -- showing the outcome in Salesforce -----------------------------------------------

    def _show(
        self, opportunity: SourceRecord, status: str, error: str, docid: str | None = None
    ) -> None:
        fields: dict[str, Any] = {
            "Intacct_Transaction_Status__c": status,
            "Intacct_Transaction_Error__c": error[:32000] or None,
            "Intacct_Last_Transaction__c": format_timestamp(datetime.now(UTC)),
        }
        if docid:
            fields["Intacct_Transaction_Number__c"] = docid
        self._sf.update("Opportunity", opportunity.key, fields, idempotency_key="-")


def _day(value: Any) -> date:
    return date.fromisoformat(str(value)[:10]) if value else datetime.now(UTC).date()


def _key(connection: SalesforceIntacctConnection, press: str) -> str:
    basis = f"{connection.connection_id}|sales_transaction|{press}"
    return hashlib.sha256(basis.encode()).hexdigest()[:32]
