"""Outages survived, not dead-lettered: a login rate limit, refused credentials and a system
down for hours lose nothing and dead-letter nothing (issue 10 defect 3, issue 11 section 3).

No real waiting: the outage logic reads the runtime's clock, which these tests move on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sandbox.emulators.common import FaultRule


def test_a_login_rate_limit_is_waited_out_not_dead_lettered(world, sf_api):
    # Given three accounts created in Salesforce, and then ledgerlink's session ends while
    # Salesforce's token endpoint answers "login rate exceeded" to the next four sign-ins
    accounts = [sf_api.create("Account", Name=f"Throttled {n} Ltd") for n in range(3)]
    world.salesforce.org.oauth.end_all_sessions()
    world.salesforce.faults.add(FaultRule(match="TOKEN", kind="rate_limit", times=4))
    # When the outbound messages are delivered and synced
    world.settle()
    # Then every account reached Intacct once and nothing went to the DLQ
    assert sorted(c["CUSTOMERID"] for c in world.intacct.records("CUSTOMER")) == sorted(accounts)
    assert world.dead_letters("changes") == []
    assert world.metrics.counts["RecordRejected"] == 0


class SimulatedClock:
    """The time the outage logic sees, moved on by the test together with the emulators'."""

    def __init__(self, world) -> None:
        self.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
        self._world = world
        world.runtime.clock = lambda: self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta
        for emulator in self._world.emulators.values():
            emulator.advance_clock(delta)


def _store_secrets(world, secrets) -> None:
    """Replace the connection's secret, as an operator would, and let the cache forget it."""
    from aws_lambda_powertools.utilities import parameters

    world.runtime.secrets.put(world.creds.connection_id, secrets)
    parameters.clear_caches()
    world.runtime.__dict__.pop("secrets", None)  # as in a new container: no cached secret


def _customer_ids(world) -> list[str]:
    return sorted(c["CUSTOMERID"] for c in world.intacct.records("CUSTOMER"))


def _paused_systems(world) -> list[str]:
    return [p.system for p in world.runtime.outages.paused(world.creds.connection_id)]


def test_two_hours_of_intacct_down_loses_nothing_and_dead_letters_nothing(world, sf_api):
    # Given a linked account, then Intacct answering 503 to every call for two simulated
    # hours while accounts keep being created and edited in Salesforce every five minutes
    clock = SimulatedClock(world)
    first = sf_api.create("Account", Name="Before The Storm Ltd", Phone="100")
    world.settle()
    world.intacct.faults.add(FaultRule(match="*", kind="http_error", status=503, times=10**6))
    created = []
    for step in range(24):
        created.append(sf_api.create("Account", Name=f"Storm {step} Ltd"))
        sf_api.update("Account", first, Phone=f"1{step:02d}")
        world.settle()
        clock.advance(timedelta(minutes=5))
        world.poll()
    # Then, during the outage, Intacct is paused once and nothing reached the DLQ
    assert _paused_systems(world) == ["intacct"]
    assert world.metrics.counts["ConnectionPaused"] == 1
    assert world.dead_letters("changes") == []
    assert _customer_ids(world) == [first]
    # When Intacct comes back and the next poll's probe answers
    world.intacct.faults.clear()
    clock.advance(timedelta(minutes=15))
    world.poll()
    # Then the connection resumed by itself and every change synced, each customer once
    assert _paused_systems(world) == []
    assert world.metrics.counts["ConnectionResumed"] == 1
    assert _customer_ids(world) == sorted([first, *created])
    assert world.intacct.get("CUSTOMER", first)["DISPLAYCONTACT.PHONE1"] == "123"
    assert all(sf_api.get("Account", a)["Intacct_Customer_ID__c"] == a for a in created)
    assert len(sf_api.query("SELECT Id FROM Account")) == 1 + len(created)
    assert world.dead_letters("changes") == []
    assert world.runtime.outages.paused(world.creds.connection_id) == []


def test_refused_credentials_pause_the_connection_until_the_secret_is_fixed(world, sf_api):
    from sandbox.provisioning import connection_secrets
    from shared.models.connection import ConnectionSecrets

    # Given Intacct refusing the connection's password (someone changed it)
    clock = SimulatedClock(world)
    stored = connection_secrets(world.creds)
    broken = {**stored, "erp": {**stored["erp"], "user_password": "wrong"}}
    _store_secrets(world, ConnectionSecrets.model_validate(broken))
    # When two accounts are created in Salesforce
    accounts = [sf_api.create("Account", Name=f"Locked Out {n} Inc") for n in range(2)]
    world.settle()
    # Then Intacct is paused once, with the reason, and no message went to the DLQ
    pauses = world.runtime.outages.paused(world.creds.connection_id)
    assert [(p.system, p.reason) for p in pauses] == [("intacct", "credentials")]
    assert "Sign-in information is incorrect" in pauses[0].detail
    assert world.metrics.counts["ConnectionPaused"] == 1
    assert world.dead_letters("changes") == []
    assert world.metrics.counts["RecordRejected"] == 0
    # When a probe runs before the secret is fixed, nothing changes
    clock.advance(timedelta(minutes=16))
    world.poll()
    assert _paused_systems(world) == ["intacct"]
    assert _customer_ids(world) == []
    # When the secret is fixed and the next probe is due
    _store_secrets(world, ConnectionSecrets.model_validate(stored))
    clock.advance(timedelta(minutes=16))
    world.poll()
    # Then the connection resumed and the parked changes synced
    assert world.runtime.outages.paused(world.creds.connection_id) == []
    assert world.metrics.counts["ConnectionResumed"] == 1
    assert world.metrics.counts["ConnectionPaused"] == 1
    assert _customer_ids(world) == sorted(accounts)
    assert world.dead_letters("changes") == []


def _press_sync(world, contract_id: str):
    import time

    from shared.ingest.signatures import HEADER, sign

    url = f"{world.urls.api}/actions/{world.creds.connection_id}/contracts/{contract_id}/sync"
    signature = sign(world.creds.action_secret, b"{}", int(time.time()), url)
    return world.http.post(
        url, content=b"{}", headers={HEADER: signature, "Content-Type": "application/json"}
    )


def test_an_action_while_salesforce_fails_answers_503_with_retry_after(world, sf_api, intacct_api):
    from sandbox.stories import contract_deal

    # Given an activated contract, and Salesforce answering 503 to every contract query
    deal = contract_deal(sf_api, intacct_api)
    world.settle()
    world.salesforce.faults.add(
        FaultRule(match="QUERY Contract", kind="http_error", status=503, times=100)
    )
    # When the user presses Sync to Intacct
    answer = _press_sync(world, deal.contract_id)
    # Then the door says Salesforce is unavailable and when to come back; nothing was queued
    assert answer.status_code == 503, answer.text
    assert answer.headers["Retry-After"] == "60"
    assert "salesforce is not answering in time" in answer.json()["error"]
    world.settle()
    assert world.runner.invocations.get("create_contract", 0) == 0


def test_an_action_while_salesforce_is_paused_is_not_sent_to_salesforce(world, sf_api, intacct_api):
    from sandbox.stories import contract_deal
    from shared.errors import AuthenticationError

    # Given an activated contract, and Salesforce paused for its credentials
    clock = SimulatedClock(world)
    deal = contract_deal(sf_api, intacct_api)
    world.settle()
    refused = AuthenticationError("salesforce refused the credentials")
    refused.system = "salesforce"
    world.runtime.outages.failed(world.creds.connection_id, refused)
    calls_before = len(world.salesforce.calls.all())
    clock.advance(timedelta(minutes=1))
    # When the user presses Sync to Intacct
    answer = _press_sync(world, deal.contract_id)
    # Then the door answers at once when the next probe is due, without asking Salesforce
    assert answer.status_code == 503, answer.text
    assert answer.headers["Retry-After"] == str(14 * 60)
    assert world.metrics.counts["ConnectionPaused"] == 1
    assert len(world.salesforce.calls.all()) == calls_before


def test_a_login_limit_that_lasts_pauses_salesforce_until_a_probe_signs_in(world, sf_api):
    # Given accounts created in Salesforce, then ledgerlink's session ending while the token
    # endpoint keeps answering "login rate exceeded" (Salesforce lifts it within the hour)
    clock = SimulatedClock(world)
    accounts = [sf_api.create("Account", Name=f"Limited {n} Ltd") for n in range(4)]
    world.salesforce.org.oauth.end_all_sessions()
    world.salesforce.faults.add(FaultRule(match="TOKEN", kind="rate_limit", times=10**6))
    # When the outbound messages are delivered, and the poll runs twice in the hour
    world.settle()
    for _ in range(2):
        clock.advance(timedelta(minutes=20))
        world.poll()
    # Then Salesforce is paused as rate-limited, once, and nothing was dead-lettered
    pauses = world.runtime.outages.paused(world.creds.connection_id)
    assert [(p.system, p.reason) for p in pauses] == [("salesforce", "rate_limited")]
    assert world.metrics.counts["ConnectionPaused"] == 1
    assert world.dead_letters("changes") == []
    assert _customer_ids(world) == []
    # When the limit lifts and the next probe is due
    world.salesforce.faults.clear()
    clock.advance(timedelta(minutes=20))
    world.poll()
    # Then every account synced, once
    assert _paused_systems(world) == []
    assert _customer_ids(world) == sorted(accounts)
    assert world.dead_letters("changes") == []


def test_a_contract_sync_pressed_while_intacct_refuses_the_credentials_runs_after_the_fix(
    world, sf_api, intacct_api
):
    from sandbox.provisioning import connection_secrets
    from sandbox.stories import contract_deal
    from shared.models.connection import ConnectionSecrets

    # Given an activated contract, and then Intacct refusing the connection's password
    clock = SimulatedClock(world)
    deal = contract_deal(sf_api, intacct_api)
    world.settle()
    stored = connection_secrets(world.creds)
    broken = {**stored, "erp": {**stored["erp"], "user_password": "wrong"}}
    _store_secrets(world, ConnectionSecrets.model_validate(broken))
    # When the user presses Sync to Intacct (the door reads only Salesforce: accepted)
    answer = _press_sync(world, deal.contract_id)
    assert answer.status_code == 202, answer.text
    world.settle()
    # Then the request is parked, not dead-lettered
    assert _paused_systems(world) == ["intacct"]
    assert world.dead_letters("contracts") == []
    assert world.intacct.records("CONTRACT") == []
    # When the secret is fixed and the next probe is due
    _store_secrets(world, ConnectionSecrets.model_validate(stored))
    clock.advance(timedelta(minutes=16))
    world.poll()
    # Then the contract reached Intacct and Salesforce shows it synced
    contract = sf_api.get("Contract", deal.contract_id)
    assert contract["Intacct_Sync_Status__c"] == "Synced"
    assert [c["CONTRACTID"] for c in world.intacct.records("CONTRACT")] == [
        contract["Intacct_Contract_ID__c"]
    ]
    assert world.dead_letters("contracts") == []
