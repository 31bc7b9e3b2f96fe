"""An account's territory, picked from Intacct's mirrored territories, reaches the Intacct
customer's TERRITORYID and comes back; an unknown or inactive one is refused naming the list
and the value before anything is written to Intacct."""

from __future__ import annotations

from datetime import timedelta

from tests.integration.test_projects import list_value


def test_an_account_territory_reaches_the_intacct_customer(world, sf_api):
    # Given the territories loaded from Intacct at set-up
    west = list_value(sf_api, "Intacct_Territory__c", "WEST")
    # When an account picking West is created in Salesforce
    account = sf_api.create("Account", Name="Acme West", Territory__c=west)
    world.settle()
    # Then its Intacct customer is in territory WEST
    customer = world.intacct.get("CUSTOMER", account)
    assert customer is not None
    assert customer["TERRITORYID"] == "WEST"


def test_a_territory_changed_in_intacct_shows_on_the_account(world, sf_api):
    # Given an account synced to Intacct, in no territory
    account = sf_api.create("Account", Name="Acme Global")
    world.settle()
    # When finance puts the customer in EMEA in Intacct
    world.intacct.advance_clock(timedelta(seconds=2))
    world.intacct.edit("CUSTOMER", account, {"TERRITORYID": "EMEA"})
    world.poll()
    # Then the account's territory is the EMEA value of the mirrored list
    shown = sf_api.get("Account", account)
    assert shown["Territory__c"] == list_value(sf_api, "Intacct_Territory__c", "EMEA")


def test_an_account_picking_an_inactive_territory_is_refused_naming_the_list(world, sf_api):
    # Given a territory made inactive in Intacct, refreshed into Salesforce
    world.intacct.advance_clock(timedelta(seconds=2))
    world.intacct.edit("TERRITORY", "EMEA", {"STATUS": "inactive"})
    world.runner.fire_schedule("refresh-lists")
    emea = list_value(sf_api, "Intacct_Territory__c", "EMEA")
    # When an account picks it
    sf_api.create("Account", Name="Acme Europe", Territory__c=emea)
    world.settle()
    # Then no customer reached Intacct, and the refusal names the list and the value
    assert [c for c in world.intacct.records("CUSTOMER") if c["NAME"] == "Acme Europe"] == []
    [dead] = world.dead_letters()
    reason = dead["MessageAttributes"]["reason"]["StringValue"]
    assert reason == "'EMEA' is inactive in Intacct's territories"
