import json

import pytest

from infra.constructs.api import ROUTES, THROTTLE_BURST, THROTTLE_RATE_PER_S
from shared.topology import FUNCTIONS
from tests.infra.helpers import alias_id, resources

pytestmark = pytest.mark.infra

INGEST = next(spec for spec in FUNCTIONS if spec.behind_api)


def _paths(template):
    """API Gateway resource logical id -> its full path."""
    nodes = resources(template, "AWS::ApiGateway::Resource")

    def path_of(lid):
        props = nodes[lid]["Properties"]
        parent = props["ParentId"]
        prefix = "" if "Fn::GetAtt" in parent else path_of(parent["Ref"])
        return f"{prefix}/{props['PathPart']}"

    return {lid: path_of(lid) for lid in nodes}


def _methods_by_path(template):
    paths = _paths(template)
    return {
        (paths[m["Properties"]["ResourceId"]["Ref"]], m["Properties"]["HttpMethod"]): m[
            "Properties"
        ]
        for m in resources(template, "AWS::ApiGateway::Method").values()
    }


def test_api_has_exactly_the_three_doors(template):
    expected = {
        ("/webhooks/{connection_id}/{system}", "POST"),
        ("/actions/{connection_id}/{proxy+}", "POST"),
        ("/open/{connection_id}/{page}/{key}", "GET"),
    }
    assert set(_methods_by_path(template)) == expected
    assert {("/" + "/".join(path), r.method) for path, r in ROUTES.items()} == expected


@pytest.mark.parametrize("route", list(ROUTES), ids="/".join)
def test_route_proxies_to_webhook_ingest_live_alias_and_validates_params(template, route):
    method = _methods_by_path(template)[("/" + "/".join(route), ROUTES[route].method)]
    assert method["AuthorizationType"] == "NONE"  # callers authenticate in the function
    integration = method["Integration"]
    assert integration["Type"] == "AWS_PROXY"
    assert integration["IntegrationHttpMethod"] == "POST"
    assert {"Ref": alias_id(template, INGEST)} in integration["Uri"]["Fn::Join"][1]
    assert method["RequestParameters"] == {
        f"method.request.{p}": True for p in ROUTES[route].params
    }
    validator = resources(template, "AWS::ApiGateway::RequestValidator")[
        method["RequestValidatorId"]["Ref"]
    ]["Properties"]
    assert validator["ValidateRequestParameters"] is True


def test_each_door_requires_its_credential_before_the_function_runs(template):
    methods = _methods_by_path(template)
    webhook = methods[("/webhooks/{connection_id}/{system}", "POST")]["RequestParameters"]
    action = methods[("/actions/{connection_id}/{proxy+}", "POST")]["RequestParameters"]
    link = methods[("/open/{connection_id}/{page}/{key}", "GET")]["RequestParameters"]
    assert webhook["method.request.querystring.token"] is True
    assert action["method.request.header.X-Ledgerlink-Signature"] is True
    assert link["method.request.querystring.sig"] is True


def test_no_api_gateway_trace_can_hold_the_token_in_the_url(template):
    # API Gateway's X-Ray segments keep the full request URL, query string included
    [stage] = [s["Properties"] for s in resources(template, "AWS::ApiGateway::Stage").values()]
    assert stage.get("TracingEnabled", False) is False
    [settings] = stage["MethodSettings"]
    assert settings["DataTraceEnabled"] is False  # execution logs never carry requests
    fields = stage["AccessLogSetting"]["Format"]
    assert "querystring" not in fields.lower()
    assert "$context.path" not in fields  # the resource path template only


def test_stage_is_throttled_and_access_logged(template):
    [stage] = [s["Properties"] for s in resources(template, "AWS::ApiGateway::Stage").values()]
    assert stage["StageName"] == "prod"
    [settings] = stage["MethodSettings"]
    assert settings["ThrottlingRateLimit"] == THROTTLE_RATE_PER_S
    assert settings["ThrottlingBurstLimit"] == THROTTLE_BURST
    assert settings["LoggingLevel"] in {"ERROR", "INFO"}
    assert settings["DataTraceEnabled"] is False
    log_group = stage["AccessLogSetting"]["DestinationArn"]["Fn::Join"][1][-1]["Ref"]
    assert log_group in resources(template, "AWS::Logs::LogGroup")


def test_api_gateway_may_invoke_webhook_ingest_live_alias_only(template):
    invoked = {
        json.dumps(p["Properties"]["FunctionName"])
        for p in resources(template, "AWS::Lambda::Permission").values()
        if p["Properties"]["Principal"] == "apigateway.amazonaws.com"
    }
    assert invoked == {json.dumps({"Ref": alias_id(template, INGEST)})}
