"""EventBridge rules from shared/topology.SCHEDULES: ``rate(n minutes)`` -> the function."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from shared.topology import SCHEDULES, ScheduleSpec

# A missed tick is harmless (the next one reads from the same cursor), so EventBridge retries
# delivery briefly and then drops the event rather than piling up stale runs.
DELIVERY_RETRIES = 2


def rule_name(spec: ScheduleSpec) -> str:
    return f"ledgerlink-{spec.name}"


class Schedules(Construct):
    def __init__(self, scope: Construct, cid: str, functions: dict[str, lambda_.Function]) -> None:
        super().__init__(scope, cid)
        self.rules: dict[str, events.Rule] = {
            spec.name: self._rule(spec, functions[spec.function]) for spec in SCHEDULES
        }

    def _rule(self, spec: ScheduleSpec, fn: lambda_.IFunction) -> events.Rule:
        return events.Rule(
            self,
            spec.name,
            rule_name=rule_name(spec),
            description=f"Runs {spec.function} every {spec.rate_minutes} minutes",
            schedule=events.Schedule.rate(cdk.Duration.minutes(spec.rate_minutes)),
            targets=[
                targets.LambdaFunction(
                    fn,
                    retry_attempts=DELIVERY_RETRIES,
                    max_event_age=cdk.Duration.minutes(spec.rate_minutes),
                )
            ],
        )
