"""EventBridge rules from shared/topology.SCHEDULES: ``rate(n minutes)`` -> the function's alias.

A scheduled run is only worth doing before the next tick (which reads from the same cursor):
EventBridge's delivery retries and Lambda's asynchronous retries both stop at the schedule's
rate, instead of Lambda's defaults (2 retries, 6 hours) that let a throttled poll run hours
late and overlap newer runs. A run that fails every attempt, or ages out, goes to an encrypted
on-failure queue (retained with the stack, alarmed in infra/constructs/monitoring.py).
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import jsii
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.acknowledgments import acknowledge
from infra.naming import physical
from shared.topology import SCHEDULES, ScheduleSpec, function

# A missed tick is harmless (the next one reads from the same cursor), so EventBridge retries
# delivery briefly and then drops the event rather than piling up stale runs.
DELIVERY_RETRIES = 2
# Lambda waits about 1 minute before its first asynchronous retry and 2 before its second
# (AWS Lambda developer guide, "Configuring error handling for asynchronous invocation").
ASYNC_RETRY_WAITS_S = (60, 120)
FAILED_RUNS_RETENTION = cdk.Duration.days(14)
FAILED_RUNS_QUEUE = "ledgerlink-scheduled-failures"


@jsii.implements(lambda_.IDestination)
class SendOnlyQueueDestination:
    """An SQS on-failure destination granting only ``sqs:SendMessage`` (what Lambda uses);
    aws_lambda_destinations.SqsDestination also grants GetQueueAttributes and GetQueueUrl."""

    def __init__(self, queue: sqs.IQueue) -> None:
        self._queue = queue

    def bind(
        self,
        scope: Construct,
        fn: lambda_.IFunction,
        options: Any = None,  # jsii passes the options struct positionally
        *,
        type: lambda_.DestinationType | None = None,
    ) -> lambda_.DestinationConfig:
        # on failure or on success: a queue takes either the same way
        fn.add_to_role_policy(
            iam.PolicyStatement(actions=["sqs:SendMessage"], resources=[self._queue.queue_arn])
        )
        return lambda_.DestinationConfig(destination=self._queue.queue_arn)


def rule_name(scope: Construct, spec: ScheduleSpec) -> str:
    return physical(scope, f"ledgerlink-{spec.name}")


def async_retries(timeout_s: int, rate_minutes: int) -> int:
    """As many retries as fit, run and waits included, before the next tick (0 to 2)."""
    elapsed, retries = timeout_s, 0
    for wait in ASYNC_RETRY_WAITS_S:
        elapsed += wait + timeout_s
        if elapsed > rate_minutes * 60:
            break
        retries += 1
    return retries


class Schedules(Construct):
    def __init__(self, scope: Construct, cid: str, aliases: dict[str, lambda_.Alias]) -> None:
        super().__init__(scope, cid)
        self.failed_runs = sqs.Queue(
            self,
            "FailedRuns",
            queue_name=physical(self, FAILED_RUNS_QUEUE),
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=FAILED_RUNS_RETENTION,
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )
        acknowledge(
            self.failed_runs,
            {
                "AwsSolutions-SQS3": "This queue is itself the last stop: Lambda's on-failure "
                "destination for scheduled runs; nothing consumes it automatically, so it "
                "has no DLQ of its own (an operator reads it after its alarm).",
            },
        )
        self.rules: dict[str, events.Rule] = {}
        for spec in SCHEDULES:
            alias = aliases[spec.function]
            alias.configure_async_invoke(
                retry_attempts=async_retries(function(spec.function).timeout_s, spec.rate_minutes),
                max_event_age=cdk.Duration.minutes(spec.rate_minutes),
                on_failure=SendOnlyQueueDestination(self.failed_runs),
            )
            self.rules[spec.name] = self._rule(spec, alias)

    def _rule(self, spec: ScheduleSpec, fn: lambda_.IFunction) -> events.Rule:
        return events.Rule(
            self,
            spec.name,
            rule_name=rule_name(self, spec),
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
