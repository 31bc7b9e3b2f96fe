"""A system and a pair are plug-ins: test code registers a fake CRM, a fake ERP and a pair
joining them, and the real handlers, engine, poller, queue workers and doors run them —
set-up, creates under both identity strategies, updates, echoes and a workflow — with no
edit under shared/, functions/ or infra/."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import httpx
import pytest
from moto import mock_aws

from sandbox.apigw import ApiGatewayStandIn
from sandbox.aws import create_all
from sandbox.lambda_runner import LambdaRunner
from sandbox.metrics import MetricsRecorder
from shared.connectors import registry as systems
from shared.errors import SetupRefusedError
from shared.ingest.signatures import HEADER, sign
from shared.pairs import registry as pairs
from shared.runtime import Runtime, set_runtime
from shared.setup import set_up_connection
from tests.fakes.pair import FAKE_PAIR
from tests.fakes.systems import FAKE_CRM, FAKE_ERP, Account, Cloud

API = "http://api.test"
CONFIG = {
    "connection_id": "fake",
    "crm": {"system": "fakecrm", "account": "crm-1"},
    "erp": {"system": "fakeerp", "account": "erp-1"},
    "poll_overlap_s": 0,
}
SECRETS = {
    "webhook_token": "hook-token",
    "action_secret": "action-secret",
    "crm": {"password": "crm-pw"},
    "erp": {"password": "erp-pw"},
}


@dataclass
class FakeWorld:
    runtime: Runtime
    runner: LambdaRunner
    api: httpx.Client
    crm: Account
    erp: Account

    def notify(self, *changed: tuple[str, str]) -> httpx.Response:
        body = json.dumps({"changed": [list(c) for c in changed]})
        return self.api.post(
            "/webhooks/fake/fakecrm", content=body, headers={"X-Fake-Token": "hook-token"}
        )

    def press(self, path: str) -> httpx.Response:
        body = b"{}"
        signature = sign("action-secret", body, int(time.time()), f"/actions/fake/{path}")
        return self.api.post(f"/actions/fake/{path}", content=body, headers={HEADER: signature})

    def poll(self) -> Any:
        result = self.runner.fire_schedule("poll-changes")
        self.runner.drain()
        return result


@pytest.fixture
def fake() -> Iterator[FakeWorld]:
    systems.register(FAKE_CRM)
    systems.register(FAKE_ERP)
    pairs.register(FAKE_PAIR)
    crm, erp = Cloud.open("crm-1", "crm-pw"), Cloud.open("erp-1", "erp-pw")
    try:
        with mock_aws():
            sqs = boto3.client("sqs")
            resources = create_all(boto3.client("dynamodb"), sqs, visibility_timeout_s=30)
            runner = LambdaRunner(sqs, resources.queues)
            runtime = Runtime(
                settings=resources.settings(),
                dynamodb=boto3.client("dynamodb"),
                sqs=sqs,
                secretsmanager=boto3.client("secretsmanager"),
                http=httpx.Client(),
                metrics=MetricsRecorder(),
            )
            set_runtime(runtime)
            api = httpx.Client(
                transport=httpx.WSGITransport(app=ApiGatewayStandIn(runner.invoke)), base_url=API
            )
            yield FakeWorld(runtime, runner, api, crm, erp)
    finally:
        set_runtime(None)
        pairs.unregister(FAKE_PAIR)
        systems.unregister(FAKE_CRM.name)
        systems.unregister(FAKE_ERP.name)


def _set_up(fake: FakeWorld) -> None:
    report = set_up_connection(fake.runtime, CONFIG, SECRETS)
    assert report.pair == "fakecrm_fakeerp"
    assert "fake hook saw 0 parties" in report.checks


def test_set_up_checks_both_systems_and_stores_nothing_when_one_refuses(fake):
    # Given the ERP password is wrong
    wrong = {**SECRETS, "erp": {"password": "nope"}}
    # When the connection is set up, it is refused naming the side
    with pytest.raises(SetupRefusedError, match=r"erp \(fakeerp\) refused"):
        set_up_connection(fake.runtime, CONFIG, wrong)
    # Then nothing was stored
    assert fake.runtime.connections.ids() == []
    # And a configuration naming an unknown field is refused with its path
    with pytest.raises(SetupRefusedError, match=r"crm\.colour"):
        set_up_connection(fake.runtime, {**CONFIG, "crm": {**CONFIG["crm"], "colour": 1}}, SECRETS)


def test_a_crm_record_reaches_the_erp_under_a_key_we_choose(fake):
    # Given a set-up connection and a person created in the fake CRM
    _set_up(fake)
    fake.crm.table("Person")["PER00001"] = {
        "name": "Ada",
        "email": "ada@x",
        "_stamp": fake.crm.tick(),
    }
    # When the CRM's webhook says so
    answer = fake.notify(("Person", "PER00001"))
    assert answer.status_code == 200
    assert answer.json() == {"accepted": 1}
    fake.runner.drain()
    # Then the ERP has one party under the key the pair computes, and the CRM shows it
    [(code, party)] = fake.erp.table("Party").items()
    assert code.startswith("P-")
    assert (party["name"], party["email"]) == ("Ada", "ada@x")
    assert fake.crm.table("Person")["PER00001"]["erp_code"] == code


def test_a_lost_answer_on_a_chosen_key_create_still_makes_one_record(fake):
    _set_up(fake)
    fake.crm.table("Person")["PER00001"] = {"name": "Ada", "_stamp": fake.crm.tick()}
    # Given the ERP creates the party but its answer is lost
    fake.erp.lose_next_answer = True
    # When the change is delivered (and redelivered after the failure)
    fake.notify(("Person", "PER00001"))
    fake.runner.drain()
    # Then there is one party, found again by its chosen key, and the link is complete
    assert len(fake.erp.table("Party")) == 1
    assert [op for op, obj, _ in fake.erp.writes if obj == "Party"] == ["create", "update"]
    assert fake.crm.table("Person")["PER00001"]["erp_code"] in fake.erp.table("Party")


def test_an_erp_record_reaches_the_crm_under_an_id_the_crm_assigns(fake):
    _set_up(fake)
    # Given a party created in the ERP
    fake.erp.table("Party")["P-7"] = {"code": "P-7", "name": "Grace", "_stamp": fake.erp.tick()}
    # When the poller runs
    fake.poll()
    # Then the CRM has one person, with an id it chose, carrying the ERP key
    [(person_id, person)] = fake.crm.table("Person").items()
    assert person_id.startswith("PER")
    assert (person["name"], person["erp_code"]) == ("Grace", "P-7")
    # And a second poll (our own write read back, the ERP unchanged) writes nothing
    writes = (len(fake.crm.writes), len(fake.erp.writes))
    fake.poll()
    assert (len(fake.crm.writes), len(fake.erp.writes)) == writes


def test_an_edit_reaches_the_other_side_once_and_its_echo_is_dropped(fake):
    _set_up(fake)
    fake.crm.table("Person")["PER00001"] = {"name": "Ada", "_stamp": fake.crm.tick()}
    fake.notify(("Person", "PER00001"))
    fake.runner.drain()
    code = fake.crm.table("Person")["PER00001"]["erp_code"]
    before = len(fake.erp.writes)
    # When the person is renamed in the CRM
    person = fake.crm.table("Person")["PER00001"]
    person.update({"name": "Ada Lovelace", "_stamp": fake.crm.tick()})
    fake.notify(("Person", "PER00001"))
    fake.runner.drain()
    # Then the party is updated once
    assert fake.erp.table("Party")[code]["name"] == "Ada Lovelace"
    assert fake.erp.writes[before:] == [("update", "Party", code)]
    # And polling both sides afterwards (our write read back as a change) writes nothing more
    fake.poll()
    assert fake.erp.writes[before:] == [("update", "Party", code)]


def test_a_button_runs_the_pairs_workflow_from_its_own_queue(fake):
    _set_up(fake)
    fake.crm.table("Person")["PER00001"] = {"name": "Ada", "_stamp": fake.crm.tick()}
    # When the user presses the pair's button twice
    first = fake.press("people/PER00001/deal")
    second = fake.press("people/PER00001/deal")
    assert (first.status_code, second.status_code) == (202, 202)
    fake.runner.drain()
    # Then the workflow synced the person first, opened one deal, and showed it in the CRM
    code = fake.crm.table("Person")["PER00001"]["erp_code"]
    assert list(fake.erp.table("Deal")) == ["D-PER00001"]
    assert fake.erp.table("Deal")["D-PER00001"]["party"] == code
    assert fake.crm.table("Person")["PER00001"]["deal_status"] == "Open"
    # And a path the pair has no action for, or an unknown person, is refused at the door
    assert fake.press("people/PER00001/explode").status_code == 404
    assert fake.press("people/PER99999/deal").status_code == 404
