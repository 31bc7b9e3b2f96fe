"""The Books connector's sales documents against the emulator: a create sent once (a lost
answer is found again by its reference, never made twice), status changes and email."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import httpx
import pytest

from sandbox.emulators.faults import FaultRule
from sandbox.emulators.protocol import ProvisionRequest
from sandbox.emulators.zoho_books import ZohoBooksEmulator
from shared.connectors.base import RetrySettings
from shared.connectors.registry import system
from shared.connectors.zoho_books.connector import ZohoBooksConnector
from shared.connectors.zoho_books.documents import DocumentKind, DocumentLine, document_body
from shared.errors import RetryableError

START = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
INVOICES = DocumentKind.INVOICES


@pytest.fixture
def books() -> ZohoBooksEmulator:
    return ZohoBooksEmulator(clock=lambda: START)


@pytest.fixture
def connector(books: ZohoBooksEmulator) -> ZohoBooksConnector:
    side = books.provision(ProvisionRequest(webhook_url="http://api.test/w"))
    plugin = system("zoho_books")
    settings = plugin.settings({"system": "zoho_books", **side.settings}, "t")
    secrets = plugin.secrets(side.secrets, "t")
    http = httpx.Client(transport=httpx.WSGITransport(app=books.wsgi_app))
    retry = RetrySettings(attempts=3, sleep=lambda s: None)
    made = plugin.connector(http, settings, secrets, retry)
    assert isinstance(made, ZohoBooksConnector)
    return made


def _body(books: ZohoBooksEmulator, reference: str) -> dict[str, object]:
    customer = books.create("contacts", {"contact_name": f"Bowman {reference}", "email": "a@b.c"})
    item = books.create("items", {"name": f"Desk {reference}", "rate": "100"})
    lines = [DocumentLine(item_id=item, quantity=Decimal(2), rate=Decimal("99.5"))]
    return document_body(customer_id=customer, lines=lines, reference_number=reference)


def test_an_invoice_is_created_and_found_by_its_reference(books, connector):
    # Given an invoice body for two desks at 99.50
    body = _body(books, "deal-1-auto")
    # When it is created, then looked up by its reference
    made = connector.documents.create(INVOICES, body)
    found = connector.documents.find(INVOICES, "deal-1-auto")
    # Then one draft invoice of 199.00 is found, the one made
    assert [d.document_id for d in found] == [made.document_id]
    assert (made.status, made.total, made.balance) == ("draft", Decimal("199.0"), made.total)
    assert connector.documents.find(INVOICES, "deal-1") == []


def test_a_create_whose_answer_is_lost_is_sent_once_and_found_again(books, connector):
    # Given Books will do the next create but its answer will be lost
    body = _body(books, "deal-2-auto")
    books.faults.add(FaultRule(match="create invoices", kind="lose_response"))
    # When the create is sent
    with pytest.raises(RetryableError):
        connector.documents.create(INVOICES, body)
    # Then it was sent once (no blind retry) and the invoice it made is found by reference
    assert len(books.sales_documents().invoices) == 1
    assert len(connector.documents.find(INVOICES, "deal-2-auto")) == 1


def test_an_invoice_is_voided_and_emailed_documents_are_sent(books, connector):
    # Given two invoices
    first = connector.documents.create(INVOICES, _body(books, "a"))
    second = connector.documents.create(INVOICES, _body(books, "b"))
    # When the first is voided and the second emailed to the customer
    connector.documents.mark(INVOICES, first.document_id, "void")
    connector.documents.email(INVOICES, second.document_id)
    # Then the first reads void, the second sent, and one email went out
    voided = connector.documents.get(INVOICES, first.document_id)
    sent = connector.documents.get(INVOICES, second.document_id)
    assert (voided and voided.status, sent and sent.status) == ("void", "sent")
    assert len(books.sales_documents().emails) == 1
    assert connector.documents.get(INVOICES, "460000999999999") is None
