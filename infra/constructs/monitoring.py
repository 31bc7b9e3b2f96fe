"""Alarms -> an encrypted SNS topic, and a dashboard. Each alarm says what to do, and its
threshold, period and datapoints are chosen for what it watches:

- new arrivals in a DLQ (not its depth: a DLQ already holding letters would stay in ALARM and
  later letters would notify no one)
- the age of the oldest message of each queue (a stuck FIFO group, or work paused during an
  outage: partial batch failures and pauses are not Lambda errors)
- a spike in rejected webhooks (a token rotated on one side only, or someone probing the doors)
- a heartbeat per schedule: runs that started and finished within three of its periods
- a function's duration nearing its timeout, its errors (these also roll back a canary
  deployment, see deployments.py) and throttles, and the API's 5xx
- a paused connection (its system is down, rate-limited for long or refusing credentials)
- a scheduled run that failed every retry (Lambda's on-failure destination)
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

from infra.naming import physical
from shared.topology import (
    METRICS_NAMESPACE,
    POWERTOOLS_SERVICE_NAME,
    SCHEDULES,
    function,
    queue,
)

ALARM_PREFIX = "ledgerlink-"  # after the stage: <stage>-ledgerlink-<alarm>
DASHBOARD_NAME = "ledgerlink"
PERIOD = cdk.Duration.minutes(5)
# SQS publishes its metrics once a minute: a one-minute period sees each new dead letter.
DLQ_PERIOD = cdk.Duration.minutes(1)
# A message older than two visibility timeouts has been received and failed at least once, or
# waits behind one that did (FIFO group), or is held while its connection is paused. Two
# five-minute periods in a row: one slow retry does not page anyone, a stuck group does.
OLDEST_MESSAGE_VISIBILITY_TIMEOUTS = 2
OLDEST_MESSAGE_DATAPOINTS = 2
# Rejected webhooks: Salesforce retries a refused outbound message for 24 hours, so one wrong
# token makes a steady stream. More than 25 in 5 minutes, twice in a row, is that stream or a
# probe, not a stray bad request.
REJECTED_WEBHOOKS_PER_PERIOD = 25
REJECTED_WEBHOOKS_DATAPOINTS = 2
# Heartbeat: at least one run that finished (invocations minus errors, timeouts included) in
# three schedule periods; tolerates a dropped tick (EventBridge retries, then drops it).
HEARTBEAT_PERIODS = 3
# Duration: the slowest run of a 5-minute period above 80% of the timeout, in 2 of 3 periods: a
# single slow run is noise, a trend is a function about to be killed mid-batch.
DURATION_TIMEOUT_FRACTION = 0.8
DURATION_DATAPOINTS = (2, 3)
# Throttles are retried (SQS, EventBridge); only 15 minutes of them in a row mean lost capacity.
THROTTLE_DATAPOINTS = 3
# PausedSystems: a gauge the poll emits on every run while a connection's system stays paused
# (ConnectionPaused counts the moment it pauses); one is an outage someone must look at.
CONNECTION_PAUSED = "PausedSystems"
WEBHOOK_REJECTED = "WebhookRejected"
# `cdk deploy -c ledgerlink:alarmEmail=ops@example.com` subscribes an address to the topic.
ALARM_EMAIL_CONTEXT = "ledgerlink:alarmEmail"
CLOUDWATCH = "cloudwatch.amazonaws.com"


def business_metric(name: str, statistic: str, period: cdk.Duration) -> cloudwatch.Metric:
    """A metric our functions emit with powertools (its default ``service`` dimension)."""
    return cloudwatch.Metric(
        namespace=METRICS_NAMESPACE,
        metric_name=name,
        dimensions_map={"service": POWERTOOLS_SERVICE_NAME},
        statistic=statistic,
        period=period,
    )


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
        failed_runs: sqs.IQueue,
    ) -> None:
        super().__init__(scope, cid)
        self.alarm_prefix = physical(self, ALARM_PREFIX)
        self.topic = self._topic()
        self.alarms: list[cloudwatch.Alarm] = []
        self.error_alarms: dict[str, cloudwatch.Alarm] = {}
        for key, dlq in dlqs.items():
            self._dlq_arrivals(key, dlq)
        for key, q in queues.items():
            timeout = queue(key).visibility_timeout_s * OLDEST_MESSAGE_VISIBILITY_TIMEOUTS
            self._alarm(
                f"{key}-oldest-message",
                q.metric_approximate_age_of_oldest_message(
                    period=PERIOD, statistic=cloudwatch.Stats.MAXIMUM
                ),
                f"A message of {q.queue_name} waits longer than {timeout}s: a stuck FIFO group, "
                "a paused connection or a failing consumer (see its logs)",
                threshold=timeout,
                evaluation_periods=OLDEST_MESSAGE_DATAPOINTS,
            )
        for name, fn in functions.items():
            self.error_alarms[name] = self._alarm(
                f"{name}-errors",
                fn.metric_errors(period=PERIOD, statistic=cloudwatch.Stats.SUM),
                # Expected failures are handled (rejected requests, partial batch failures,
                # dead letters with a reason): an Error is a crash or a timeout, i.e. a bug.
                f"{name} crashed or timed out (see its log group); during a deployment this "
                "rolls the new version back",
            )
            self._alarm(
                f"{name}-throttles",
                fn.metric_throttles(period=PERIOD, statistic=cloudwatch.Stats.SUM),
                f"{name} was throttled for 15 minutes",
                evaluation_periods=THROTTLE_DATAPOINTS,
            )
            timeout_ms = function(name).timeout_s * 1000
            datapoints, periods = DURATION_DATAPOINTS
            self._alarm(
                f"{name}-duration-near-timeout",
                fn.metric_duration(period=PERIOD, statistic=cloudwatch.Stats.MAXIMUM),
                f"{name} runs close to its {function(name).timeout_s}s timeout",
                threshold=timeout_ms * DURATION_TIMEOUT_FRACTION,
                evaluation_periods=periods,
                datapoints_to_alarm=datapoints,
            )
        for schedule in SCHEDULES:
            self._heartbeat(schedule.function, functions[schedule.function], schedule.rate_minutes)
        self._alarm(
            "api-5xx",
            api.metric_server_error(period=PERIOD, statistic=cloudwatch.Stats.SUM),
            "The ledgerlink API answered 5xx (webhook_ingest crashed or timed out)",
        )
        self._alarm(
            "webhooks-rejected",
            business_metric(WEBHOOK_REJECTED, cloudwatch.Stats.SUM, PERIOD),
            "Many webhooks were rejected: a token rotated on one side only, a disabled "
            "connection, or someone probing the doors (see webhook_ingest's 'request rejected' "
            "logs)",
            threshold=REJECTED_WEBHOOKS_PER_PERIOD,
            evaluation_periods=REJECTED_WEBHOOKS_DATAPOINTS,
        )
        self._alarm(
            "connections-paused",
            business_metric(CONNECTION_PAUSED, cloudwatch.Stats.MAXIMUM, PERIOD),
            "A connection paused its work for a system that is down, rate-limited or "
            "refusing credentials; it resumes by itself when a probe succeeds",
        )
        self._alarm(
            "scheduled-runs-failed",
            failed_runs.metric_number_of_messages_sent(
                period=PERIOD, statistic=cloudwatch.Stats.SUM
            ),
            "A scheduled run failed every retry or aged out: read the failure queue's record",
        )
        self.dashboard = self._dashboard(queues, dlqs, functions, api)

    def _dlq_arrivals(self, key: str, dlq: sqs.Queue) -> None:
        # Two ways in: the consumer parks a message with its reason (SendMessage, counted by
        # NumberOfMessagesSent), or the redrive policy moves it after maxReceiveCount (not
        # counted there: seen as a rise of the visible messages). Either is a new letter.
        arrivals = cloudwatch.MathExpression(
            expression="MAX([DIFF(visible), sent])",
            using_metrics={
                "visible": dlq.metric_approximate_number_of_messages_visible(
                    period=DLQ_PERIOD, statistic=cloudwatch.Stats.MAXIMUM
                ),
                "sent": dlq.metric_number_of_messages_sent(
                    period=DLQ_PERIOD, statistic=cloudwatch.Stats.SUM
                ),
            },
            period=DLQ_PERIOD,
            label=f"new dead letters in {key}",
        )
        self._alarm(
            f"{key}-dlq-arrivals",
            arrivals,
            f"New messages in {dlq.queue_name}: read their reason attribute, fix, then redrive",
        )

    def _heartbeat(self, name: str, fn: lambda_.Function, rate_minutes: int) -> None:
        window = cdk.Duration.minutes(rate_minutes * HEARTBEAT_PERIODS)
        finished = cloudwatch.MathExpression(
            expression="FILL(runs, 0) - FILL(errors, 0)",
            using_metrics={
                "runs": fn.metric_invocations(period=window, statistic=cloudwatch.Stats.SUM),
                "errors": fn.metric_errors(period=window, statistic=cloudwatch.Stats.SUM),
            },
            period=window,
            label=f"{name} runs finished",
        )
        self._alarm(
            f"{name}-heartbeat",
            finished,
            f"{name} did not run, or did not finish, in {HEARTBEAT_PERIODS} schedule periods "
            "(rule disabled, throttled, or failing: see its errors alarm and log group)",
            threshold=1,
            comparison=cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
            missing=cloudwatch.TreatMissingData.BREACHING,  # no data is no run
        )

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
                    resource_name=f"{self.alarm_prefix}*",
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

    def _alarm(
        self,
        name: str,
        metric: cloudwatch.IMetric,
        description: str,
        *,
        threshold: float = 0,
        evaluation_periods: int = 1,
        datapoints_to_alarm: int | None = None,
        comparison: cloudwatch.ComparisonOperator = (
            cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD
        ),
        missing: cloudwatch.TreatMissingData = cloudwatch.TreatMissingData.NOT_BREACHING,
    ) -> cloudwatch.Alarm:
        alarm = cloudwatch.Alarm(
            self,
            name,
            alarm_name=f"{self.alarm_prefix}{name}",
            alarm_description=description,
            metric=metric,
            threshold=threshold,
            evaluation_periods=evaluation_periods,
            datapoints_to_alarm=datapoints_to_alarm,
            comparison_operator=comparison,
            treat_missing_data=missing,
        )
        alarm.add_alarm_action(actions.SnsAction(self.topic))
        alarm.add_ok_action(actions.SnsAction(self.topic))
        self.alarms.append(alarm)
        return alarm

    def _dashboard(
        self,
        queues: dict[str, sqs.Queue],
        dlqs: dict[str, sqs.Queue],
        functions: dict[str, lambda_.Function],
        api: apigw.RestApi,
    ) -> cloudwatch.Dashboard:
        dashboard = cloudwatch.Dashboard(
            self, "Dashboard", dashboard_name=physical(self, DASHBOARD_NAME)
        )
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
