"""The audit trail's marks leave out the connection's own creates (its user's rows of
``ACCESSMODE`` C): they were answered (and read back where Intacct derives anything) when
made, so they do not make an object worth a query. A person's create, our own update, and
what Intacct changes because of our writes still move the mark."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import httpx
from pydantic import SecretStr

from sandbox.emulators.intacct import IntacctEmulator
from sandbox.emulators.protocol import ProvisionRequest
from shared.connectors.intacct.client import IntacctClient
from shared.connectors.intacct.connector import IntacctConnector
from shared.connectors.intacct.settings import IntacctSecrets, IntacctSettings


def _ours_and_peoples(emu: IntacctEmulator) -> tuple[IntacctConnector, IntacctConnector]:
    """ledgerlink's connector (the connection's user) and one signed in as a person."""
    side = emu.provision(ProvisionRequest("http://api.test/webhooks/demo/intacct?token=t", {}))
    http = httpx.Client(transport=httpx.WSGITransport(app=emu.wsgi_app))
    settings = IntacctSettings.model_validate(side.settings)
    sender = SecretStr(side.secrets["sender_password"])
    ours = IntacctConnector(
        IntacctClient(
            http,
            settings,
            IntacctSecrets(
                sender_password=sender, user_password=SecretStr(side.secrets["user_password"])
            ),
        )
    )
    person = settings.model_copy(update={"user_id": side.endpoints["people_user_id"]})
    password = SecretStr(side.endpoints["people_user_password"])
    peoples = IntacctConnector(
        IntacctClient(http, person, IntacctSecrets(sender_password=sender, user_password=password))
    )
    return ours, peoples


def test_our_own_creates_leave_the_mark_where_a_persons_create_moves_it():
    # Given the marks of customers since a while ago
    emu = IntacctEmulator(base_url="http://intacct.test")
    ours, peoples = _ours_and_peoples(emu)
    anchors = {"CUSTOMER": emu.clock.now() - timedelta(minutes=1)}
    before = ours.change_marks(anchors)
    # When ledgerlink creates a customer (its display contact comes with it)
    ours.create("CUSTOMER", {"CUSTOMERID": "C-1", "NAME": "Ours Ltd"}, idempotency_key="c1")
    after_ours = ours.change_marks(anchors)
    # And then a person creates one through the API
    peoples.create("CUSTOMER", {"CUSTOMERID": "C-2", "NAME": "Theirs Ltd"}, idempotency_key="c2")
    after_theirs = ours.change_marks(anchors)
    # Then our create left the mark as it was, the person's moved it
    assert before == after_ours == {"CUSTOMER": ""}
    assert after_theirs is not None
    assert after_theirs["CUSTOMER"] != ""


def test_our_own_update_still_moves_the_mark():
    # Given a customer a person made, and its mark once seen
    emu = IntacctEmulator(base_url="http://intacct.test")
    ours, _ = _ours_and_peoples(emu)
    emu.seed("CUSTOMER", {"CUSTOMERID": "C-1", "NAME": "Acme"})
    anchors = {"CUSTOMER": emu.clock.now() - timedelta(minutes=1)}
    seen = ours.change_marks(anchors)
    # When ledgerlink updates it
    ours.update("CUSTOMER", "C-1", {"NAME": "Acme Corp"}, idempotency_key="u1")
    # Then the mark moves (an update's echo is still checked by the poll)
    assert ours.change_marks(anchors) != seen


def test_what_intacct_rolls_up_from_our_create_still_moves_the_mark():
    # Given a project a person made, and the marks of projects and tasks
    emu = IntacctEmulator(base_url="http://intacct.test")
    ours, _ = _ours_and_peoples(emu)
    emu.seed("PROJECT", {"PROJECTID": "P-1", "NAME": "Roll-up", "PROJECTCATEGORY": "Contract"})
    anchors = {n: emu.clock.now() - timedelta(minutes=1) for n in ("PROJECT", "TASK")}
    seen = ours.change_marks(anchors)
    assert seen is not None
    # When ledgerlink creates a task with an estimate under it
    task = {"NAME": "Design", "PROJECTID": "P-1", "ESTQTY": Decimal(40)}
    ours.create("TASK", task, idempotency_key="t1")
    after = ours.change_marks(anchors)
    # Then the task (our create) leaves the tasks' mark, and the project's estimate Intacct
    # rolled up from it (a change, not our create) moves the projects' mark
    assert after is not None
    assert after["TASK"] == seen["TASK"] == ""
    assert after["PROJECT"] != seen["PROJECT"]
    assert emu.get("PROJECT", "P-1")["ESTQTY"] == Decimal(40)


class _TrailWithoutAccessMode(httpx.BaseTransport):
    """A company whose audit trail has no ``ACCESSMODE``: every request naming it names a
    field the gateway does not know instead (so the emulator refuses it as it would)."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self._inner = inner
        self.refusable = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        if b"<field>ACCESSMODE</field>" in body:
            self.refusable += 1
            body = body.replace(b"<field>ACCESSMODE</field>", b"<field>NOSUCHFIELD</field>")
            request = httpx.Request(
                request.method,
                request.url,
                headers={k: v for k, v in request.headers.items() if k != "content-length"},
                content=body,
            )
        return self._inner.handle_request(request)


def test_a_trail_refusing_the_own_creates_filter_still_gives_marks_counting_them():
    # Given a company whose audit trail does not know ACCESSMODE
    emu = IntacctEmulator(base_url="http://intacct.test")
    side = emu.provision(ProvisionRequest("http://api.test/webhooks/demo/intacct?token=t", {}))
    transport = _TrailWithoutAccessMode(httpx.WSGITransport(app=emu.wsgi_app))
    ours = IntacctConnector(
        IntacctClient(
            httpx.Client(transport=transport),
            IntacctSettings.model_validate(side.settings),
            IntacctSecrets(
                sender_password=SecretStr(side.secrets["sender_password"]),
                user_password=SecretStr(side.secrets["user_password"]),
            ),
        )
    )
    anchors = {"CUSTOMER": emu.clock.now() - timedelta(minutes=1)}
    # When ledgerlink creates a customer and then asks for the marks, twice
    ours.create("CUSTOMER", {"CUSTOMERID": "C-1", "NAME": "Ours Ltd"}, idempotency_key="c1")
    first = ours.change_marks(anchors)
    second = ours.change_marks(anchors)
    # Then the filter was tried once and refused, and the marks still come from the trail,
    # our create counted in them: the trail is not given up
    assert transport.refusable == 1
    assert first is not None
    assert first["CUSTOMER"] != ""
    assert second == first
