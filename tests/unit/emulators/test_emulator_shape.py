"""Every emulator has one shape: the same admin API and answer format, one clock moved by a
timedelta, provisioning of its own demo credentials, and one fault dispatcher."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx
import pytest
from pydantic import SecretStr

from sandbox.emulators.faults import FaultRule, run_with_faults
from sandbox.emulators.intacct import IntacctEmulator
from sandbox.emulators.protocol import BackgroundWorker, Emulator, ProvisionRequest
from sandbox.emulators.salesforce import SalesforceEmulator
from sandbox.emulators.zoho_books import ZohoBooksEmulator
from sandbox.emulators.zoho_crm import ZohoCrmEmulator
from shared.connectors.intacct.client import IntacctClient
from shared.connectors.intacct.settings import IntacctSecrets, IntacctSettings
from shared.connectors.salesforce.client import SalesforceAuth
from shared.connectors.salesforce.settings import SalesforceSecrets, SalesforceSettings

WEBHOOK = "http://api.test/webhooks/demo/{system}?token=t0ken"
WATCHED = {"Account": ["Id", "Name"]}
# An object each emulator knows, and one it does not.
KNOWN = {
    "salesforce": "Account",
    "intacct": "CUSTOMER",
    "zoho_crm": "Accounts",
    "zoho_books": "contacts",
}


def _build(system: str) -> Emulator:
    if system == "salesforce":
        return SalesforceEmulator(base_url="http://salesforce.test")
    if system == "zoho_crm":
        return ZohoCrmEmulator(base_url="http://zoho-crm.test")
    if system == "zoho_books":
        return ZohoBooksEmulator(base_url="http://zoho-books.test")
    return IntacctEmulator(base_url="http://intacct.test")


@pytest.fixture(params=sorted(KNOWN))
def emulator(request: pytest.FixtureRequest) -> Emulator:
    return _build(request.param)


@pytest.fixture
def admin(emulator: Emulator) -> Iterator[httpx.Client]:
    transport = httpx.WSGITransport(app=emulator.wsgi_app)
    with httpx.Client(transport=transport, base_url=emulator.base_url) as client:
        yield client


def _request(system: str) -> ProvisionRequest:
    return ProvisionRequest(
        WEBHOOK.format(system=system), WATCHED if system == "salesforce" else {}
    )


# -- the admin API -------------------------------------------------------------------------------


def test_faults_are_added_listed_in_one_format_and_cleared(emulator: Emulator, admin):
    # Given a fault rule posted over HTTP
    added = admin.post(
        "/__admin__/faults",
        json={"match": "nothing-matches", "kind": "rate_limit", "times": 2, "retry_after_s": 4},
    )
    # Then it is answered 201 with the whole rule, defaults filled in
    assert added.status_code == 201
    assert added.json() == {
        "added": {
            "match": "nothing-matches",
            "kind": "rate_limit",
            "times": 2,
            "status": 503,
            "latency_s": 0.0,
            "message": "Injected fault",
            "retry_after_s": 4.0,
            "code": None,
            "probability": 1.0,
        }
    }
    # When the rules are cleared
    cleared = admin.delete("/__admin__/faults")
    # Then the answer counts them and none is left
    assert cleared.json() == {"cleared": 1}
    assert emulator.faults.take("nothing-matches") is None


@pytest.mark.parametrize(
    "body",
    [
        {"match": "*", "kind": "meteor"},
        {"match": "*", "kind": "latency", "colour": "red"},
        {"kind": "latency"},
        {"match": "*", "kind": "latency", "times": "often"},
    ],
)
def test_a_bad_fault_rule_is_refused_in_the_common_error_format(admin, body):
    # Given a malformed rule
    # When it is posted
    answer = admin.post("/__admin__/faults", json=body)
    # Then it is a 400 with the one error shape
    assert answer.status_code == 400
    assert answer.json()["error"] == "BAD_REQUEST"
    assert answer.json()["message"]


def test_errors_share_one_shape(emulator: Emulator, admin):
    # Given requests for an unknown object, an unknown endpoint, a wrong method and bad JSON
    answers = {
        "object": admin.get("/__admin__/records/NO_SUCH_OBJECT"),
        "endpoint": admin.get("/__admin__/nothing"),
        "method": admin.get("/__admin__/reset"),
        "json": admin.post("/__admin__/clock", content=b"{not json"),
    }
    # Then each is answered {"error", "message"} with its status
    assert {k: (a.status_code, a.json()["error"]) for k, a in answers.items()} == {
        "object": (404, "NOT_FOUND"),
        "endpoint": (404, "NOT_FOUND"),
        "method": (405, "METHOD_NOT_ALLOWED"),
        "json": (400, "BAD_REQUEST"),
    }
    assert all(set(a.json()) == {"error", "message"} for a in answers.values())


def test_the_clock_moves_by_seconds_or_by_a_duration(emulator: Emulator, admin):
    # Given the emulator's time now
    before = emulator.now()
    # When the clock is moved by 90 seconds, then by 1 hour 2 minutes
    first = admin.post("/__admin__/clock", json={"advance_s": 90})
    second = admin.post("/__admin__/clock", json={"advance": {"hours": 1, "minutes": 2}})
    # Then the moves add up (give or take the real time passed), and the last answer is
    # the moved time
    assert first.status_code == second.status_code == 200
    answered = datetime.fromisoformat(second.json()["now"])
    expected = before + timedelta(hours=1, minutes=3, seconds=30)
    assert expected <= answered <= emulator.now() < expected + timedelta(seconds=30)


@pytest.mark.parametrize(
    "body", [{}, {"advance_s": -1}, {"advance_s": 1, "advance": {"seconds": 1}}]
)
def test_a_clock_move_needs_exactly_one_forward_amount(admin, body):
    # Given a clock move without an amount, backwards, or with two amounts
    # When it is posted
    answer = admin.post("/__admin__/clock", json=body)
    # Then it is refused
    assert answer.status_code == 400
    assert answer.json()["error"] == "BAD_REQUEST"


def test_reset_calls_and_records_answer_alike(emulator: Emulator, admin):
    # Given a provisioned emulator
    emulator.provision(_request(emulator.system))
    obj = KNOWN[emulator.system]
    # When records and calls are read, and the emulator reset
    records = admin.get(f"/__admin__/records/{obj}")
    calls = admin.get("/__admin__/calls")
    reset = admin.post("/__admin__/reset")
    # Then lists are JSON arrays and the reset answer is the same for every emulator
    assert records.status_code == calls.status_code == 200
    assert isinstance(records.json(), list)
    assert isinstance(calls.json(), list)
    assert reset.json() == {"reset": True}


# -- provisioning ----------------------------------------------------------------------------------


def test_salesforce_provisions_an_app_its_user_and_outbound_messages():
    # Given a Salesforce emulator
    emu = SalesforceEmulator(base_url="http://salesforce.test")
    # When ledgerlink's side is provisioned with a watched object
    side = emu.provision(_request("salesforce"))
    # Then the settings make a valid connection side, whose secret gets a token
    settings = SalesforceSettings.model_validate(side.settings)
    http = httpx.Client(transport=httpx.WSGITransport(app=emu.wsgi_app))
    secrets = SalesforceSecrets(client_secret=SecretStr(side.secrets["client_secret"]))
    token = SalesforceAuth(http, settings, secrets).token()
    assert token.instance_url == emu.base_url
    # And the watched object's changes go to the webhook
    emu.insert("Account", {"Name": "Acme"})
    assert emu.pending_outbound() == 1
    outbound = http.get("http://salesforce.test/__admin__/outbound").json()
    assert [m["endpoint_url"] for m in outbound["messages"]] == [
        WEBHOOK.format(system="salesforce")
    ]
    # And the endpoints name what a developer needs
    assert set(side.endpoints) == {
        "url",
        "client_id",
        "client_secret",
        "org_id",
        "username",
        "people_client_id",
        "people_client_secret",
    }
    # And the token's identity URL names the integration user the settings name
    assert token.id is not None
    assert token.id.rsplit("/", 1)[1] == settings.integration_user_id


def test_intacct_provisions_a_sender_a_company_with_contract_numbering_and_a_user():
    # Given an Intacct emulator
    emu = IntacctEmulator(base_url="http://intacct.test")
    # When ledgerlink's side is provisioned
    side = emu.provision(_request("intacct"))
    # Then the settings and secrets open a session
    http = httpx.Client(transport=httpx.WSGITransport(app=emu.wsgi_app))
    secrets = IntacctSecrets(
        sender_password=SecretStr(side.secrets["sender_password"]),
        user_password=SecretStr(side.secrets["user_password"]),
    )
    client = IntacctClient(http, IntacctSettings.model_validate(side.settings), secrets)
    assert client.session().sessionid
    # And contracts are numbered by the company's sequence
    emu.seed("CUSTOMER", {"CUSTOMERID": "C-1", "NAME": "Acme"})
    recordno = emu.seed("CONTRACT", {"CUSTOMERID": "C-1", "NAME": "Deal"})
    assert emu.get("CONTRACT", recordno)["CONTRACTID"] == "CON-0001"
    assert set(side.endpoints) == {
        "url",
        "sender_id",
        "sender_password",
        "company_id",
        "user_id",
        "user_password",
        "people_user_id",
        "people_user_password",
    }


def test_provisioned_secrets_are_random(emulator: Emulator):
    # Given two emulators of the same system
    other = _build(emulator.system)
    # When each provisions ledgerlink's side
    one = emulator.provision(_request(emulator.system))
    two = other.provision(_request(emulator.system))
    # Then no secret repeats
    assert set(one.secrets.values()).isdisjoint(two.secrets.values())
    assert one.system == two.system == emulator.system


def test_only_systems_that_act_by_themselves_have_background_work():
    # Given both emulators
    # Then Salesforce (outbound messages) and Zoho CRM (notification callbacks) have
    # background work, and Intacct and Zoho Books have none
    assert isinstance(_build("salesforce"), BackgroundWorker)
    assert isinstance(_build("zoho_crm"), BackgroundWorker)
    assert not isinstance(_build("intacct"), BackgroundWorker)
    assert not isinstance(_build("zoho_books"), BackgroundWorker)


# -- the fault dispatcher --------------------------------------------------------------------------


@dataclass
class RecordingWire:
    """A wire that answers strings and records what it was asked to show."""

    shown: list[str] = field(default_factory=list)
    expire_answers: bool = False

    def rate_limited(self, rule: FaultRule) -> str:
        self.shown.append(f"rate_limited:{rule.retry_after_s}")
        return "429"

    def server_error(self, rule: FaultRule) -> str:
        self.shown.append(f"server_error:{rule.status}")
        return str(rule.status)

    def timed_out(self, rule: FaultRule) -> str:
        self.shown.append("timed_out")
        return "504"

    def session_expired(self, rule: FaultRule) -> str | None:
        self.shown.append("session_expired")
        return "401" if self.expire_answers else None

    def answer_lost(self, answer: str) -> str:
        self.shown.append(f"answer_lost:{answer}")
        return "504-empty"


class Run:
    def __init__(self) -> None:
        self.ran = 0

    def __call__(self) -> str:
        self.ran += 1
        return "200"


@pytest.mark.parametrize(
    ("rules", "answer", "ran", "shown"),
    [
        ([], "200", 1, []),
        ([FaultRule("*", "rate_limit", retry_after_s=3)], "429", 0, ["rate_limited:3"]),
        ([FaultRule("*", "http_error", status=502)], "502", 0, ["server_error:502"]),
        ([FaultRule("*", "timeout")], "504", 0, ["timed_out"]),
        ([FaultRule("*", "lose_response")], "504-empty", 1, ["answer_lost:200"]),
        ([FaultRule("*", "expire_session")], "200", 1, ["session_expired"]),
        (
            [FaultRule("*", "lose_response"), FaultRule("*", "http_error", status=500)],
            "500",
            0,
            ["server_error:500"],
        ),
        (
            [FaultRule("*", "rate_limit"), FaultRule("*", "timeout")],
            "429",
            0,
            ["rate_limited:None"],
        ),
    ],
)
def test_the_dispatcher_decides_and_the_wire_only_shows(rules, answer, ran, shown):
    # Given the rules taken for one request and a wire that records what it shows
    wire, run = RecordingWire(), Run()
    # When the request is answered
    result = run_with_faults(rules, wire, run, sleep=lambda s: None)
    # Then the answer, whether the request ran, and what the wire showed follow the rules
    assert (result, run.ran, wire.shown) == (answer, ran, shown)


def test_an_expired_session_may_answer_at_once():
    # Given a wire whose expired session answers 401 (a REST API)
    wire, run = RecordingWire(expire_answers=True), Run()
    # When a request meets expire_session
    result = run_with_faults([FaultRule("*", "expire_session")], wire, run)
    # Then it is answered 401 without running
    assert (result, run.ran) == ("401", 0)


def test_latency_adds_up_and_a_timeout_waits_before_answering():
    # Given two latencies and a timeout with its own wait
    slept: list[float] = []
    rules = [
        FaultRule("*", "latency", latency_s=0.25),
        FaultRule("*", "latency", latency_s=0.5),
        FaultRule("*", "timeout", latency_s=2.0),
    ]
    # When the request is answered
    result = run_with_faults(rules, RecordingWire(), Run(), sleep=slept.append)
    # Then it slept the latencies' sum, then the timeout's wait, and timed out
    assert result == "504"
    assert slept == [0.75, 2.0]
