"""Safe, repeatable deploys: stages side by side, pinned environments, canary deployments,
an optional custom domain, a customer-managed key for secrets, and outputs naming everything."""

import json

import pytest

from infra.constructs.functions import ALIAS
from shared.topology import FUNCTIONS, QUEUES, SECRET_PREFIX, TABLES
from tests.infra.conftest import CONFIGURED_CONTEXT
from tests.infra.helpers import alias_id, deployed, resources

pytestmark = pytest.mark.infra

STAGING = CONFIGURED_CONTEXT["ledgerlink:stage"]


def _names(template, kind, prop):
    return {r["Properties"].get(prop) for r in resources(template, kind).values()}


def test_another_stage_names_everything_apart(template, configured):
    other = configured.template
    for kind, prop in (
        ("AWS::SQS::Queue", "QueueName"),
        ("AWS::DynamoDB::Table", "TableName"),
        ("AWS::Lambda::Function", "FunctionName"),
        ("AWS::CloudWatch::Alarm", "AlarmName"),
        ("AWS::Events::Rule", "Name"),
        ("AWS::ApiGateway::RestApi", "Name"),
    ):
        prod, staging = _names(template, kind, prop), _names(other, kind, prop)
        assert prod, kind
        assert staging, kind
        assert all(n.startswith("prod-") for n in prod), kind
        assert all(n.startswith(f"{STAGING}-") for n in staging), kind
        assert {n.removeprefix("prod-") for n in prod} == {
            n.removeprefix(f"{STAGING}-") for n in staging
        }, kind
    for spec in TABLES:
        assert deployed(spec.name, STAGING) in _names(other, "AWS::DynamoDB::Table", "TableName")


def test_another_stage_is_its_own_stack_pinned_to_its_account_and_region(configured):
    assert configured.stack.stack_name == f"Ledgerlink-{STAGING}"
    assert configured.stack.account == CONFIGURED_CONTEXT["ledgerlink:account"]
    assert configured.stack.region == CONFIGURED_CONTEXT["ledgerlink:region"]


def test_default_stack_is_environment_agnostic(synthesized):
    import aws_cdk as cdk

    assert cdk.Token.is_unresolved(synthesized.stack.account)
    assert cdk.Token.is_unresolved(synthesized.stack.region)


def test_another_stage_reads_only_its_own_secrets_and_decrypts_with_the_configured_key(
    configured,
):
    for fn in resources(configured.template, "AWS::Lambda::Function").values():
        env = fn["Properties"]["Environment"]["Variables"]
        assert env["CONNECTION_SECRET_PREFIX"] == f"{STAGING}/{SECRET_PREFIX}"
    key = CONFIGURED_CONTEXT["ledgerlink:secretsKmsKeyArn"]
    decrypts = [
        s
        for p in resources(configured.template, "AWS::IAM::Policy").values()
        for s in p["Properties"]["PolicyDocument"]["Statement"]
        if "kms:Decrypt" in json.dumps(s["Action"])
    ]
    assert decrypts, "no kms:Decrypt grant for the customer-managed key"
    for statement in decrypts:
        assert statement["Resource"] == key
        assert statement["Condition"] == {
            "StringEquals": {
                "kms:ViaService": {
                    "Fn::Join": ["", ["secretsmanager.eu-west-1.", {"Ref": "AWS::URLSuffix"}]]
                }
            }
        }
    lambda_roles = [
        r
        for r in resources(configured.template, "AWS::IAM::Role").values()
        if r["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]
        == {"Service": "lambda.amazonaws.com"}
    ]
    assert len(decrypts) == len(lambda_roles) == len(FUNCTIONS)


@pytest.mark.parametrize("spec", FUNCTIONS, ids=lambda s: s.name)
def test_each_alias_shifts_by_canary_and_rolls_back_on_its_error_alarm(template, spec):
    groups = resources(template, "AWS::CodeDeploy::DeploymentGroup").values()
    alarms = resources(template, "AWS::CloudWatch::Alarm")
    [group] = [
        g["Properties"]
        for g in groups
        if alarms[g["Properties"]["AlarmConfiguration"]["Alarms"][0]["Name"]["Ref"]]["Properties"][
            "AlarmName"
        ]
        == f"prod-ledgerlink-{spec.name}-errors"
    ]
    assert group["DeploymentConfigName"] == "CodeDeployDefault.LambdaCanary10Percent5Minutes"
    assert group["AlarmConfiguration"]["Enabled"] is True
    assert set(group["AutoRollbackConfiguration"]["Events"]) == {
        "DEPLOYMENT_FAILURE",
        "DEPLOYMENT_STOP_ON_ALARM",
    }
    alias = resources(template, "AWS::Lambda::Alias")[alias_id(template, spec)]
    assert alias["Properties"]["Name"] == ALIAS
    assert "CodeDeployLambdaAliasUpdate" in alias["UpdatePolicy"]


def test_custom_domain_maps_to_the_stage_and_names_the_api_url(configured, template):
    other = configured.template
    [domain] = resources(other, "AWS::ApiGateway::DomainName").values()
    props = domain["Properties"]
    assert props["DomainName"] == CONFIGURED_CONTEXT["ledgerlink:domainName"]
    assert props["RegionalCertificateArn"] == CONFIGURED_CONTEXT["ledgerlink:certificateArn"]
    assert props["SecurityPolicy"] == "TLS_1_2"
    [mapping] = resources(other, "AWS::ApiGateway::BasePathMapping").values()
    assert "BasePath" not in mapping["Properties"]  # /webhooks/... at the domain's root
    [record] = resources(other, "AWS::Route53::RecordSet").values()
    assert record["Properties"]["HostedZoneId"] == CONFIGURED_CONTEXT["ledgerlink:hostedZoneId"]
    assert other.to_json()["Outputs"]["ApiUrl"]["Value"] == "https://sync.example.com/"
    # and without the context there is no domain at all
    assert resources(template, "AWS::ApiGateway::DomainName") == {}


def test_outputs_name_the_api_every_queue_and_dlq_and_the_tables(template):
    outputs = template.to_json()["Outputs"]
    assert "ApiUrl" in outputs
    for spec in QUEUES:
        key = spec.key.capitalize()
        assert outputs[f"{key}QueueUrl"]["Value"]["Ref"] in resources(template, "AWS::SQS::Queue")
        assert outputs[f"{key}DlqUrl"]["Value"]["Ref"] in resources(template, "AWS::SQS::Queue")
    tables = {o["Value"].get("Ref") for o in outputs.values() if isinstance(o["Value"], dict)}
    assert set(resources(template, "AWS::DynamoDB::Table")) <= tables
    assert "ScheduledFailuresQueueUrl" in outputs


def test_tracing_asked_for_turns_x_ray_on_and_lets_powertools_trace(template, configured):
    # Given the default stack and one deployed with -c ledgerlink:tracing=true
    for fn in resources(configured.template, "AWS::Lambda::Function").values():
        props = fn["Properties"]
        # Then each function is traced actively, and powertools is not told to stay off
        assert props["TracingConfig"] == {"Mode": "Active"}
        assert "POWERTOOLS_TRACE_DISABLED" not in props["Environment"]["Variables"]
    # And only then may the roles write trace segments
    assert "xray:PutTraceSegments" in json.dumps(resources(configured.template, "AWS::IAM::Policy"))
    assert "xray:" not in json.dumps(resources(template, "AWS::IAM::Policy"))
