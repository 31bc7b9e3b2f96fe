"""Alarms -> an encrypted SNS topic, and a dashboard.

- a message in any DLQ (the consumer parked it there with the reason, or it ran out of receives)
- any function error, any function throttle (scheduled pollers only throttle when a run overlaps
  the previous one)
- any 5xx answered by the API
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

ALARM_PREFIX = "ledgerlink-"
DASHBOARD_NAME = "ledgerlink"
PERIOD = cdk.Duration.minutes(5)
DLQ_PERIOD = cdk.Duration.minutes(1)
# `cdk deploy -c ledgerlink:alarmEmail=ops@example.com` subscribes an address to the topic.
ALARM_EMAIL_CONTEXT = "ledgerlink:alarmEmail"
CLOUDWATCH = "cloudwatch.amazonaws.com"


class Monitoring(Construct):
    def __init__(
        self,
        scope: Construct,
        cid: str,
        *,
        dlqs: dict[str, sqs.Queue],
        queues: dict[str, sqs.Queue],
        functions: dict[str, lambda_.Function],
        api: apigw.RestApi,
    ) -> None:
        super().__init__(scope, cid)
        self.topic = self._topic()
        self.alarms: list[cloudwatch.Alarm] = []
        for key, dlq in dlqs.items():
            self._alarm(
                f"{key}-dlq-not-empty",
                dlq.metric_approximate_number_of_messages_visible(
                    period=DLQ_PERIOD, statistic=cloudwatch.Stats.MAXIMUM
                ),
                f"Messages in {dlq.queue_name}: read their reason attribute, fix, then redrive",
            )
        for name, fn in functions.items():
            self._alarm(
                f"{name}-errors",
                fn.metric_errors(period=PERIOD, statistic=cloudwatch.Stats.SUM),
                f"{name} failed (see its log group)",
            )
            self._alarm(
                f"{name}-throttles",
                fn.metric_throttles(period=PERIOD, statistic=cloudwatch.Stats.SUM),
                f"{name} was throttled",
            )
        self._alarm(
            "api-5xx",
            api.metric_server_error(period=PERIOD, statistic=cloudwatch.Stats.SUM),
            "The ledgerlink API answered 5xx",
        )
        self.dashboard = self._dashboard(queues, dlqs, functions, api)

    def _topic(self) -> sns.Topic:
        key = kms.Key(
            self,
            "AlarmTopicKey",
            description="Encrypts the ledgerlink alarm topic",
            enable_key_rotation=True,
        )
        topic = sns.Topic(
            self, "AlarmTopic", display_name="ledgerlink alarms", master_key=key, enforce_ssl=True
        )
        # CloudWatch publishes alarm notifications as its service principal: it needs the topic
        # and the key (without the key grant, notifications to an encrypted topic are dropped).
        stack = cdk.Stack.of(self)
        from_our_alarms = {
            "StringEquals": {"aws:SourceAccount": stack.account},
            "ArnLike": {
                "aws:SourceArn": stack.format_arn(
                    service="cloudwatch",
                    resource="alarm",
                    resource_name=f"{ALARM_PREFIX}*",
                    arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
                )
            },
        }
        topic.add_to_resource_policy(
            iam.PolicyStatement(
                sid="CloudWatchAlarmsPublish",
                principals=[iam.ServicePrincipal(CLOUDWATCH)],
                actions=["sns:Publish"],
                resources=[topic.topic_arn],
                conditions=from_our_alarms,
            )
        )
        key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="CloudWatchAlarmsUseKey",
                principals=[iam.ServicePrincipal(CLOUDWATCH)],
                actions=["kms:Decrypt", "kms:GenerateDataKey*"],
                resources=["*"],  # in a key policy, "*" is this key
                conditions=from_our_alarms,
            )
        )
        email = self.node.try_get_context(ALARM_EMAIL_CONTEXT)
        if email:
            topic.add_subscription(subscriptions.EmailSubscription(str(email)))
        return topic

    def _alarm(self, name: str, metric: cloudwatch.IMetric, description: str) -> None:
        alarm = cloudwatch.Alarm(
            self,
            name,
            alarm_name=f"{ALARM_PREFIX}{name}",
            alarm_description=description,
            metric=metric,
            threshold=0,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        alarm.add_alarm_action(actions.SnsAction(self.topic))
        alarm.add_ok_action(actions.SnsAction(self.topic))
        self.alarms.append(alarm)

    def _dashboard(
        self,
        queues: dict[str, sqs.Queue],
        dlqs: dict[str, sqs.Queue],
        functions: dict[str, lambda_.Function],
        api: apigw.RestApi,
    ) -> cloudwatch.Dashboard:
        dashboard = cloudwatch.Dashboard(self, "Dashboard", dashboard_name=DASHBOARD_NAME)
        dashboard.add_widgets(
            cloudwatch.AlarmStatusWidget(title="Alarms", alarms=list(self.alarms), width=24)
        )
        dashboard.add_widgets(
            cloudwatch.GraphWidget(
                title="Invocations",
                left=[fn.metric_invocations(label=name) for name, fn in functions.items()],
                width=8,
            ),
            cloudwatch.GraphWidget(
                title="Errors",
                left=[fn.metric_errors(label=name) for name, fn in functions.items()],
                width=8,
            ),
            cloudwatch.GraphWidget(
                title="Duration p99",
                left=[
                    fn.metric_duration(label=name, statistic="p99")
                    for name, fn in functions.items()
                ],
                width=8,
            ),
        )
        dashboard.add_widgets(
            cloudwatch.GraphWidget(
                title="Queue depth",
                left=[
                    q.metric_approximate_number_of_messages_visible(label=key)
                    for key, q in queues.items()
                ],
                right=[
                    q.metric_approximate_age_of_oldest_message(label=f"{key} oldest (s)")
                    for key, q in queues.items()
                ],
                width=8,
            ),
            cloudwatch.GraphWidget(
                title="Dead letters",
                left=[
                    q.metric_approximate_number_of_messages_visible(label=key)
                    for key, q in dlqs.items()
                ],
                width=8,
            ),
            cloudwatch.GraphWidget(
                title="API",
                left=[api.metric_count(label="requests")],
                right=[
                    api.metric_client_error(label="4xx"),
                    api.metric_server_error(label="5xx"),
                ],
                width=8,
            ),
        )
        return dashboard
