"""Stories only the whole sandbox can show: real HTTP between every piece, SQS through the
moto server, the runner's background loops, Salesforce delivering outbound messages."""

from __future__ import annotations

import time
from datetime import date

import pytest

from sandbox.demo import wait_for
from sandbox.emulators.salesforce import build_outbound_envelope
from sandbox.provisioning import webhook_url
from sandbox.stories import contract_deal
from sandbox.users import IntacctUser, SalesforceUser
from shared.ingest.signatures import HEADER, sign

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def test_account_round_trip_without_loops_or_duplicates(served):
    sf, ia = SalesforceUser(served), IntacctUser(served)
    # Given an account created in Salesforce, synced by the background loops
    account = sf.create("Account", Name="Umbrella Corp")
    wait_for("the customer", lambda: ia.get("CUSTOMER", account, "NAME"))
    # When the same outbound messages arrive again, reordered
    with served.salesforce.holding_outbound():
        sf.update("Account", account, Name="Umbrella Corporation")
        pending = served.salesforce.take_outbound()
    url = webhook_url(served.urls.api, served.creds)
    for n in [*reversed(pending), *pending]:
        body = build_outbound_envelope(served.salesforce.org_id, n.action_id, [n])
        assert served.http.post(url, content=body).status_code == 200
    wait_for(
        "the rename", lambda: ia.get("CUSTOMER", account, "NAME")["NAME"] == "Umbrella Corporation"
    )
    time.sleep(4)  # two poll cycles: our own writes come back from Intacct
    # Then one customer exists, and nothing was written back to the account by the echo
    assert sum(1 for c in served.intacct.records("CUSTOMER") if c["CUSTOMERID"] == account) == 1
    assert sf.get("Account", account)["Name"] == "Umbrella Corporation"
    # And a wrong token or org gets a 4xx and enqueues nothing
    wrong = served.http.post(url.replace(served.creds.webhook_token, "nope"), content=b"<x/>")
    assert wrong.status_code == 403
    other_org = build_outbound_envelope(
        "00D000000000001AAA",
        "04k000000000001AAA",
        [("04l000000000001AAA", "Account", {"Id": account})],
    )
    assert served.http.post(url, content=other_org).status_code == 403


def test_contract_to_intacct_and_invoices_back(served):
    sf, ia = SalesforceUser(served), IntacctUser(served)
    deal = contract_deal(sf, ia, account_name="Soylent")
    body = b"{}"
    url = (
        f"{served.urls.api}/actions/{served.creds.connection_id}/contracts/{deal.contract_id}/sync"
    )
    answer = served.http.post(
        url,
        content=body,
        headers={HEADER: sign(served.creds.action_secret, body, int(time.time()), url)},
    )
    assert answer.status_code == 202
    contract = wait_for(
        "the synced contract",
        lambda: (
            c if (c := sf.get("Contract", deal.contract_id)).get("Intacct_Contract_ID__c") else None
        ),
    )
    intacct_id = contract["Intacct_Contract_ID__c"]
    assert (
        len([r for r in served.intacct.records("CONTRACTDETAIL") if r["CONTRACTID"] == intacct_id])
        == 3
    )
    served.intacct.run_billing(date(2026, 1, 31))
    rows = wait_for(
        "the invoice in Salesforce",
        lambda: sf.query(
            "SELECT Total_Amount__c FROM Intacct_Contract_Invoice__c "
            f"WHERE Intacct_Contract__r.Intacct_Contract_ID__c = '{intacct_id}'"
        ),
    )
    assert [str(r["Total_Amount__c"]) for r in rows] == ["14800.00"]


def test_the_projects_story_runs_end_to_end(served):
    from sandbox.project_story import projects_story

    # Given a won opportunity for an account
    sf = SalesforceUser(served)
    account = sf.create("Account", Name="Initech")
    opportunity = sf.create(
        "Opportunity",
        Name="Initech rollout",
        AccountId=account,
        StageName="Closed Won",
        CloseDate="2026-03-01",
    )
    # When Create Project is pressed (twice), tasks and a timesheet are entered in Intacct,
    # projects are made in Salesforce under both top-level settings and edited both ways
    # Then every step checks the other side (the story raises DemoFailedError if not)
    projects_story(served, opportunity)


def test_the_zoho_deal_story_runs_end_to_end(served):
    from sandbox.zoho_deal_story import zoho_deal_story

    # Given the sandbox's Zoho connection, invoicing deals by outcome
    # When a deal is won, then lost, and Estimate is pressed on another deal
    # Then one invoice is made and voided and the estimate is in Books (the story raises
    # DemoFailedError if the other side does not show it)
    zoho_deal_story(served)


def test_the_zoho_finance_story_runs_end_to_end(served):
    from sandbox.zoho_finance_story import zoho_finance_story

    # Given the sandbox's Zoho connection, invoicing deals by outcome, its finance mirrored
    # When a won deal's invoice is sent and paid in part in Books, and an INR invoice is made
    # Then the CRM invoice, deal and receivables show the payment, and the INR invoice's home
    # amount is exact (the story raises DemoFailedError if the other side does not show it)
    zoho_finance_story(served)
