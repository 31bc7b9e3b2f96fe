"""Outages survived, not dead-lettered: a login rate limit, refused credentials and a system
down for hours lose nothing and dead-letter nothing (issue 10 defect 3, issue 11 section 3).

No real waiting: the outage logic reads the runtime's clock, which these tests move on."""

from __future__ import annotations

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
