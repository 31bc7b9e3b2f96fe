"""Reconciliation compares both systems and reports what drifted; repair queues the fix."""

from __future__ import annotations

from shared.reconcile import main, reconcile

PHONE = "DISPLAYCONTACT.PHONE1"


def test_a_linked_pair_whose_fields_disagree_is_reported_and_repaired(world, sf_api, intacct_api):
    # Given a linked account, and an Intacct edit that never reached ledgerlink
    account = sf_api.create("Account", Name="Drifty Inc", Phone="100")
    world.settle()
    intacct_api.update("CUSTOMER", account, **{PHONE: "999"})
    # When both systems are reconciled
    report = reconcile(world.runtime, world.connection)
    # Then the pair is reported as differing on that field only
    [drift] = report.drifts
    assert (drift.kind, drift.fields) == ("differs", (PHONE,))
    assert drift.ref == f"salesforce/Account/{account}"
    # And a repair copies the winning side (crm_wins: Salesforce) over
    repaired = reconcile(world.runtime, world.connection, repair=True)
    assert repaired.repairs_queued == 1
    world.settle()
    assert world.intacct.get("CUSTOMER", account)[PHONE] == "100"
    assert reconcile(world.runtime, world.connection).drifts == []


def test_a_record_that_never_synced_is_missing_until_repaired(world, sf_api):
    # Given an account whose outbound message Salesforce never sent (and no poll ran)
    with world.salesforce.holding_outbound():
        account = sf_api.create("Account", Name="Forgotten LLC")
        world.salesforce.take_outbound()
    report = reconcile(world.runtime, world.connection, repair=True)
    assert [(d.kind, d.ref) for d in report.drifts] == [
        ("missing", f"salesforce/Account/{account}")
    ]
    world.settle()
    # Then the repair created it, and nothing is left to report
    assert world.intacct.get("CUSTOMER", account) is not None
    assert reconcile(world.runtime, world.connection).drifts == []


def test_the_entry_point_prints_the_report_and_fails_on_drift(world, sf_api, intacct_api, capsys):
    account = sf_api.create("Account", Name="Cli Co", Phone="1")
    world.settle()
    assert main(["demo"]) == 0
    intacct_api.update("CUSTOMER", account, **{PHONE: "2"})
    assert main(["demo"]) == 1
    assert '"kind": "differs"' in capsys.readouterr().out
