"""The DynamoDB tables: the single state table and powertools' idempotency table."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_dynamodb as dynamodb
from constructs import Construct

from shared.topology import TABLES, TableSpec


class Storage(Construct):
    def __init__(self, scope: Construct, cid: str) -> None:
        super().__init__(scope, cid)
        self.tables: dict[str, dynamodb.Table] = {spec.name: self._table(spec) for spec in TABLES}

    def _table(self, spec: TableSpec) -> dynamodb.Table:
        return dynamodb.Table(
            self,
            spec.name,
            table_name=spec.name,
            partition_key=dynamodb.Attribute(
                name=spec.partition_key, type=dynamodb.AttributeType.STRING
            ),
            sort_key=dynamodb.Attribute(name=spec.sort_key, type=dynamodb.AttributeType.STRING)
            if spec.sort_key
            else None,
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            time_to_live_attribute=spec.ttl_attribute,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            encryption=dynamodb.TableEncryption.AWS_MANAGED,
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )
