"""The deal buttons of the Zoho CRM <-> Zoho Books pair, checked at the door before anything
is queued (a refusal the user can act on is answered at once, 4xx with the reason):

- ``POST {api_url}/actions/{connection_id}/deals/{deal_id}/estimate|salesorder|invoice``:
  create that document in Books for the deal, or edit the deal's draft one;
- ``POST {api_url}/actions/{connection_id}/invoices/{books_invoice_id}/email``: email a
  Books invoice to its customer.

Each press is one signed request (``per_request``): the same request delivered twice is one
press, and one press makes at most one document (:mod:`.deal_documents`).
"""

from __future__ import annotations

from collections.abc import Mapping

from shared.connectors.zoho_books.connector import ZohoBooksConnector
from shared.connectors.zoho_books.documents import DocumentKind
from shared.errors import PermanentError, RequestRejectedError
from shared.models.events import RecordRef
from shared.models.workflows import WorkflowRequest
from shared.pairs.plugin import Action, ActionAccept, PairContext
from shared.pairs.zoho_crm_books.deal_documents import EMAIL, WORKFLOW
from shared.pairs.zoho_crm_books.deal_triggers import DEALS, FIELDS

ROUTES = {
    "estimate": DocumentKind.ESTIMATES,
    "salesorder": DocumentKind.SALESORDERS,
    "invoice": DocumentKind.INVOICES,
}


def _digits(value: str, what: str, system: str) -> None:
    if not value.isdigit():
        raise RequestRejectedError(400, f"'{value[:40]}' is not a {system} {what} id")


def accept_document(kind: DocumentKind) -> ActionAccept:
    """The check of a deal's document button: the deal must exist and have an account."""

    def accept(
        ctx: PairContext, params: Mapping[str, str], request: WorkflowRequest
    ) -> WorkflowRequest:
        deal_id = params["deal_id"]
        _digits(deal_id, "deal", "Zoho CRM")
        try:
            deal = ctx.crm.fetch(DEALS, deal_id, FIELDS)
        except PermanentError as exc:  # transient failures are the door's (503, Retry-After)
            raise RequestRejectedError(502, f"Zoho CRM could not be read: {exc.reason}") from exc
        if deal is None:
            raise RequestRejectedError(404, f"no Zoho CRM deal {deal_id}")
        if not deal.get("Account_Name.id"):
            name = deal.get("Deal_Name") or deal_id
            raise RequestRejectedError(
                409, f"deal '{name}' has no account: a {kind.singular} needs a customer"
            )
        return request.model_copy(
            update={
                "subject": deal.ref,
                "subject_version": deal.modified_at.isoformat() if deal.modified_at else None,
                "params": {**request.params, "document": kind.value},
            }
        )

    return accept


def accept_email(
    ctx: PairContext, params: Mapping[str, str], request: WorkflowRequest
) -> WorkflowRequest:
    """The check of "Email invoice": the Books invoice must exist and not be void."""
    invoice_id = params["books_invoice_id"]
    _digits(invoice_id, "invoice", "Zoho Books")
    books = ctx.erp
    assert isinstance(books, ZohoBooksConnector)
    try:
        invoice = books.documents.get(DocumentKind.INVOICES, invoice_id)
    except PermanentError as exc:
        raise RequestRejectedError(502, f"Zoho Books could not be read: {exc.reason}") from exc
    if invoice is None:
        raise RequestRejectedError(404, f"no Zoho Books invoice {invoice_id}")
    if invoice.status == "void":
        raise RequestRejectedError(409, f"invoice {invoice.number} is void: it is not emailed")
    return request.model_copy(
        update={
            "subject": RecordRef(system=books.system, object="invoices", record_id=invoice_id),
            "params": {**request.params, "document": EMAIL},
        }
    )


ACTIONS: tuple[Action, ...] = (
    *(
        Action(
            route=f"deals/{{deal_id}}/{route}",
            workflow=WORKFLOW,
            subject_object=DEALS,
            subject_param="deal_id",
            accept=accept_document(kind),
            per_request=True,
        )
        for route, kind in ROUTES.items()
    ),
    Action(
        route="invoices/{books_invoice_id}/email",
        workflow=WORKFLOW,
        subject_object="invoices",
        subject_param="books_invoice_id",
        accept=accept_email,
        per_request=True,
    ),
)
