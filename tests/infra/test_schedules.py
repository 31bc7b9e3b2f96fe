import pytest

from infra.constructs.schedules import rule_name
from shared.topology import SCHEDULES, function
from tests.infra.helpers import function_id, logical_id, resources

pytestmark = pytest.mark.infra


@pytest.mark.parametrize("spec", SCHEDULES, ids=lambda s: s.name)
def test_schedule_fires_its_function_at_the_topology_rate(template, spec):
    rule = resources(template, "AWS::Events::Rule")[
        logical_id(template, "AWS::Events::Rule", "Name", rule_name(spec))
    ]["Properties"]
    unit = "minute" if spec.rate_minutes == 1 else "minutes"
    assert rule["ScheduleExpression"] == f"rate({spec.rate_minutes} {unit})"
    assert rule["State"] == "ENABLED"
    [target] = rule["Targets"]
    assert target["Arn"] == {"Fn::GetAtt": [function_id(template, function(spec.function)), "Arn"]}


@pytest.mark.parametrize("spec", SCHEDULES, ids=lambda s: s.name)
def test_eventbridge_may_invoke_the_scheduled_function(template, spec):
    fn = function_id(template, function(spec.function))
    permissions = [
        p["Properties"]
        for p in resources(template, "AWS::Lambda::Permission").values()
        if p["Properties"]["Principal"] == "events.amazonaws.com"
        and p["Properties"]["FunctionName"] == {"Fn::GetAtt": [fn, "Arn"]}
    ]
    assert len(permissions) == 1
