"""Deal trigger decisions: which transition a deal's stage stands at, the requests changed
deals set off (repeats are one message), and the workflow's once-per-transition rule under
repeated and reordered requests and a lost Books answer (real connectors on the emulators;
links and audit as small in-memory stand-ins)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx
import pytest
from pydantic import ValidationError

from sandbox.emulators.faults import FaultRule
from sandbox.emulators.protocol import ProvisionRequest
from sandbox.emulators.zoho_books import ZohoBooksEmulator
from sandbox.emulators.zoho_crm import ZohoCrmEmulator
from shared.connectors.base import RetrySettings
from shared.connectors.registry import system
from shared.mapping.fields import Side
from shared.models.events import RecordRef
from shared.models.links import SideState, SyncLink
from shared.models.records import SourceRecord
from shared.pairs.plugin import PairContext
from shared.pairs.zoho_crm_books.connection import ZohoCrmBooksConnection
from shared.pairs.zoho_crm_books.deal_documents import run_deal_document
from shared.pairs.zoho_crm_books.deal_references import deal_of, deal_reference, press_reference
from shared.pairs.zoho_crm_books.deal_settings import DealStages, DealTrigger
from shared.pairs.zoho_crm_books.deal_triggers import Transition, deal_requests, transition_for

START = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
INVOICING = DealTrigger.INVOICE_BY_OUTCOME
ESTIMATING = DealTrigger.ESTIMATE_BY_STAGE


def _sides() -> dict[str, tuple[object, dict[str, str], dict[str, str]]]:
    """Fresh emulators, provisioned: each system's emulator, settings and secrets."""
    sides = {}
    for name, emulator in (
        ("zoho_crm", ZohoCrmEmulator(clock=lambda: START)),
        ("zoho_books", ZohoBooksEmulator(clock=lambda: START)),
    ):
        side = emulator.provision(ProvisionRequest(webhook_url="http://api.test/w"))
        sides[name] = (emulator, dict(side.settings), dict(side.secrets))
    return sides


def _connection(mode: DealTrigger = INVOICING, sides=None) -> ZohoCrmBooksConnection:
    sides = sides or _sides()
    return ZohoCrmBooksConnection.model_validate(
        {
            "connection_id": "zoho",
            "crm": {"system": "zoho_crm", **sides["zoho_crm"][1]},
            "erp": {"system": "zoho_books", **sides["zoho_books"][1]},
            "deal_trigger": mode,
        }
    )


def _deal(stage: str, deal_id: str = "4150868000000224005", second: int = 0) -> SourceRecord:
    return SourceRecord(
        ref=RecordRef(system="zoho_crm", object="Deals", record_id=deal_id),
        fields={"Stage": stage, "Deal_Name": "D"},
        modified_at=START + timedelta(seconds=second),
    )


@pytest.mark.parametrize(
    ("mode", "stage", "expected"),
    [
        (INVOICING, "Closed Won", Transition.INVOICE_CREATE),
        (INVOICING, "Closed Lost", Transition.INVOICE_VOID),
        (INVOICING, "Closed-Lost to Competition", Transition.INVOICE_VOID),
        (INVOICING, "Proposal/Price Quote", None),
        (ESTIMATING, "Proposal/Price Quote", Transition.ESTIMATE_CREATE),
        (ESTIMATING, "Closed Won", Transition.ESTIMATE_ACCEPT),
        (ESTIMATING, "Closed Lost", Transition.ESTIMATE_DECLINE),
        (ESTIMATING, "Qualification", None),
        (DealTrigger.NONE, "Closed Won", None),
    ],
)
def test_each_mode_reads_its_transition_off_the_stage_alone(mode, stage, expected):
    # Given a connection in a trigger mode, when a deal stands at a stage
    # Then the transition is the mode's for that stage (or none)
    assert transition_for(_connection(mode), stage) is expected


def test_the_estimate_stages_must_differ_and_won_is_not_lost():
    # Given stage settings reusing one stage twice
    # Then each is refused, naming the setting
    with pytest.raises(ValidationError, match="three different stages"):
        DealStages(estimate_create="Closed Won", estimate_accept="Closed Won")
    with pytest.raises(ValidationError, match="both won and lost"):
        DealStages(won="Closed Lost")


def test_a_repeated_notification_of_one_change_is_one_message_and_a_later_one_another():
    # Given a won deal read twice for the same change, and again after a later edit
    connection = _connection()
    once, again = deal_requests(connection, [_deal("Closed Won"), _deal("Closed Won")])
    later = deal_requests(connection, [_deal("Closed Won", second=5)])[0]
    # Then the repeats are one message (same dedup id), the later edit a message of its own
    # for the same transition (the workflow finds its invoice made and does nothing)
    assert once.dedup_id == again.dedup_id
    assert later.dedup_id != once.dedup_id
    assert {r.params["transition"] for r in (once, later)} == {"invoice_create"}


def test_a_stage_outside_the_trigger_sets_nothing_off():
    # Given deals at stages the mode does not watch, and a connection with no trigger
    records = [_deal("Qualification"), _deal("Negotiation/Review")]
    # Then no request is made
    assert deal_requests(_connection(), records) == []
    assert deal_requests(_connection(DealTrigger.NONE), [_deal("Closed Won")]) == []


def test_references_tie_documents_to_their_deal():
    # Given the trigger's and a press's references of a deal
    # Then both read back as that deal; anything else is not ours
    assert deal_of(deal_reference("415")) == "415"
    assert deal_of(press_reference("415", "0123456789abcdef")) == "415"
    assert deal_of("PO-77") is None


# -- the workflow's once-per-transition rule ------------------------------------------------


class _Links:
    def __init__(self, pairs: dict[RecordRef, RecordRef]) -> None:
        self.pairs = pairs

    def get(self, connection_id, ref):
        other = self.pairs.get(ref)
        if other is None:
            return None
        return SyncLink(
            connection_id=connection_id,
            mapping="m",
            crm=SideState(ref=ref),
            erp=SideState(ref=other),
            home=Side.CRM,
        )


class _Audit:
    def __init__(self) -> None:
        self.entries: list[str] = []

    def record(self, connection_id, ref, action, **detail):
        self.entries.append(action)


@pytest.fixture
def setting():
    """A CRM deal of a linked account with a linked product, and the workflow's context."""
    sides = _sides()
    connectors = []
    for name, (emulator, settings, secrets) in sides.items():
        plugin = system(name)
        http = httpx.Client(transport=httpx.WSGITransport(app=emulator.wsgi_app))
        connectors.append(
            plugin.connector(
                http,
                plugin.settings({"system": name, **settings}, "t"),
                plugin.secrets(secrets, "t"),
                RetrySettings(attempts=3, sleep=lambda s: None),
            )
        )
    crm, books = sides["zoho_crm"][0], sides["zoho_books"][0]
    account = crm.insert("Accounts", {"Account_Name": "Zylker"})
    product = crm.insert("Products", {"Product_Name": "Desk", "Unit_Price": "250"})
    deal = crm.insert(
        "Deals", {"Deal_Name": "Desks", "Stage": "Closed Won", "Account_Name": {"id": account}}
    )
    crm.relate("Deals", deal, "Products", product)
    customer = books.create("contacts", {"contact_name": "Zylker"})
    item = books.create("items", {"name": "Desk", "rate": "250"})
    links = _Links(
        {
            RecordRef(system="zoho_crm", object="Accounts", record_id=account): RecordRef(
                system="zoho_books", object="customers", record_id=customer
            ),
            RecordRef(system="zoho_crm", object="Products", record_id=product): RecordRef(
                system="zoho_books", object="items", record_id=item
            ),
        }
    )
    audit = _Audit()
    ctx = PairContext(
        connection=_connection(sides=sides),
        crm=connectors[0],
        erp=connectors[1],
        links=links,
        cursors=None,
        audit=audit,
        metrics=None,
        engine=None,
    )
    return crm, books, ctx, deal


def _request(ctx, deal: str, stage: str, second: int = 0):
    connection = ctx.connection
    record = _deal(stage, deal, second)
    return deal_requests(connection, [record])[0]


def test_a_repeated_create_request_makes_one_invoice(setting):
    # Given a won deal
    _, books, ctx, deal = setting
    # When its create request runs, then runs again (a repeat past the queue's dedup window)
    first = run_deal_document(ctx, _request(ctx, deal, "Closed Won"))
    second = run_deal_document(ctx, _request(ctx, deal, "Closed Won", second=9))
    # Then one invoice of 250 exists; the second run found it
    invoices = list(books.sales_documents().invoices.values())
    assert [(i["reference_number"], i["total"]) for i in invoices] == [
        (deal_reference(deal), Decimal("250"))
    ]
    assert (first.status, second.status) == ("created", "unchanged")
    assert first.target == second.target


def test_a_create_whose_answer_is_lost_is_found_again_not_made_twice(setting):
    # Given a won deal, and Books doing the next create but losing its answer
    _, books, ctx, deal = setting
    books.faults.add(FaultRule(match="create invoices", kind="lose_response"))
    # When the create request runs
    outcome = run_deal_document(ctx, _request(ctx, deal, "Closed Won"))
    # Then the invoice Books made is found by its reference: one invoice, reported created
    assert len(books.sales_documents().invoices) == 1
    assert books.calls.count("create", "invoices") == 1
    assert outcome.status == "created"


def test_reordered_requests_act_on_the_deal_as_it_is_now(setting):
    # Given a deal won, then lost before its create request ran
    crm, books, ctx, deal = setting
    create = _request(ctx, deal, "Closed Won")
    crm.update("Deals", deal, {"Stage": "Closed Lost"})
    void = _request(ctx, deal, "Closed Lost", second=5)
    # When the requests run in either order
    outcomes = [run_deal_document(ctx, r).status for r in (void, create, void)]
    # Then the create was stale (the deal is lost), nothing was voided, and no invoice exists
    assert outcomes == ["unchanged", "stale", "unchanged"]
    assert books.sales_documents().invoices == {}


def test_a_loss_voids_the_invoice_once(setting):
    # Given a won deal's invoice, then the deal lost
    crm, books, ctx, deal = setting
    run_deal_document(ctx, _request(ctx, deal, "Closed Won"))
    crm.update("Deals", deal, {"Stage": "Closed Lost"})
    # When the void request runs twice
    first = run_deal_document(ctx, _request(ctx, deal, "Closed Lost", second=5))
    again = run_deal_document(ctx, _request(ctx, deal, "Closed Lost", second=6))
    # Then the invoice is void, marked once
    [invoice] = books.sales_documents().invoices.values()
    assert invoice["status"] == "void"
    assert (first.status, again.status) == ("void", "unchanged")
    assert books.calls.count("mark", "invoices") == 1
