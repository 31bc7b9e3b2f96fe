import pytest

from infra.constructs.monitoring import ALARM_PREFIX
from shared.topology import FUNCTIONS, QUEUES
from tests.infra.helpers import function_id, queue_id, resources

pytestmark = pytest.mark.infra


def _alarms(template):
    return {
        a["Properties"]["AlarmName"]: a["Properties"]
        for a in resources(template, "AWS::CloudWatch::Alarm").values()
    }


def _topic(template):
    [topic_id] = resources(template, "AWS::SNS::Topic")
    return topic_id


def _assert_fires_on_first(alarm, template):
    assert alarm["ComparisonOperator"] == "GreaterThanThreshold"
    assert alarm["Threshold"] == 0
    assert alarm["EvaluationPeriods"] == 1
    assert alarm["AlarmActions"] == [{"Ref": _topic(template)}]


@pytest.mark.parametrize("spec", QUEUES, ids=lambda s: s.key)
def test_alarm_on_any_message_in_each_dlq(template, spec):
    alarm = _alarms(template)[f"{ALARM_PREFIX}{spec.key}-dlq-not-empty"]
    assert alarm["Namespace"] == "AWS/SQS"
    assert alarm["MetricName"] == "ApproximateNumberOfMessagesVisible"
    assert alarm["Dimensions"] == [
        {
            "Name": "QueueName",
            "Value": {"Fn::GetAtt": [queue_id(template, spec.dlq_name), "QueueName"]},
        }
    ]
    _assert_fires_on_first(alarm, template)


@pytest.mark.parametrize("spec", FUNCTIONS, ids=lambda s: s.name)
@pytest.mark.parametrize("metric", ["Errors", "Throttles"])
def test_alarm_on_function_errors_and_throttles(template, spec, metric):
    alarm = _alarms(template)[f"{ALARM_PREFIX}{spec.name}-{metric.lower()}"]
    assert alarm["Namespace"] == "AWS/Lambda"
    assert alarm["MetricName"] == metric
    assert alarm["Dimensions"] == [
        {"Name": "FunctionName", "Value": {"Ref": function_id(template, spec)}}
    ]
    _assert_fires_on_first(alarm, template)


def test_alarm_on_api_5xx(template):
    alarm = _alarms(template)[f"{ALARM_PREFIX}api-5xx"]
    assert alarm["Namespace"] == "AWS/ApiGateway"
    assert alarm["MetricName"] == "5XXError"
    _assert_fires_on_first(alarm, template)


def test_alarm_topic_is_encrypted_and_cloudwatch_may_use_it(template):
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
    assert len(publishers) == 1


def test_dashboard_exists(template):
    assert len(resources(template, "AWS::CloudWatch::Dashboard")) == 1
