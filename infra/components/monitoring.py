"""Alarms: any message in a DLQ, function errors and throttles, API 5xx -> an SNS topic."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct


class Monitoring(Construct):
    def __init__(
        self,
        scope: Construct,
        cid: str,
        dlqs: dict[str, sqs.Queue],
        functions: dict[str, lambda_.Function],
        api: apigw.RestApi,
    ) -> None:
        super().__init__(scope, cid)
        key = kms.Key(self, "AlarmTopicKey", enable_key_rotation=True)
        self.topic = sns.Topic(self, "Alarms", master_key=key, enforce_ssl=True)
        action = actions.SnsAction(self.topic)
        for name, dlq in dlqs.items():
            self._alarm(
                f"{name}-dlq-not-empty",
                dlq.metric_approximate_number_of_messages_visible(
                    period=cdk.Duration.minutes(1), statistic="Maximum"
                ),
                f"Messages in the {name} DLQ: read their 'reason' attribute",
                action,
            )
        for name, fn in functions.items():
            self._alarm(
                f"{name}-errors",
                fn.metric_errors(period=cdk.Duration.minutes(5)),
                f"{name} failed",
                action,
            )
            self._alarm(
                f"{name}-throttles",
                fn.metric_throttles(period=cdk.Duration.minutes(5)),
                f"{name} was throttled",
                action,
            )
        self._alarm(
            "api-5xx",
            api.metric_server_error(period=cdk.Duration.minutes(5)),
            "The API answered 5xx",
            action,
        )

    def _alarm(
        self, name: str, metric: cloudwatch.IMetric, description: str, action: actions.SnsAction
    ) -> None:
        alarm = cloudwatch.Alarm(
            self,
            name,
            alarm_description=description,
            metric=metric,
            threshold=0,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        alarm.add_alarm_action(action)
