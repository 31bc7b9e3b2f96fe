"""Intacct's managed lists in Salesforce, read-only: loaded at set-up, refreshed on schedule,
Salesforce edits put back, and records picking an unknown value refused."""

from __future__ import annotations

from datetime import timedelta

from sandbox.stories import contract_deal
from shared.pairs.salesforce_intacct.managed_lists import LISTS
from tests.integration.test_contracts import press_sync


def refresh(world) -> None:
    world.runner.fire_schedule("refresh-lists")
    world.settle()


def values(sf_api, sobject: str, where: str = "") -> dict[str, tuple[str, bool]]:
    rows = sf_api.query(f"SELECT Intacct_ID__c, Name, Active__c FROM {sobject} {where}".strip())
    return {r["Intacct_ID__c"]: (r["Name"], r["Active__c"]) for r in rows}


def test_set_up_loads_every_managed_list(world, sf_api):
    # Given the connection set up (the world's provisioning ran the set-up step)
    # Then each of the twelve lists holds Intacct's values
    assert len({spec.sobject for spec in LISTS}) == 12
    for spec in LISTS:
        intacct = {str(r[spec.id_field]) for r in world.intacct.records(spec.intacct_object)}
        where = f"WHERE Kind__c = '{spec.kind}'" if spec.kind else ""
        assert set(values(sf_api, spec.sobject, where)) == intacct, spec.label
        assert intacct, spec.label
    terms = values(sf_api, "Intacct_AR_Payment_Term__c")
    assert terms["Net 30"] == ("Net 30", True)
    entities = values(sf_api, "Intacct_Location__c", "WHERE Kind__c = 'Entity'")
    assert entities == {"US": ("United States", True), "UK": ("United Kingdom", True)}


def test_additions_renames_and_inactivations_appear_on_refresh(world, sf_api, intacct_api):
    # Given the lists loaded; then in Intacct a class is added, a department renamed and a
    # payment term made inactive
    world.intacct.advance_clock(timedelta(seconds=2))
    intacct_api.create("CLASS", CLASSID="GOV", NAME="Government")
    intacct_api.update("DEPARTMENT", "SVC", TITLE="Professional services")
    world.intacct.edit("ARTERM", "Net 45", {"STATUS": "inactive"})
    world.intacct.calls.clear()
    # When the refresh runs
    refresh(world)
    # Then Salesforce shows each change
    assert values(sf_api, "Intacct_Class__c")["GOV"] == ("Government", True)
    assert values(sf_api, "Intacct_Department__c")["SVC"] == ("Professional services", True)
    assert values(sf_api, "Intacct_AR_Payment_Term__c")["Net 45"] == ("Net 45", False)
    # And a refresh with nothing new writes nothing
    world.intacct.advance_clock(timedelta(minutes=5))
    world.salesforce.calls.clear()
    refresh(world)
    assert world.salesforce.calls.writes() == []


def test_a_salesforce_edit_of_a_list_value_is_overwritten(world, sf_api):
    # Given a payment term mirrored in Salesforce, and a value made up in Salesforce
    [term] = sf_api.query(
        "SELECT Id FROM Intacct_AR_Payment_Term__c WHERE Intacct_ID__c = 'Net 30'"
    )
    refresh(world)  # the set-up's own writes are recognised, not put back
    world.intacct.calls.clear()
    # When a Salesforce user renames it and deactivates it, and adds a value of their own
    sf_api.update("Intacct_AR_Payment_Term__c", term["Id"], Name="Net 31", Active__c=False)
    sf_api.create("Intacct_AR_Payment_Term__c", Name="Net 7", Intacct_ID__c="Net 7")
    refresh(world)
    # Then Intacct's value is back, the made-up one is gone, and Intacct was only read
    assert values(sf_api, "Intacct_AR_Payment_Term__c")["Net 30"] == ("Net 30", True)
    assert "Net 7" not in values(sf_api, "Intacct_AR_Payment_Term__c")
    assert world.intacct.calls.writes() == []
    assert world.intacct.get("ARTERM", "Net 30")["DESCRIPTION"] == "Net 30 days"


def test_a_contract_picking_an_inactive_or_unknown_value_is_refused(world, sf_api, intacct_api):
    # Given a payment term made inactive in Intacct and refreshed into Salesforce
    world.intacct.advance_clock(timedelta(seconds=2))
    world.intacct.edit("ARTERM", "Net 60", {"STATUS": "inactive"})
    refresh(world)
    deal = contract_deal(sf_api, intacct_api)
    sf_api.update("Contract", deal.contract_id, Intacct_Payment_Term__c="Net 60")
    world.intacct.calls.clear()
    # When the contract is synced
    press_sync(world, deal.contract_id)
    world.settle()
    # Then it is refused naming the list and the value, before anything reached Intacct
    contract = sf_api.get("Contract", deal.contract_id)
    assert contract["Intacct_Sync_Status__c"] == "Refused"
    assert contract["Intacct_Sync_Error__c"] == "'Net 60' is inactive in Intacct's AR payment terms"
    assert [c for c in world.intacct.calls.writes() if c.target == "CONTRACT"] == []
    assert world.dead_letters("contracts") == []


def test_a_quiet_refresh_reads_each_list_once_in_one_intacct_request(world, sf_api):
    # Given the lists loaded, then refreshed twice a few seconds apart (the rows of both
    # refreshes are still in the overlap window, where our own writes must be recognised)
    from sandbox.bench.saas_meter import SaasMeter

    refresh(world)
    world.intacct.edit("TERRITORY", "WEST", {"NAME": "West Coast"})
    world.intacct.advance_clock(timedelta(seconds=2))
    world.salesforce.advance_clock(timedelta(seconds=2))
    refresh(world)
    meter = SaasMeter(world)
    world.intacct.calls.clear()
    world.salesforce.calls.clear()
    # When the refresh runs again with nothing changed anywhere
    refresh(world)
    # Then Intacct got one request holding one query per list, nothing was written, and
    # Salesforce was read once per list object (five queries a Composite call), no row of
    # ours taken for someone's edit
    requests, _ = meter.snapshot()
    assert requests["intacct"] == 1
    assert sorted(c.target for c in world.intacct.calls.all()) == sorted(
        spec.intacct_object for spec in LISTS
    )
    sobjects = {spec.sobject for spec in LISTS}
    assert sorted(c.target for c in world.salesforce.calls.all()) == sorted(sobjects)
    assert requests["salesforce"] == -(-len(sobjects) // 5)
    assert world.salesforce.calls.writes() == []
    assert values(sf_api, "Intacct_Territory__c")["WEST"] == ("West Coast", True)


def test_a_renamed_value_is_written_without_reading_salesforce_first(world, sf_api):
    # Given the lists loaded and refreshed once
    from sandbox.bench.saas_meter import SaasMeter

    refresh(world)
    meter = SaasMeter(world)
    world.salesforce.calls.clear()
    # When two values of two lists are renamed in Intacct and the refresh runs
    world.intacct.advance_clock(timedelta(seconds=2))
    world.intacct.edit("TERRITORY", "WEST", {"NAME": "West Coast"})
    world.intacct.edit("DEPARTMENT", "SVC", {"TITLE": "Services and support"})
    refresh(world)
    # Then each renamed value reached Salesforce with one upsert per list, and Salesforce
    # was otherwise only read for the put-back (one query per list object, five a call)
    requests, _ = meter.snapshot()
    assert [(c.op, c.target) for c in world.salesforce.calls.writes()] == [
        ("upsert", "Intacct_Department__c"),
        ("upsert", "Intacct_Territory__c"),
    ]
    assert requests["salesforce"] == -(-len({spec.sobject for spec in LISTS}) // 5) + 2
    assert values(sf_api, "Intacct_Territory__c")["WEST"] == ("West Coast", True)
    assert values(sf_api, "Intacct_Department__c")["SVC"] == ("Services and support", True)
