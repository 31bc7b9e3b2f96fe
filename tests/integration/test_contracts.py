"""Activated Salesforce contracts -> Intacct contracts, and Intacct's view flowing back."""

from __future__ import annotations

import time
from datetime import date
from decimal import Decimal

import pytest

from sandbox.emulators.salesforce import build_outbound_envelope
from sandbox.provisioning import webhook_url
from sandbox.stories import PRODUCTS, contract_deal
from shared.ingest.signatures import HEADER, sign


def press_sync(world, contract_id: str, *, secret: str | None = None, body: bytes = b"{}"):
    url = f"{world.urls.api}/actions/{world.creds.connection_id}/contracts/{contract_id}/sync"
    signature = sign(secret or world.creds.action_secret, body, int(time.time()), url)
    return world.http.post(
        url, content=body, headers={HEADER: signature, "Content-Type": "application/json"}
    )


def test_activated_contract_becomes_an_intacct_contract_with_its_lines(world, sf_api, intacct_api):
    # Given a Contract opportunity with three products, won, and its activated contract
    deal = contract_deal(sf_api, intacct_api)
    world.settle()
    # When the user presses Sync to Intacct
    answer = press_sync(world, deal.contract_id)
    assert answer.status_code == 202, answer.text
    world.settle()
    # Then the Salesforce contract shows the Intacct contract id and a Synced status
    contract = sf_api.get("Contract", deal.contract_id)
    assert contract["Intacct_Sync_Status__c"] == "Synced"
    assert contract["Intacct_Sync_Error__c"] is None
    intacct_id = contract["Intacct_Contract_ID__c"]
    assert intacct_id == "CON-0001"  # from Intacct's sequence
    # And Intacct holds the header for the linked customer and one line per product
    header = world.intacct.get("CONTRACT", intacct_id)
    assert header["CUSTOMERID"] == deal.account_id
    assert (header["BEGINDATE"], header["ENDDATE"]) == (date(2026, 1, 1), date(2026, 12, 31))
    lines = sorted(
        (r for r in world.intacct.records("CONTRACTDETAIL") if r["CONTRACTID"] == intacct_id),
        key=lambda r: r["LINENO"],
    )
    assert [(r["ITEMID"], r["QUANTITY"], r["PRICE"], r["BEGINDATE"]) for r in lines] == [
        (code, quantity, price, date(2026, 1, 1)) for _, code, price, quantity in PRODUCTS
    ]


def test_billing_run_shows_contract_invoices_in_salesforce(world, sf_api, intacct_api):
    # Given a synced contract
    deal = contract_deal(sf_api, intacct_api)
    press_sync(world, deal.contract_id)
    world.settle()
    intacct_id = sf_api.get("Contract", deal.contract_id)["Intacct_Contract_ID__c"]
    # When Intacct runs a billing cycle and ledgerlink's mirror schedule runs
    invoices = world.intacct.run_billing(date(2026, 2, 15))
    assert len(invoices) == 2  # January and February
    world.mirror()
    # Then Salesforce shows the contract, its lines and its invoices, read-only mirrors
    mirrored = sf_api.query(
        "SELECT Id, Contract__c, Account__c, State__c FROM Intacct_Contract__c "
        f"WHERE Intacct_Contract_ID__c = '{intacct_id}'"
    )
    assert [(m["Contract__c"], m["Account__c"]) for m in mirrored] == [
        (deal.contract_id, deal.account_id)
    ]
    lines = sf_api.query(
        "SELECT Item_ID__c, Amount__c FROM Intacct_Contract_Line__c "
        f"WHERE Intacct_Contract__c = '{mirrored[0]['Id']}' ORDER BY Item_ID__c"
    )
    assert [(r["Item_ID__c"], r["Amount__c"]) for r in lines] == sorted(
        (code, price * quantity) for _, code, price, quantity in PRODUCTS
    )
    invoice_rows = sf_api.query(
        "SELECT Invoice_Number__c, Invoice_Date__c, Total_Amount__c FROM "
        f"Intacct_Contract_Invoice__c WHERE Intacct_Contract__c = '{mirrored[0]['Id']}' "
        "ORDER BY Invoice_Date__c"
    )
    monthly = sum(price * quantity for _, _, price, quantity in PRODUCTS)
    assert [(r["Invoice_Date__c"], r["Total_Amount__c"]) for r in invoice_rows] == [
        ("2026-01-01", monthly),
        ("2026-02-01", monthly),
    ]
    assert monthly == Decimal("14800.00")


def test_edits_to_the_mirrors_in_salesforce_never_reach_intacct(world, sf_api, intacct_api):
    # Given a synced contract, billed and mirrored into Salesforce
    deal = contract_deal(sf_api, intacct_api)
    press_sync(world, deal.contract_id)
    world.settle()
    intacct_id = sf_api.get("Contract", deal.contract_id)["Intacct_Contract_ID__c"]
    world.intacct.run_billing(date(2026, 1, 31))
    world.mirror()
    mirror = sf_api.query(
        f"SELECT Id FROM Intacct_Contract__c WHERE Intacct_Contract_ID__c = '{intacct_id}'"
    )[0]["Id"]
    state = world.intacct.get("CONTRACT", intacct_id)["STATE"]
    # When a Salesforce user edits the mirror, and a notification about it reaches the webhook
    sf_api.update("Intacct_Contract__c", mirror, State__c="Cancelled")
    world.intacct.calls.clear()
    envelope = build_outbound_envelope(
        world.salesforce.org_id,
        "04k000000000009AAA",
        [("04l000000000009AAA", "Intacct_Contract__c", {"Id": mirror})],
    )
    answer = world.http.post(webhook_url(world.urls.api, world.creds), content=envelope)
    world.poll()
    world.mirror()
    # Then the notification is refused, and Intacct received no write
    assert answer.status_code == 400
    assert "Intacct_Contract__c" in answer.json()["error"]
    assert world.intacct.calls.writes() == []
    assert world.intacct.get("CONTRACT", intacct_id)["STATE"] == state


def test_a_contract_that_is_not_activated_is_refused_at_the_door(world, sf_api, intacct_api):
    deal = contract_deal(sf_api, intacct_api, activate=False)
    answer = press_sync(world, deal.contract_id)
    assert answer.status_code == 409
    assert "only Activated contracts" in answer.json()["error"]
    world.settle()
    assert world.intacct.records("CONTRACT") == []


@pytest.mark.parametrize(("secret", "status"), [("wrong-secret", 401)])
def test_an_unsigned_or_badly_signed_action_is_refused(world, sf_api, intacct_api, secret, status):
    deal = contract_deal(sf_api, intacct_api)
    assert press_sync(world, deal.contract_id, secret=secret).status_code == status
    url = f"{world.urls.api}/actions/{world.creds.connection_id}/contracts/{deal.contract_id}/sync"
    assert world.http.post(url, content=b"{}").status_code == 401
    world.settle()
    assert world.intacct.records("CONTRACT") == []


def test_an_opportunity_of_another_record_type_is_refused_with_a_status(world, sf_api, intacct_api):
    deal = contract_deal(sf_api, intacct_api, record_type="Sales_Order")
    assert press_sync(world, deal.contract_id).status_code == 202
    world.settle()
    contract = sf_api.get("Contract", deal.contract_id)
    assert contract["Intacct_Sync_Status__c"] == "Refused"
    assert "record type 'Sales Order'" in contract["Intacct_Sync_Error__c"]
    assert world.intacct.records("CONTRACT") == []


def test_a_product_without_an_intacct_item_is_refused_by_name(world, sf_api, intacct_api):
    deal = contract_deal(sf_api, None)  # no Intacct items exist
    press_sync(world, deal.contract_id)
    world.settle()
    contract = sf_api.get("Contract", deal.contract_id)
    assert contract["Intacct_Sync_Status__c"] == "Refused"
    assert "product 'Platform licence'" in contract["Intacct_Sync_Error__c"]
    assert "PLAT-LIC" in contract["Intacct_Sync_Error__c"]
    assert world.intacct.records("CONTRACT") == []


def test_pressing_twice_makes_one_contract(world, sf_api, intacct_api):
    deal = contract_deal(sf_api, intacct_api)
    assert press_sync(world, deal.contract_id).status_code == 202
    assert press_sync(world, deal.contract_id).status_code == 202
    world.settle()
    assert press_sync(world, deal.contract_id).status_code == 202
    world.settle()
    assert len(world.intacct.records("CONTRACT")) == 1
    assert len(world.intacct.records("CONTRACTDETAIL")) == 3


def test_a_lost_answer_from_intacct_still_makes_one_contract(world, sf_api, intacct_api):
    from sandbox.emulators.common import FaultRule

    deal = contract_deal(sf_api, intacct_api)
    # Intacct creates the header but the answer is lost on the way back
    world.intacct.faults.add(FaultRule(match="create CONTRACT", kind="lose_response"))
    press_sync(world, deal.contract_id)
    world.settle()
    assert len(world.intacct.records("CONTRACT")) == 1
    assert len(world.intacct.records("CONTRACTDETAIL")) == 3
    assert sf_api.get("Contract", deal.contract_id)["Intacct_Sync_Status__c"] == "Synced"


def test_managed_list_values_on_the_contract_replace_the_connection_defaults(
    world, sf_api, intacct_api
):
    # Given a contract whose user chose a term, frequency, method and renewal from Intacct's lists
    deal = contract_deal(sf_api, intacct_api)
    sf_api.update(
        "Contract",
        deal.contract_id,
        Intacct_Payment_Term__c="Net 60",
        Intacct_Billing_Frequency__c="Quarterly",
        Intacct_Billing_Method__c="Fixed price",
        Intacct_Renewal_Template__c="Annual renewal",
    )
    # When it syncs
    press_sync(world, deal.contract_id)
    world.settle()
    # Then the Intacct header and lines carry those choices, not the defaults
    intacct_id = sf_api.get("Contract", deal.contract_id)["Intacct_Contract_ID__c"]
    header = world.intacct.get("CONTRACT", intacct_id)
    assert (header["TERMNAME"], header["BILLINGFREQUENCY"]) == ("Net 60", "Quarterly")
    assert (header["RENEWAL"], header["RENEWALMACRO"]) == (True, "Annual renewal")
    lines = [r for r in world.intacct.records("CONTRACTDETAIL") if r["CONTRACTID"] == intacct_id]
    assert {r["BILLINGMETHOD"] for r in lines} == {"Fixed price"}
    assert sorted(r["FLATAMOUNT"] for r in lines) == sorted(q * p for _, _, p, q in PRODUCTS)


def test_a_renewal_template_not_in_intaccts_list_is_refused_naming_the_list(
    world, sf_api, intacct_api
):
    deal = contract_deal(sf_api, intacct_api)
    sf_api.update("Contract", deal.contract_id, Intacct_Renewal_Template__c="Every decade")
    press_sync(world, deal.contract_id)
    world.settle()
    contract = sf_api.get("Contract", deal.contract_id)
    assert contract["Intacct_Sync_Status__c"] == "Refused"
    assert contract["Intacct_Sync_Error__c"] == (
        "'Every decade' is not in Intacct's renewal templates"
    )
    assert world.intacct.records("CONTRACT") == []


def test_an_intacct_error_shows_on_the_contract_and_goes_to_the_dlq(world, sf_api, intacct_api):
    # Given a connection whose payment term Intacct no longer has, though the mirrored list
    # still shows it (removed in Intacct since the last refresh)
    sf_api.create("Intacct_AR_Payment_Term__c", Name="Net 99", Intacct_ID__c="Net 99")
    connection = world.connection.model_copy(
        update={
            "contracts": world.connection.contracts.model_copy(update={"payment_term": "Net 99"})
        }
    )
    world.runtime.connections.put(connection)
    deal = contract_deal(sf_api, intacct_api)
    press_sync(world, deal.contract_id)
    world.settle()
    contract = sf_api.get("Contract", deal.contract_id)
    assert contract["Intacct_Sync_Status__c"] == "Error"
    assert "Net 99" in contract["Intacct_Sync_Error__c"]
    dead = world.dead_letters("contracts")
    assert len(dead) == 1
    assert "Net 99" in dead[0]["MessageAttributes"]["reason"]["StringValue"]


def test_a_contract_naming_an_existing_intacct_contract_is_linked_not_created(
    world, sf_api, intacct_api
):
    deal = contract_deal(sf_api, intacct_api)
    world.settle()
    customer = world.intacct.get("CUSTOMER", deal.account_id)
    assert customer is not None
    intacct_api.create(
        "CONTRACT",
        CONTRACTID="HIST-7",
        NAME="Historical",
        CUSTOMERID=deal.account_id,
        BEGINDATE="01/01/2025",
        ENDDATE="12/31/2025",
        TERMNAME="Net 30",
    )
    sf_api.update("Contract", deal.contract_id, Intacct_Contract_ID__c="HIST-7")
    press_sync(world, deal.contract_id)
    world.settle()
    contract = sf_api.get("Contract", deal.contract_id)
    assert contract["Intacct_Sync_Status__c"] == "Linked to existing Intacct contract"
    assert [c["CONTRACTID"] for c in world.intacct.records("CONTRACT")] == ["HIST-7"]


def test_sync_only_once_makes_later_presses_a_no_op(world, sf_api, intacct_api):
    connection = world.connection.model_copy(
        update={"contracts": world.connection.contracts.model_copy(update={"sync_only_once": True})}
    )
    world.runtime.connections.put(connection)
    deal = contract_deal(sf_api, intacct_api)
    press_sync(world, deal.contract_id)
    world.settle()
    sf_api.update("Contract", deal.contract_id, Description="changed after sync")
    press_sync(world, deal.contract_id)
    world.settle()
    contract = sf_api.get("Contract", deal.contract_id)
    assert contract["Intacct_Sync_Status__c"].startswith("Synced (sync only once")
    assert len(world.intacct.records("CONTRACT")) == 1


def test_a_contract_without_an_opportunity_syncs_as_a_header(world, sf_api, intacct_api):
    account = sf_api.create("Account", Name="Old Client")
    contract_id = sf_api.create(
        "Contract", AccountId=account, Status="Draft", StartDate="2025-01-01", ContractTerm=24
    )
    sf_api.update("Contract", contract_id, Status="Activated")
    press_sync(world, contract_id)
    world.settle()
    intacct_id = sf_api.get("Contract", contract_id)["Intacct_Contract_ID__c"]
    assert world.intacct.get("CONTRACT", intacct_id)["ENDDATE"] == date(2026, 12, 31)
    assert world.intacct.records("CONTRACTDETAIL") == []
