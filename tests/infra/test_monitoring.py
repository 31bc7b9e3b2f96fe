"""Alarms that mean something: what each watches, with the thresholds monitoring.py explains."""

import json

import pytest

from infra.constructs.monitoring import (
    DURATION_TIMEOUT_FRACTION,
    HEARTBEAT_PERIODS,
    OLDEST_MESSAGE_VISIBILITY_TIMEOUTS,
    REJECTED_WEBHOOKS_PER_PERIOD,
)
from shared.topology import FUNCTIONS, METRICS_NAMESPACE, QUEUES, SCHEDULES, function
from tests.infra.helpers import function_id, queue_id, resources

pytestmark = pytest.mark.infra

PREFIX = "prod-ledgerlink-"


def _alarms(template):
    return {
        a["Properties"]["AlarmName"]: a["Properties"]
        for a in resources(template, "AWS::CloudWatch::Alarm").values()
    }


def _topic(template):
    [topic_id] = resources(template, "AWS::SNS::Topic")
    return topic_id


def _notifies(alarm, template):
    assert alarm["AlarmActions"] == [{"Ref": _topic(template)}]
    assert alarm["OKActions"] == [{"Ref": _topic(template)}]


def _metrics(alarm):
    """id -> MetricStat of a metric-math alarm."""
    return {m["Id"]: m["MetricStat"] for m in alarm["Metrics"] if "MetricStat" in m}


def _expression(alarm):
    [expression] = [m["Expression"] for m in alarm["Metrics"] if "Expression" in m]
    return expression


def test_every_alarm_name_carries_the_stage(template):
    assert all(name.startswith(PREFIX) for name in _alarms(template))


@pytest.mark.parametrize("spec", QUEUES, ids=lambda s: s.key)
def test_dlq_alarm_counts_new_arrivals_not_depth(template, spec):
    # Given a DLQ that already holds letters, its alarm returns to OK and the next new letter
    # (parked by the consumer, or moved by the redrive policy) raises it again
    alarm = _alarms(template)[f"{PREFIX}{spec.key}-dlq-arrivals"]
    assert _expression(alarm) == "MAX([DIFF(visible), sent])"
    metrics = _metrics(alarm)
    dlq = {"Fn::GetAtt": [queue_id(template, spec.dlq_name), "QueueName"]}
    assert metrics["visible"]["Metric"]["MetricName"] == "ApproximateNumberOfMessagesVisible"
    assert metrics["sent"]["Metric"]["MetricName"] == "NumberOfMessagesSent"
    for m in metrics.values():
        assert m["Metric"]["Dimensions"] == [{"Name": "QueueName", "Value": dlq}]
        assert m["Period"] == 60
    assert alarm["ComparisonOperator"] == "GreaterThanThreshold"
    assert alarm["Threshold"] == 0
    assert alarm["EvaluationPeriods"] == 1
    _notifies(alarm, template)


@pytest.mark.parametrize("spec", QUEUES, ids=lambda s: s.key)
def test_oldest_message_age_alarm_per_queue(template, spec):
    alarm = _alarms(template)[f"{PREFIX}{spec.key}-oldest-message"]
    assert alarm["MetricName"] == "ApproximateAgeOfOldestMessage"
    assert alarm["Dimensions"] == [
        {"Name": "QueueName", "Value": {"Fn::GetAtt": [queue_id(template, spec.name), "QueueName"]}}
    ]
    assert alarm["Threshold"] == spec.visibility_timeout_s * OLDEST_MESSAGE_VISIBILITY_TIMEOUTS
    assert alarm["EvaluationPeriods"] == 2
    _notifies(alarm, template)


@pytest.mark.parametrize("spec", FUNCTIONS, ids=lambda s: s.name)
def test_function_error_throttle_and_duration_alarms(template, spec):
    alarms = _alarms(template)
    dims = [{"Name": "FunctionName", "Value": {"Ref": function_id(template, spec)}}]
    errors = alarms[f"{PREFIX}{spec.name}-errors"]
    assert (errors["MetricName"], errors["Dimensions"], errors["Threshold"]) == ("Errors", dims, 0)
    throttles = alarms[f"{PREFIX}{spec.name}-throttles"]
    assert (throttles["MetricName"], throttles["EvaluationPeriods"]) == ("Throttles", 3)
    duration = alarms[f"{PREFIX}{spec.name}-duration-near-timeout"]
    assert duration["MetricName"] == "Duration"
    assert duration["Statistic"] == "Maximum"
    assert duration["Threshold"] == spec.timeout_s * 1000 * DURATION_TIMEOUT_FRACTION
    assert (duration["DatapointsToAlarm"], duration["EvaluationPeriods"]) == (2, 3)
    for alarm in (errors, throttles, duration):
        _notifies(alarm, template)


@pytest.mark.parametrize("spec", SCHEDULES, ids=lambda s: s.name)
def test_heartbeat_fires_when_a_schedule_did_not_run_or_did_not_finish(template, spec):
    alarm = _alarms(template)[f"{PREFIX}{spec.function}-heartbeat"]
    assert _expression(alarm) == "FILL(runs, 0) - FILL(errors, 0)"
    metrics = _metrics(alarm)
    assert metrics["runs"]["Metric"]["MetricName"] == "Invocations"
    assert metrics["errors"]["Metric"]["MetricName"] == "Errors"
    fn = {"Ref": function_id(template, function(spec.function))}
    for m in metrics.values():
        assert m["Metric"]["Dimensions"] == [{"Name": "FunctionName", "Value": fn}]
        assert m["Period"] == spec.rate_minutes * 60 * HEARTBEAT_PERIODS
    assert alarm["ComparisonOperator"] == "LessThanThreshold"
    assert alarm["Threshold"] == 1
    assert alarm["TreatMissingData"] == "breaching"  # no data is no run
    _notifies(alarm, template)


def test_rejected_webhook_spike_and_paused_connections_alarms(template):
    alarms = _alarms(template)
    rejected = alarms[f"{PREFIX}webhooks-rejected"]
    assert (rejected["Namespace"], rejected["MetricName"]) == (METRICS_NAMESPACE, "WebhookRejected")
    assert rejected["Dimensions"] == [{"Name": "service", "Value": "ledgerlink"}]
    assert rejected["Threshold"] == REJECTED_WEBHOOKS_PER_PERIOD
    paused = alarms[f"{PREFIX}connections-paused"]
    assert (paused["Namespace"], paused["MetricName"]) == (METRICS_NAMESPACE, "PausedSystems")
    assert paused["Threshold"] == 0
    for alarm in (rejected, paused):
        _notifies(alarm, template)


def test_failed_scheduled_runs_and_api_5xx_alarms(template):
    alarms = _alarms(template)
    failed = alarms[f"{PREFIX}scheduled-runs-failed"]
    assert failed["MetricName"] == "NumberOfMessagesSent"
    failed_queue = queue_id(template, "ledgerlink-scheduled-failures")
    assert failed["Dimensions"] == [
        {"Name": "QueueName", "Value": {"Fn::GetAtt": [failed_queue, "QueueName"]}}
    ]
    api = alarms[f"{PREFIX}api-5xx"]
    assert (api["Namespace"], api["MetricName"]) == ("AWS/ApiGateway", "5XXError")


def test_alarm_topic_is_encrypted_and_only_this_stages_alarms_may_publish(template):
    [topic] = resources(template, "AWS::SNS::Topic").values()
    [key_id] = resources(template, "AWS::KMS::Key")
    assert topic["Properties"]["KmsMasterKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}
    key = resources(template, "AWS::KMS::Key")[key_id]["Properties"]
    assert key["EnableKeyRotation"] is True
    cloudwatch = [
        s
        for s in key["KeyPolicy"]["Statement"]
        if s.get("Principal") == {"Service": "cloudwatch.amazonaws.com"}
    ]
    assert [s["Action"] for s in cloudwatch] == [["kms:Decrypt", "kms:GenerateDataKey*"]]
    assert "aws:SourceAccount" in cloudwatch[0]["Condition"]["StringEquals"]
    [policy] = resources(template, "AWS::SNS::TopicPolicy").values()
    publishers = [
        s
        for s in policy["Properties"]["PolicyDocument"]["Statement"]
        if s["Effect"] == "Allow" and s.get("Principal") == {"Service": "cloudwatch.amazonaws.com"}
    ]
    [publisher] = publishers
    assert f":alarm:{PREFIX}*" in json.dumps(publisher["Condition"]["ArnLike"])


def test_dashboard_exists(template):
    [dashboard] = resources(template, "AWS::CloudWatch::Dashboard").values()
    assert dashboard["Properties"]["DashboardName"] == "prod-ledgerlink"
