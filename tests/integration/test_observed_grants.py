"""Least privilege, checked against behaviour: every function runs in the sandbox through a
whole story (webhooks, an action, sync, a contract, polls, the mirror) while its AWS calls are
recorded; what each one did must be within what shared/topology.py grants it (infra grants
exactly that, tests/infra/test_permissions.py), and each grant must have been used."""

from __future__ import annotations

from datetime import date

import pytest

from sandbox.emulators.common import FaultRule
from sandbox.stories import contract_deal, sales_deal
from shared.topology import (
    FUNCTIONS,
    IDEMPOTENCY_TABLE,
    OUTAGE_ONLY_OPERATIONS,
    STATE_TABLE,
    WORKFLOW_QUEUES,
)
from tests.integration.aws_calls import AwsCallRecorder
from tests.integration.test_contracts import press_sync
from tests.integration.test_create_project import press as press_project
from tests.integration.test_sales_transactions import configure, press
from tests.integration.test_zoho_deal_triggers import _deal as zoho_deal
from tests.integration.test_zoho_deal_triggers import _press as zoho_press


@pytest.fixture
def recorded(world, sf_api, intacct_api) -> AwsCallRecorder:
    recorder = AwsCallRecorder(world)
    # Given Intacct failing its first creates beyond the retries (the handler raises once)
    world.intacct.faults.add(FaultRule(match="create CUSTOMER", kind="http_error", times=3))
    # And a contract deal in Salesforce (outbound messages reach the webhook, sync runs)
    deal = contract_deal(sf_api, intacct_api)
    world.settle()
    # When the user presses Sync, Intacct edits a customer, bills, and both schedules fire
    assert press_sync(world, deal.contract_id).status_code == 202
    world.settle()
    # (and Create Project on the deal, Intacct failing its first project creates)
    world.intacct.faults.add(FaultRule(match="create PROJECT", kind="http_error", times=3))
    assert press_project(world, f"opportunities/{deal.opportunity_id}/project").status_code == 202
    world.settle()
    intacct_api.update("CUSTOMER", deal.account_id, NAME="Renamed in Intacct")
    world.intacct.run_billing(date(2026, 2, 15))
    world.poll()
    world.mirror()
    # And a sales deal is won with Closed Won creating its transaction, then pressed again
    configure(world, on_closed_won=True)
    world.runner.fire_schedule("trigger-workflows")
    sale = sales_deal(sf_api, intacct_api)
    world.settle()
    world.runner.fire_schedule("trigger-workflows")
    world.settle()
    assert press(world, sale.opportunity_id).status_code == 202
    world.settle()
    # And a Zoho deal is won (its notification and the trigger schedule both ask for its
    # invoice; Books failing its first lookups beyond the retries), then "Estimate" is pressed
    _, _, deal_id = zoho_deal(world)
    world.zoho_books.faults.add(FaultRule(match="list invoices", kind="http_error", times=4))
    world.zoho_crm.update("Deals", deal_id, {"Stage": "Closed Won"})
    world.runner.fire_schedule("trigger-workflows")
    world.settle()
    assert zoho_press(world, f"deals/{deal_id}/estimate").status_code == 202
    world.settle()
    world.runner.fire_schedule("refresh-lists")
    return recorder


def test_every_function_ran(recorded):
    assert {spec.name for spec in FUNCTIONS} <= set(recorded.calls)


def test_each_function_stays_within_its_dynamodb_grant_and_uses_all_of_it(recorded):
    for spec in FUNCTIONS:
        granted: dict[str, set[str]] = {}
        for access in spec.tables:
            granted.setdefault(access.table, set()).update(access.operations)
        observed = recorded.dynamodb(spec.name)
        assert set(observed) <= set(granted), spec.name
        for table, operations in observed.items():
            assert operations <= granted[table], (spec.name, table, operations - granted[table])
        # and an unused grant is privilege nobody needs; the one exception is the idempotency
        # store's GetItem, its fallback when a failed condition returns no item (DynamoDB
        # returns it: ReturnValuesOnConditionCheckFailure)
        for table, operations in granted.items():
            unused = operations - observed.get(table, set())
            if table == IDEMPOTENCY_TABLE.name:
                unused -= {"GetItem"}
            if table == STATE_TABLE.name:
                unused -= OUTAGE_ONLY_OPERATIONS  # only while a system is paused
            if spec.name in ("create_contract", "create_transaction"):
                unused -= {"DeleteItem"}  # only when a workflow run raises: not in this story
            assert not unused, (spec.name, table, unused)


def test_each_function_sends_only_to_its_topology_queues(recorded, world):
    for spec in FUNCTIONS:
        allowed = {world.resources.queues[key].url for key in spec.sends_to}
        if spec.consumes:
            allowed.add(world.resources.queues[spec.consumes].dlq_url)
            allowed.add(world.resources.queues[spec.consumes].url)  # renewals
        sent = {
            url
            for url, ops in recorded.sqs(spec.name).items()
            if ops & {"SendMessageBatch", "SendMessage"}
        }
        assert sent <= allowed, spec.name
        # and every topology send was used in the story (but the poll's re-publishing of
        # parked workflow requests, which only a resumed outage does)
        expected = set(spec.sends_to)
        if spec.name == "poll_changes":
            expected -= {q.key for q in WORKFLOW_QUEUES}
        if spec.name == "trigger_workflows":  # sends only what the change path missed
            expected = set()
        if spec.name == "sync_records":  # only the workflows a pair's triggers set off
            expected -= {q.key for q in WORKFLOW_QUEUES if q.workflow != "transactions"}
        assert {world.resources.queues[key].url for key in expected} <= sent, spec.name
