"""The DynamoDB tables of shared/topology.TABLES: the single state table (pk/sk) and the
idempotency table powertools' DynamoDBPersistenceLayer expects (key "id", TTL "expiration")."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_dynamodb as dynamodb
from constructs import Construct

from infra.naming import physical
from shared.topology import IDEMPOTENCY_TABLE, STATE_TABLE, TABLES, TableSpec


class Tables(Construct):
    def __init__(self, scope: Construct, cid: str) -> None:
        super().__init__(scope, cid)
        self.by_name: dict[str, dynamodb.Table] = {spec.name: self._table(spec) for spec in TABLES}

    @property
    def state(self) -> dynamodb.Table:
        return self.by_name[STATE_TABLE.name]

    @property
    def idempotency(self) -> dynamodb.Table:
        return self.by_name[IDEMPOTENCY_TABLE.name]

    def _table(self, spec: TableSpec) -> dynamodb.Table:
        # The state table holds connections, links, cursors and the audit trail: it outlives the
        # stack. Idempotency records expire within the hour and can go with it.
        durable = spec == STATE_TABLE
        return dynamodb.Table(
            self,
            spec.name,
            table_name=physical(self, spec.name),
            partition_key=_string(spec.partition_key),
            sort_key=_string(spec.sort_key) if spec.sort_key else None,
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            time_to_live_attribute=spec.ttl_attribute,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            encryption=dynamodb.TableEncryption.AWS_MANAGED,
            deletion_protection=durable,
            removal_policy=cdk.RemovalPolicy.RETAIN if durable else cdk.RemovalPolicy.DESTROY,
        )


def _string(name: str) -> dynamodb.Attribute:
    return dynamodb.Attribute(name=name, type=dynamodb.AttributeType.STRING)
