"""The ``deal_documents`` workflow: Books estimates, sales orders and invoices of Zoho CRM
deals, set off by a deal trigger (:mod:`.deal_triggers`) or a CRM user's press
(:mod:`.deal_actions`).

A document's customer is the deal's account's Books customer (its link, made through the
engine first if the account never synced); its lines are the deal's products (the Deals ->
Products related list), one of each at its unit price, each product's Books item found by its
link (synced first the same way). A deal without an account or products is refused with
the reason; nothing is made.

Never two documents for one request: a create is sent once and, after a lost answer, found
again by its reference before anything is sent again (:mod:`.deal_references`):

- a trigger transition re-reads the deal and acts only if it still stands at that
  transition, and then only on what Books does not show done: the deal's trigger document
  (reference ``CRM-DEAL-<deal>``) is created once, marked accepted / declined / void once;
- a press (``document``: estimates / salesorders / invoices) edits the deal's newest draft
  document of that kind, or creates one with the press's own reference when there is none;
  a press that already made its document finds it and does nothing more;
- an email press emails its invoice (a draft becomes sent).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from shared.connectors.zoho_books.connector import ZohoBooksConnector
from shared.connectors.zoho_books.documents import (
    DocumentKind,
    DocumentLine,
    SalesDocument,
    document_body,
)
from shared.connectors.zoho_crm.connector import ZohoCrmConnector
from shared.connectors.zoho_crm.related import related_records
from shared.errors import RecordRejectedError, RetryableError, ValidationFailedError
from shared.models.events import ChangeEvent, RecordRef
from shared.models.records import SourceRecord
from shared.models.workflows import WorkflowOutcome, WorkflowRequest
from shared.pairs.plugin import PairContext
from shared.pairs.zoho_crm_books.connection import ZohoCrmBooksConnection
from shared.pairs.zoho_crm_books.deal_references import (
    deal_of,
    deal_reference,
    press_reference,
)
from shared.pairs.zoho_crm_books.deal_triggers import DEALS, FIELDS, Transition, transition_for

WORKFLOW = "deal_documents"
PRODUCT_FIELDS = ("Product_Name", "Unit_Price", "Zoho_Books_ID")
EMAIL = "email"
CREATE_ATTEMPTS = 3  # creates sent, each after a lookup found nothing


def run_deal_document(ctx: PairContext, request: WorkflowRequest) -> WorkflowOutcome:
    """The ``deal_documents`` workflow: one trigger transition or one press."""
    return DealDocuments(ctx).run(request)


def _outcome(
    status: str, subject: str, document: SalesDocument | None = None, detail: str = ""
) -> WorkflowOutcome:
    target = (
        str(
            RecordRef(
                system="zoho_books", object=document.kind.value, record_id=document.document_id
            )
        )
        if document is not None
        else None
    )
    return WorkflowOutcome(
        status=status,
        subject=subject,
        target=target,
        created=1 if status == "created" else 0,
        detail=detail,
    )


class DealDocuments:
    def __init__(self, ctx: PairContext) -> None:
        assert isinstance(ctx.connection, ZohoCrmBooksConnection)
        assert isinstance(ctx.crm, ZohoCrmConnector)
        assert isinstance(ctx.erp, ZohoBooksConnector)
        self._ctx = ctx
        self._connection = ctx.connection
        self._crm = ctx.crm
        self._books = ctx.erp.documents
        self._correlation_id = ""

    def run(self, request: WorkflowRequest) -> WorkflowOutcome:
        self._correlation_id = request.correlation_id
        subject = request.subject
        if request.params.get("document") == EMAIL:
            emailed = self._email(request)
            self._record(subject, emailed)
            return emailed
        deal = self._crm.fetch(DEALS, subject.record_id, FIELDS)
        if deal is None:
            return _outcome("skipped", subject.record_id, detail="the deal no longer exists")
        try:
            if "transition" in request.params:
                outcome = self._transition(deal, Transition(request.params["transition"]))
            else:
                kind = DocumentKind(request.params["document"])
                outcome = self._press(deal, kind, request.params["press"])
        except ValidationFailedError as exc:
            outcome = _outcome("refused", deal.key, detail=exc.reason)
        except RecordRejectedError as exc:  # Books refused the data: the user can fix it
            outcome = _outcome("refused", deal.key, detail=f"Zoho Books refused: {exc.reason}")
        self._record(deal.ref, outcome)
        return outcome

    def _record(self, ref: RecordRef, outcome: WorkflowOutcome) -> None:
        self._ctx.audit.record(
            self._connection.connection_id,
            ref,
            f"deal_document_{outcome.status}",
            target=outcome.target or "",
            detail=outcome.detail[:500],
        )

    # -- trigger transitions ---------------------------------------------------------------

    def _transition(self, deal: SourceRecord, transition: Transition) -> WorkflowOutcome:
        if transition_for(self._connection, deal.get("Stage")) is not transition:
            return _outcome("stale", deal.key, detail=f"the deal is no longer at {transition}")
        reference = deal_reference(deal.key)
        if transition is Transition.INVOICE_CREATE:
            return self._ensure(deal, DocumentKind.INVOICES, reference)
        if transition is Transition.ESTIMATE_CREATE:
            return self._ensure(deal, DocumentKind.ESTIMATES, reference)
        if transition is Transition.INVOICE_VOID:
            return self._settle(deal, DocumentKind.INVOICES, reference, "void")
        if transition is Transition.ESTIMATE_ACCEPT:
            self._ensure(deal, DocumentKind.ESTIMATES, reference)  # a deal that skipped a stage
            return self._settle(deal, DocumentKind.ESTIMATES, reference, "accepted")
        return self._settle(deal, DocumentKind.ESTIMATES, reference, "declined")

    def _ensure(self, deal: SourceRecord, kind: DocumentKind, reference: str) -> WorkflowOutcome:
        """The deal's document of ``reference``: found, else created (once)."""
        found = self._books.find(kind, reference)
        if found:
            return _outcome("unchanged", deal.key, found[0])
        return _outcome("created", deal.key, self._create(deal, kind, reference))

    def _settle(
        self, deal: SourceRecord, kind: DocumentKind, reference: str, status: str
    ) -> WorkflowOutcome:
        """Mark the deal's document ``status`` (a draft estimate is sent first); one already
        so is left as it is; none is nothing to do."""
        found = self._books.find(kind, reference)
        if not found:
            return _outcome("unchanged", deal.key, detail=f"no {kind.singular} to mark {status}")
        document = found[0]
        if document.status == status:
            return _outcome("unchanged", deal.key, document)
        if kind is DocumentKind.ESTIMATES and document.status == "draft":
            self._books.mark(kind, document.document_id, "sent")
        self._books.mark(kind, document.document_id, status)
        return _outcome(status, deal.key, document)

    # -- presses ---------------------------------------------------------------------------

    def _press(self, deal: SourceRecord, kind: DocumentKind, press: str) -> WorkflowOutcome:
        mine = press_reference(deal.key, press)
        documents = [
            d
            for d in self._books.find(kind, deal_reference(deal.key), prefix=True)
            if deal_of(d.reference_number) == deal.key
        ]
        for document in documents:
            if document.reference_number == mine:
                return _outcome("unchanged", deal.key, document)  # this press made it
        drafts = [d for d in documents if d.status == "draft"]
        if drafts:
            draft = drafts[-1]
            body = self._body(deal)
            edited = self._books.update(kind, draft.document_id, body)
            return _outcome("edited", deal.key, edited)
        return _outcome("created", deal.key, self._create(deal, kind, mine))

    def _email(self, request: WorkflowRequest) -> WorkflowOutcome:
        invoice_id = request.subject.record_id
        invoice = self._books.get(DocumentKind.INVOICES, invoice_id)
        if invoice is None:
            return _outcome("refused", invoice_id, detail=f"no Books invoice {invoice_id}")
        try:
            self._books.email(DocumentKind.INVOICES, invoice_id)
        except RecordRejectedError as exc:
            return _outcome("refused", invoice_id, invoice, f"Zoho Books refused: {exc.reason}")
        return _outcome("emailed", invoice_id, invoice)

    # -- building ------------------------------------------------------------------------

    def _create(self, deal: SourceRecord, kind: DocumentKind, reference: str) -> SalesDocument:
        """Each create is sent once; after a transient failure, what Books may have made is
        looked for by its reference, and only when it is not there is the create sent again
        (up to ``CREATE_ATTEMPTS``, then the failure is raised and the request tried again)."""
        body = {**self._body(deal), "reference_number": reference}
        attempt = 1
        while True:
            try:
                return self._books.create(kind, body)
            except RetryableError:
                found = self._books.find(kind, reference)
                if found:
                    return found[0]
                if attempt >= CREATE_ATTEMPTS:
                    raise
                attempt += 1

    def _body(self, deal: SourceRecord) -> dict[str, Any]:
        name = str(deal.get("Deal_Name") or deal.key)
        account_id = deal.get("Account_Name.id")
        if not account_id:
            raise ValidationFailedError(f"deal '{name}' has no account: a document needs one")
        customer = self._books_id("Accounts", str(account_id))
        products = related_records(self._crm.client, DEALS, deal.key, "Products", PRODUCT_FIELDS)
        if not products:
            raise ValidationFailedError(f"deal '{name}' has no products: a document needs lines")
        lines = [self._line(product) for product in products]
        return document_body(customer_id=customer, lines=lines)

    def _line(self, product: Mapping[str, Any]) -> DocumentLine:
        item = self._books_id("Products", str(product["id"]))
        try:
            rate = Decimal(str(product["Unit_Price"])) if product.get("Unit_Price") else None
        except InvalidOperation:
            rate = None
        return DocumentLine(item_id=item, quantity=Decimal(1), rate=rate)

    def _books_id(self, module: str, record_id: str) -> str:
        """The Books record linked to a CRM record, synced first (through the engine) if it
        never was."""
        ref = RecordRef(system=self._crm.system, object=module, record_id=record_id)
        connection_id = self._connection.connection_id
        link = self._ctx.links.get(connection_id, ref)
        if link is None or link.erp is None:
            self._ctx.engine.apply(
                ChangeEvent(
                    connection_id=connection_id,
                    ref=ref,
                    source="action",
                    correlation_id=self._correlation_id,
                )
            )
            link = self._ctx.links.get(connection_id, ref)
        if link is None or link.erp is None or link.status != "linked":
            raise RetryableError(f"{module} {record_id} is not linked to Zoho Books yet")
        return link.erp.ref.record_id
