"""The Intacct poll asks the audit trail which objects changed (one billed function) and
queries only those; a company that refuses the trail is polled object by object."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sandbox.world import World


def _functions(world: World, since: int) -> Counter[str]:
    return Counter(f"{c.op}:{c.target}" for c in world.intacct.calls.all()[since:])


def test_a_quiet_poll_costs_one_function_and_a_change_is_still_synced(world, intacct_api, sf_api):
    # Given a connection that has polled once (every object queried, cursors noted)
    world.poll()
    mark = len(world.intacct.calls.all())
    # When it polls again with nothing changed in Intacct
    world.poll()
    # Then the only Intacct function is the audit trail's query
    assert _functions(world, mark) == Counter({"query:AUDITHISTORY": 1})
    # And when finance then creates a customer, the next poll queries customers and
    # contacts once each (the display contact Intacct made is known as the customer's from
    # the customer just read: no lookup) and the customer reaches Salesforce
    mark = len(world.intacct.calls.all())
    world.intacct.advance_clock(timedelta(seconds=2))
    intacct_api.create("CUSTOMER", CUSTOMERID="FEED-1", NAME="Feed Industries")
    world.poll()
    queried = Counter({k: n for k, n in _functions(world, mark).items() if k.startswith("query")})
    assert queried == Counter({"query:AUDITHISTORY": 1, "query:CUSTOMER": 1, "query:CONTACT": 1})
    rows = sf_api.query("SELECT Name FROM Account WHERE Intacct_Customer_ID__c = 'FEED-1'")
    assert [r["Name"] for r in rows] == ["Feed Industries"]


def test_without_the_trail_permission_every_polled_object_is_queried(world, intacct_api, sf_api):
    # Given a company whose API user may not read the audit trail
    world.intacct.permit_audit_history(False)
    world.poll()
    mark = len(world.intacct.calls.all())
    # When finance creates a customer and ledgerlink polls
    world.intacct.advance_clock(timedelta(seconds=2))
    intacct_api.create("CUSTOMER", CUSTOMERID="FEED-2", NAME="Fallback Ltd")
    world.poll()
    # Then every polled object is queried (the trail is not asked again) and the customer
    # is synced all the same
    queried = {k for k in _functions(world, mark) if k.startswith("query:")}
    assert "query:AUDITHISTORY" not in queried
    assert {f"query:{o}" for o in world.connection.erp_polled_objects} <= queried
    rows = sf_api.query("SELECT Name FROM Account WHERE Intacct_Customer_ID__c = 'FEED-2'")
    assert [r["Name"] for r in rows] == ["Fallback Ltd"]


def test_an_object_is_queried_again_only_when_the_trail_has_something_new_for_it(
    world, intacct_api, sf_api
):
    # Given a connection that has polled once, and a customer finance made, then polled
    # (and polled once more: the sync completed the customer, which that poll saw as ours)
    world.poll()
    world.intacct.advance_clock(timedelta(seconds=2))
    intacct_api.create("CUSTOMER", CUSTOMERID="MARK-1", NAME="Marked Ltd")
    world.poll()
    world.intacct.advance_clock(timedelta(seconds=2))
    world.poll()
    # When it polls again a little later, well inside the poll's overlap window
    world.intacct.advance_clock(timedelta(seconds=2))
    mark = len(world.intacct.calls.all())
    world.poll()
    # Then the customers are not queried again: the trail has nothing new for them
    assert _functions(world, mark) == Counter({"query:AUDITHISTORY": 1})
    # And when another customer is made in the same whole second as the poll's last look
    mark = len(world.intacct.calls.all())
    intacct_api.create("CUSTOMER", CUSTOMERID="MARK-2", NAME="Same Second Ltd")
    world.poll()
    # Then its row counts as new: customers are queried and it reaches Salesforce
    assert _functions(world, mark)["query:CUSTOMER"] == 1
    rows = sf_api.query("SELECT Name FROM Account WHERE Intacct_Customer_ID__c = 'MARK-2'")
    assert [r["Name"] for r in rows] == ["Same Second Ltd"]


def test_the_poll_after_our_own_creates_asks_only_the_trail(world, intacct_api, sf_api):
    # Given a connection that has polled once
    world.poll()
    # When accounts made in Salesforce are created in Intacct as customers
    for i in range(3):
        sf_api.create("Account", Name=f"Own Create {i}")
    world.settle()
    assert len(world.intacct.calls.writes("CUSTOMER")) == 3
    # And ledgerlink polls Intacct after its own creates
    world.intacct.advance_clock(timedelta(seconds=2))
    mark = len(world.intacct.calls.all())
    world.poll()
    # Then the only Intacct function is the trail's query: nothing there but our creates
    # (and the display contacts Intacct made with them), answered when they were made
    assert _functions(world, mark) == Counter({"query:AUDITHISTORY": 1})
    # And a customer finance then creates is still queried and reaches Salesforce
    world.intacct.advance_clock(timedelta(seconds=2))
    intacct_api.create("CUSTOMER", CUSTOMERID="OWN-1", NAME="Finance Made Ltd")
    world.poll()
    rows = sf_api.query("SELECT Name FROM Account WHERE Intacct_Customer_ID__c = 'OWN-1'")
    assert [r["Name"] for r in rows] == ["Finance Made Ltd"]
