import json

import pytest

from infra.constructs.schedules import async_retries
from shared.topology import SCHEDULES, function
from tests.infra.helpers import alias_id, deployed, logical_id, queue_id, resources

pytestmark = pytest.mark.infra

by_schedule = pytest.mark.parametrize("spec", SCHEDULES, ids=lambda s: s.name)


@by_schedule
def test_schedule_fires_its_functions_live_alias_at_the_topology_rate(template, spec):
    rule = resources(template, "AWS::Events::Rule")[
        logical_id(template, "AWS::Events::Rule", "Name", deployed(f"ledgerlink-{spec.name}"))
    ]["Properties"]
    unit = "minute" if spec.rate_minutes == 1 else "minutes"
    assert rule["ScheduleExpression"] == f"rate({spec.rate_minutes} {unit})"
    assert rule["State"] == "ENABLED"
    [target] = rule["Targets"]
    assert target["Arn"] == {"Ref": alias_id(template, function(spec.function))}
    assert target["RetryPolicy"]["MaximumEventAgeInSeconds"] == spec.rate_minutes * 60


@by_schedule
def test_eventbridge_may_invoke_the_scheduled_alias(template, spec):
    alias = alias_id(template, function(spec.function))
    permissions = [
        p["Properties"]
        for p in resources(template, "AWS::Lambda::Permission").values()
        if p["Properties"]["Principal"] == "events.amazonaws.com"
        and p["Properties"]["FunctionName"] == {"Ref": alias}
    ]
    assert len(permissions) == 1


@by_schedule
def test_async_retries_and_event_age_end_at_the_next_tick(template, spec):
    alias = alias_id(template, function(spec.function))
    [config] = [
        c["Properties"]
        for c in resources(template, "AWS::Lambda::EventInvokeConfig").values()
        if alias in json.dumps(c["Properties"]["Qualifier"])
    ]
    assert config["MaximumEventAgeInSeconds"] == spec.rate_minutes * 60
    retries = config["MaximumRetryAttempts"]
    assert retries == async_retries(function(spec.function).timeout_s, spec.rate_minutes)
    # every attempt (run + Lambda's 1 and 2 minute waits) fits before the next tick
    timeout = function(spec.function).timeout_s
    assert timeout * (retries + 1) + sum((60, 120)[:retries]) <= spec.rate_minutes * 60
    failed = queue_id(template, "ledgerlink-scheduled-failures")
    assert config["DestinationConfig"] == {
        "OnFailure": {"Destination": {"Fn::GetAtt": [failed, "Arn"]}}
    }


def test_async_retries_fit_the_rate():
    assert async_retries(timeout_s=120, rate_minutes=5) == 1  # 120+60+120 = 300
    assert async_retries(timeout_s=120, rate_minutes=15) == 2
    assert async_retries(timeout_s=300, rate_minutes=5) == 0
