import pytest

from infra.constructs.functions import (
    SCHEDULED_FUNCTIONS,
    SCHEDULED_RESERVED_CONCURRENCY,
)
from shared.topology import (
    FUNCTIONS,
    IDEMPOTENCY_TABLE,
    METRICS_NAMESPACE,
    POWERTOOLS_SERVICE_NAME,
    SECRET_PREFIX,
    SECRET_PREFIX_ENV,
    STATE_TABLE,
    consumer_of,
    queue,
)
from tests.infra.helpers import (
    alias_id,
    deployed,
    function_id,
    function_props,
    queue_id,
    resources,
    table_id,
)

pytestmark = pytest.mark.infra

by_name = pytest.mark.parametrize("spec", FUNCTIONS, ids=lambda s: s.name)


@by_name
def test_function_runs_python312_on_arm64_from_its_folder_with_the_layer(template, spec):
    props = function_props(template, spec)
    assert props["Runtime"] == "python3.12"
    assert props["Architectures"] == ["arm64"]
    assert props["Handler"] == "handler.handler"
    # X-Ray is off unless asked for: powertools is told so, and never imports its SDK
    assert props.get("TracingConfig", {"Mode": "PassThrough"}) == {"Mode": "PassThrough"}
    assert props["Environment"]["Variables"]["POWERTOOLS_TRACE_DISABLED"] == "true"
    assert props["Timeout"] == spec.timeout_s
    assert props["MemorySize"] == spec.memory_mb
    [layer] = props["Layers"]
    assert layer["Ref"] in resources(template, "AWS::Lambda::LayerVersion")


@by_name
def test_function_environment_is_exactly_what_it_needs(template, spec):
    env = function_props(template, spec)["Environment"]["Variables"]
    expected = {
        STATE_TABLE.env_var: {"Ref": table_id(template, STATE_TABLE.name)},
        SECRET_PREFIX_ENV: f"prod/{SECRET_PREFIX}",  # the stage's own secrets
        "POWERTOOLS_SERVICE_NAME": POWERTOOLS_SERVICE_NAME,
        "POWERTOOLS_METRICS_NAMESPACE": METRICS_NAMESPACE,
        "LOG_LEVEL": "INFO",
        "AWS_DATA_PATH": "/opt/botocore-models",  # the layer's service models without prose
        "PYDANTIC_DISABLE_PLUGINS": "__all__",  # no scan for plugins ledgerlink does not use
        "POWERTOOLS_TRACE_DISABLED": "true",  # X-Ray off unless asked for
    }
    if spec.uses_idempotency:
        expected[IDEMPOTENCY_TABLE.env_var] = {"Ref": table_id(template, IDEMPOTENCY_TABLE.name)}
    for key in spec.sends_to:
        expected[queue(key).env_var] = {"Ref": queue_id(template, queue(key).name)}
    if spec.consumes:
        consumed = queue(spec.consumes)
        expected[consumed.dlq_env_var] = {"Ref": queue_id(template, consumed.dlq_name)}
        # its own queue: a message's fresh copy at its last delivery (renewals)
        expected[consumed.env_var] = {"Ref": queue_id(template, consumed.name)}
    assert env == expected


@by_name
def test_function_logs_to_its_own_group_with_retention(template, spec):
    group = function_props(template, spec)["LoggingConfig"]["LogGroup"]["Ref"]
    props = resources(template, "AWS::Logs::LogGroup")[group]["Properties"]
    assert props["RetentionInDays"] == 30
    assert props["LogGroupName"] == f"/aws/lambda/{deployed('ledgerlink-' + spec.name)}"


@by_name
def test_function_is_published_behind_a_live_alias(template, spec):
    alias = resources(template, "AWS::Lambda::Alias")[alias_id(template, spec)]["Properties"]
    assert alias["Name"] == "live"
    version = alias["FunctionVersion"]["Fn::GetAtt"][0]
    published = resources(template, "AWS::Lambda::Version")[version]["Properties"]
    assert published["FunctionName"] == {"Ref": function_id(template, spec)}


@by_name
def test_function_names_carry_the_stage(template, spec):
    assert function_props(template, spec)["FunctionName"] == f"prod-ledgerlink-{spec.name}"


@by_name
def test_only_scheduled_functions_reserve_concurrency(template, spec):
    reserved = function_props(template, spec).get("ReservedConcurrentExecutions")
    if spec.name in SCHEDULED_FUNCTIONS:
        assert reserved == SCHEDULED_RESERVED_CONCURRENCY
    else:
        assert reserved is None


def test_event_source_mappings_report_batch_item_failures_with_topology_batch_size(template):
    consumers = [spec for spec in FUNCTIONS if spec.consumes]
    mappings = list(resources(template, "AWS::Lambda::EventSourceMapping").values())
    assert len(mappings) == len(consumers)
    for spec in consumers:
        consumed = queue(spec.consumes)
        [mapping] = [
            m["Properties"]
            for m in mappings
            if _invokes_alias(m["Properties"]["FunctionName"], alias_id(template, spec))
        ]
        assert mapping["EventSourceArn"] == {
            "Fn::GetAtt": [queue_id(template, consumed.name), "Arn"]
        }
        assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        assert mapping["BatchSize"] == consumed.batch_size
        assert mapping["ScalingConfig"] == {"MaximumConcurrency": consumed.max_concurrency}


def _invokes_alias(function_name, alias):
    """CDK names an alias ``<function name>:live`` as ``Join(Select(6, Split(':', alias ARN)),
    ':live')``."""
    parts = function_name["Fn::Join"][1]
    return parts[0]["Fn::Select"][1]["Fn::Split"][1] == {"Ref": alias} and parts[1] == ":live"


def test_every_queue_is_consumed_by_its_topology_consumer(template):
    for spec in FUNCTIONS:
        if spec.consumes:
            assert consumer_of(spec.consumes).name == spec.name
