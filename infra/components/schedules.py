"""EventBridge schedules from shared/topology.py."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from shared.topology import SCHEDULES


class Schedules(Construct):
    def __init__(self, scope: Construct, cid: str, functions: dict[str, lambda_.Function]) -> None:
        super().__init__(scope, cid)
        for spec in SCHEDULES:
            events.Rule(
                self,
                spec.name,
                rule_name=f"ledgerlink-{spec.name}",
                schedule=events.Schedule.rate(cdk.Duration.minutes(spec.rate_minutes)),
                targets=[targets.LambdaFunction(functions[spec.function], retry_attempts=2)],
            )
