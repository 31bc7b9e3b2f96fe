import pytest
from aws_cdk.assertions import Match

from shared.topology import FUNCTIONS, QUEUES, SCHEDULES, SECRET_PREFIX

pytestmark = pytest.mark.infra


def _resources(template, kind):
    return template.find_resources(kind)


def test_every_fifo_queue_has_a_fifo_dlq_with_the_topology_receive_count(template):
    queues = _resources(template, "AWS::SQS::Queue")
    by_name = {r["Properties"]["QueueName"]: (lid, r) for lid, r in queues.items()}
    for spec in QUEUES:
        _, main = by_name[spec.name]
        dlq_id, dlq = by_name[spec.dlq_name]
        assert main["Properties"]["FifoQueue"] is True
        assert dlq["Properties"]["FifoQueue"] is True
        redrive = main["Properties"]["RedrivePolicy"]
        assert redrive["maxReceiveCount"] == spec.max_receive_count
        assert redrive["deadLetterTargetArn"] == {"Fn::GetAtt": [dlq_id, "Arn"]}
        assert main["Properties"]["VisibilityTimeout"] == spec.visibility_timeout_s


def test_event_source_mappings_report_batch_item_failures(template):
    consumers = [s for s in FUNCTIONS if s.reads_queue]
    template.resource_count_is("AWS::Lambda::EventSourceMapping", len(consumers))
    for spec in consumers:
        batch = next(q.batch_size for q in QUEUES if q.key == spec.reads_queue)
        template.has_resource_properties(
            "AWS::Lambda::EventSourceMapping",
            {"FunctionResponseTypes": ["ReportBatchItemFailures"], "BatchSize": batch},
        )


def test_schedules_fire_their_functions(template):
    for spec in SCHEDULES:
        template.has_resource_properties(
            "AWS::Events::Rule",
            {
                "Name": f"ledgerlink-{spec.name}",
                "ScheduleExpression": f"rate({spec.rate_minutes} minutes)",
                "Targets": Match.array_with([Match.object_like({"Arn": Match.any_value()})]),
            },
        )


def test_state_table_keys_ttl_and_idempotency_table(template):
    template.has_resource_properties(
        "AWS::DynamoDB::Table",
        {
            "TableName": "ledgerlink-state",
            "KeySchema": [
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
            "TimeToLiveSpecification": {"AttributeName": "expires_at", "Enabled": True},
            "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
        },
    )
    template.has_resource_properties(
        "AWS::DynamoDB::Table",
        {
            "TableName": "ledgerlink-idempotency",
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "TimeToLiveSpecification": {"AttributeName": "expiration", "Enabled": True},
        },
    )


def test_functions_run_python312_arm64_with_their_environment(template):
    for spec in FUNCTIONS:
        env = {"STATE_TABLE_NAME": Match.any_value()}
        if spec.uses_idempotency:
            env["IDEMPOTENCY_TABLE_NAME"] = Match.any_value()
        for key in spec.sends_to:
            env[f"{key.upper()}_QUEUE_URL"] = Match.any_value()
        template.has_resource_properties(
            "AWS::Lambda::Function",
            {
                "FunctionName": f"ledgerlink-{spec.name}",
                "Runtime": "python3.12",
                "Architectures": ["arm64"],
                "Handler": "handler.handler",
                "TracingConfig": {"Mode": "Active"},
                "Environment": {"Variables": Match.object_like(env)},
            },
        )


def test_api_has_both_doors_into_webhook_ingest(template):
    parts = {
        r["Properties"]["PathPart"]
        for r in _resources(template, "AWS::ApiGateway::Resource").values()
    }
    assert {"webhooks", "{connection_id}", "{system}", "actions", "{proxy+}"} <= parts
    template.resource_count_is("AWS::ApiGateway::Method", 2)


def test_secrets_access_is_limited_to_connection_secrets(template):
    for policy in _resources(template, "AWS::IAM::Policy").values():
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            actions = statement["Action"]
            actions = actions if isinstance(actions, list) else [actions]
            if any(a.startswith("secretsmanager:") for a in actions):
                assert statement["Resource"] != "*"
                assert SECRET_PREFIX in str(statement["Resource"])


def test_alarms_watch_every_dlq_and_function(template):
    alarms = _resources(template, "AWS::CloudWatch::Alarm")
    descriptions = [a["Properties"].get("AlarmDescription", "") for a in alarms.values()]
    for spec in QUEUES:
        assert any(f"{spec.key} DLQ" in d for d in descriptions)
    for spec in FUNCTIONS:
        assert f"{spec.name} failed" in descriptions
