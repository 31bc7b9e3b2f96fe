"""Least privilege: each function reaches exactly the tables, queues and secrets it needs."""

import pytest

from shared.topology import (
    FUNCTIONS,
    IDEMPOTENCY_TABLE,
    QUEUES,
    SECRET_PREFIX,
    STATE_TABLE,
    consumer_of,
    queue,
)
from tests.infra.helpers import (
    as_list,
    getatt_ids,
    queue_id,
    resources,
    statements_of,
    table_id,
)

pytestmark = pytest.mark.infra

by_name = pytest.mark.parametrize("spec", FUNCTIONS, ids=lambda s: s.name)


def _resources_for(statements, action):
    found = []
    for statement in statements:
        if statement["Effect"] == "Allow" and action in as_list(statement["Action"]):
            found.extend(as_list(statement["Resource"]))
    return found


def test_no_policy_grants_secretsmanager_on_a_wildcard_resource(template):
    for policy in resources(template, "AWS::IAM::Policy").values():
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            actions = as_list(statement["Action"])
            if any(a.startswith("secretsmanager:") for a in actions):
                assert actions == ["secretsmanager:GetSecretValue"]
                assert statement["Resource"] != "*"
                assert "*" not in as_list(statement["Resource"])


@by_name
def test_function_reads_only_connection_secrets(template, spec):
    [arn] = _resources_for(statements_of(template, spec), "secretsmanager:GetSecretValue")
    parts = arn["Fn::Join"][1]
    assert parts[0] == "arn:"
    assert parts[-1] == f":secret:{SECRET_PREFIX}*"
    assert {"Ref": "AWS::AccountId"} in parts
    assert {"Ref": "AWS::Region"} in parts


@by_name
def test_function_sends_only_to_its_queues_and_its_own_dlq(template, spec):
    expected = {queue_id(template, queue(key).name) for key in spec.sends_to}
    if spec.consumes:
        expected.add(queue_id(template, queue(spec.consumes).dlq_name))
    sent_to = getatt_ids(_resources_for(statements_of(template, spec), "sqs:SendMessage"))
    assert sent_to == expected


@by_name
def test_function_consumes_only_its_queue(template, spec):
    received = getatt_ids(_resources_for(statements_of(template, spec), "sqs:ReceiveMessage"))
    deleted = getatt_ids(_resources_for(statements_of(template, spec), "sqs:DeleteMessage"))
    expected = {queue_id(template, queue(spec.consumes).name)} if spec.consumes else set()
    assert received == expected
    assert deleted == expected


@by_name
def test_function_uses_the_idempotency_table_only_when_it_needs_it(template, spec):
    written = getatt_ids(_resources_for(statements_of(template, spec), "dynamodb:PutItem"))
    expected = {table_id(template, STATE_TABLE.name)}
    if spec.uses_idempotency:
        expected.add(table_id(template, IDEMPOTENCY_TABLE.name))
    assert written == expected


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
            if dlq in getatt_ids(_resources_for(statements_of(template, spec), "sqs:SendMessage"))
        ]
        assert writers == [consumer_of(q.key).name]
