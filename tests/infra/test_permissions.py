"""Least privilege: each function's role allows exactly what shared/topology.py says it does
(tests/integration/test_observed_grants.py checks the topology against what it really does)."""

import json

import pytest

from shared.topology import (
    FUNCTIONS,
    QUEUES,
    SCHEDULES,
    SECRET_PREFIX,
    consumer_of,
    queue,
)
from tests.infra.helpers import (
    as_list,
    function_props,
    getatt_ids,
    queue_id,
    resources,
    statements_of,
    table_id,
)

pytestmark = pytest.mark.infra

by_name = pytest.mark.parametrize("spec", FUNCTIONS, ids=lambda s: s.name)
SCHEDULED = {s.function for s in SCHEDULES}
# What Lambda's SQS event source mapping polls with (CDK's grantConsumeMessages).
CONSUME = {
    "sqs:ReceiveMessage",
    "sqs:ChangeMessageVisibility",
    "sqs:GetQueueUrl",
    "sqs:DeleteMessage",
    "sqs:GetQueueAttributes",
}


def _grants(template, spec):
    """(action, resource as JSON) for every Allow statement of the function's role."""
    found = set()
    for statement in statements_of(template, spec):
        assert statement["Effect"] == "Allow"
        for action in as_list(statement["Action"]):
            for resource in as_list(statement["Resource"]):
                found.add((action, json.dumps(resource, sort_keys=True)))
    return found


def _arn(lid):
    return json.dumps({"Fn::GetAtt": [lid, "Arn"]}, sort_keys=True)


def _failed_runs_queue(template):
    [lid] = [
        lid
        for lid, q in resources(template, "AWS::SQS::Queue").items()
        if q["Properties"].get("QueueName") == "prod-ledgerlink-scheduled-failures"
    ]
    return lid


def _secret_pattern(template, spec):
    [resource] = [r for a, r in _grants(template, spec) if a == "secretsmanager:GetSecretValue"]
    return resource


@by_name
def test_function_role_allows_exactly_the_topology_grants(template, spec):
    # (X-Ray is off by default: no trace-segment grant; see test_deploys for tracing on)
    log_group = function_props(template, spec)["LoggingConfig"]["LogGroup"]["Ref"]
    expected = {(a, _arn(log_group)) for a in ("logs:CreateLogStream", "logs:PutLogEvents")}
    for access in spec.tables:
        table = _arn(table_id(template, access.table))
        expected |= {(f"dynamodb:{op}", table) for op in access.operations}
    for key in spec.sends_to:
        expected.add(("sqs:SendMessage", _arn(queue_id(template, queue(key).name))))
    if spec.consumes:
        expected.add(("sqs:SendMessage", _arn(queue_id(template, queue(spec.consumes).dlq_name))))
        consumed = _arn(queue_id(template, queue(spec.consumes).name))
        expected |= {(a, consumed) for a in CONSUME}
        expected.add(("sqs:SendMessage", consumed))  # renewals at a last delivery
    if spec.name in SCHEDULED:
        expected.add(("sqs:SendMessage", _arn(_failed_runs_queue(template))))
    expected.add(("secretsmanager:GetSecretValue", _secret_pattern(template, spec)))
    assert _grants(template, spec) == expected


def test_webhook_ingest_behind_the_public_api_only_reads_the_state_table(template):
    [ingest] = [spec for spec in FUNCTIONS if spec.behind_api]
    dynamodb = {a for a, _ in _grants(template, ingest) if a.startswith("dynamodb:")}
    # reads only: the connection, outages, and the links of the records a callback shows
    assert dynamodb == {"dynamodb:GetItem", "dynamodb:Query", "dynamodb:BatchGetItem"}


def _unconditional(template, spec):
    """(action, resource) of the role's statements that carry no condition."""
    found = set()
    for statement in statements_of(template, spec):
        if "Condition" in statement:
            continue
        for action in as_list(statement["Action"]):
            for resource in as_list(statement["Resource"]):
                found.add((action, json.dumps(resource, sort_keys=True)))
    return found


def test_no_function_may_scan_batch_write_or_delete_state_beyond_outage_and_link_items(template):
    state = _arn(table_id(template, "ledgerlink-state"))
    for spec in FUNCTIONS:
        actions = {a for a, _ in _grants(template, spec)}
        assert "dynamodb:Scan" not in actions, spec.name
        free = _unconditional(template, spec)
        for action in ("dynamodb:DeleteItem", "dynamodb:BatchWriteItem", "dynamodb:Query"):
            scheduled = {"poll_changes", "mirror_to_crm", "trigger_workflows", "refresh_lists"}
            if spec.name in scheduled and action == "dynamodb:Query":
                continue  # the schedules list connections and read the audit and cursors
            assert (action, state) not in free, (spec.name, action)
        # what an outage needs is limited to a connection's outage items; deleting a link
        # (a create the other system refused) to link items
        for statement in statements_of(template, spec):
            if "Condition" in statement:
                assert statement["Condition"] in (
                    {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["OUTAGE#*"]}},
                    {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["LINK#*"]}},
                )


def test_no_role_has_a_managed_policy(template):
    # AWSLambdaBasicExecutionRole would allow writing to every log group of the account
    for role in resources(template, "AWS::IAM::Role").values():
        principal = role["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]
        if principal == {"Service": "lambda.amazonaws.com"}:
            assert "ManagedPolicyArns" not in role["Properties"]


@by_name
def test_function_reads_only_this_stages_connection_secrets(template, spec):
    parts = json.loads(_secret_pattern(template, spec))["Fn::Join"][1]
    assert parts[0] == "arn:"
    assert parts[-1] == f":secret:prod/{SECRET_PREFIX}*"
    assert {"Ref": "AWS::AccountId"} in parts
    assert {"Ref": "AWS::Region"} in parts


def test_no_kms_grant_without_a_customer_managed_key(template):
    for spec in FUNCTIONS:
        assert not [a for a, _ in _grants(template, spec) if a.startswith("kms:")]


def test_no_wildcard_actions_and_no_other_star_resources(template):
    for policy in resources(template, "AWS::IAM::Policy").values():
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            actions = as_list(statement["Action"])
            assert not any(a == "*" or a.endswith(":*") for a in actions), actions
            if "*" in as_list(statement["Resource"]):
                # X-Ray takes no resource-level permissions; nothing else may use "*".
                assert {a.split(":")[0] for a in actions} == {"xray"}, actions


def test_dlqs_are_written_only_by_their_consumers(template):
    for q in QUEUES:
        dlq = queue_id(template, q.dlq_name)
        writers = [
            spec.name
            for spec in FUNCTIONS
            if dlq
            in getatt_ids(
                [json.loads(r) for a, r in _grants(template, spec) if a == "sqs:SendMessage"]
            )
        ]
        assert writers == [consumer_of(q.key).name]
