import pytest
from aws_cdk.assertions import Match

from shared.topology import IDEMPOTENCY_TABLE, STATE_TABLE, TABLES
from tests.infra.helpers import deployed, resources, table_id

pytestmark = pytest.mark.infra


def test_state_table_has_string_pk_sk_ttl_pitr_and_encryption(template):
    template.has_resource(
        "AWS::DynamoDB::Table",
        {
            "Properties": {
                "TableName": deployed(STATE_TABLE.name),
                "KeySchema": [
                    {"AttributeName": "pk", "KeyType": "HASH"},
                    {"AttributeName": "sk", "KeyType": "RANGE"},
                ],
                "AttributeDefinitions": Match.array_equals(
                    [
                        {"AttributeName": "pk", "AttributeType": "S"},
                        {"AttributeName": "sk", "AttributeType": "S"},
                    ]
                ),
                "BillingMode": "PAY_PER_REQUEST",
                "TimeToLiveSpecification": {"AttributeName": "expires_at", "Enabled": True},
                "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
                "SSESpecification": {"SSEEnabled": True},
                "DeletionProtectionEnabled": True,
            },
            "DeletionPolicy": "Retain",
        },
    )


def test_idempotency_table_matches_powertools_defaults(template):
    template.has_resource_properties(
        "AWS::DynamoDB::Table",
        {
            "TableName": deployed(IDEMPOTENCY_TABLE.name),
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
            "BillingMode": "PAY_PER_REQUEST",
            "TimeToLiveSpecification": {"AttributeName": "expiration", "Enabled": True},
            "SSESpecification": {"SSEEnabled": True},
        },
    )


def test_only_the_topology_tables_exist(template):
    assert len(resources(template, "AWS::DynamoDB::Table")) == len(TABLES)
    for spec in TABLES:
        table_id(template, spec.name)
