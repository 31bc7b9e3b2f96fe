import pytest

from infra.constructs.api import ROUTES, THROTTLE_BURST, THROTTLE_RATE_PER_S
from shared.topology import FUNCTIONS
from tests.infra.helpers import function_id, resources

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


def test_api_has_exactly_the_two_doors(template):
    expected = {
        ("/webhooks/{connection_id}/{system}", "POST"),
        ("/actions/{connection_id}/{proxy+}", "POST"),
    }
    assert set(_methods_by_path(template)) == expected
    assert {"/" + "/".join(route) for route in ROUTES} == {path for path, _ in expected}


@pytest.mark.parametrize("route", list(ROUTES), ids="/".join)
def test_route_proxies_to_webhook_ingest_and_validates_path_params(template, route):
    method = _methods_by_path(template)[("/" + "/".join(route), "POST")]
    assert method["AuthorizationType"] == "NONE"  # callers authenticate in the function
    integration = method["Integration"]
    assert integration["Type"] == "AWS_PROXY"
    assert integration["IntegrationHttpMethod"] == "POST"
    assert {"Fn::GetAtt": [function_id(template, INGEST), "Arn"]} in integration["Uri"]["Fn::Join"][
        1
    ]
    assert method["RequestParameters"] == {f"method.request.path.{p}": True for p in ROUTES[route]}
    validator = resources(template, "AWS::ApiGateway::RequestValidator")[
        method["RequestValidatorId"]["Ref"]
    ]["Properties"]
    assert validator["ValidateRequestParameters"] is True


def test_stage_is_throttled_traced_and_access_logged(template):
    [stage] = [s["Properties"] for s in resources(template, "AWS::ApiGateway::Stage").values()]
    assert stage["TracingEnabled"] is True
    [settings] = stage["MethodSettings"]
    assert settings["ThrottlingRateLimit"] == THROTTLE_RATE_PER_S
    assert settings["ThrottlingBurstLimit"] == THROTTLE_BURST
    assert settings["LoggingLevel"] in {"ERROR", "INFO"}
    assert settings["DataTraceEnabled"] is False
    log_group = stage["AccessLogSetting"]["DestinationArn"]["Fn::Join"][1][-1]["Ref"]
    assert log_group in resources(template, "AWS::Logs::LogGroup")


def test_api_gateway_may_invoke_webhook_ingest_only(template):
    invoked = {
        p["Properties"]["FunctionName"]["Fn::GetAtt"][0]
        for p in resources(template, "AWS::Lambda::Permission").values()
        if p["Properties"]["Principal"] == "apigateway.amazonaws.com"
    }
    assert invoked == {function_id(template, INGEST)}
