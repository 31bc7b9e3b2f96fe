"""The REST API: three doors into the webhook_ingest function (Lambda proxy integration).

``POST /webhooks/{connection_id}/{system}``    CRM/ERP change notifications
``POST /actions/{connection_id}/{proxy+}``     actions started from CRM buttons
``GET /open/{connection_id}/{page}/{key}``     links we wrote into records ("View Project"),
                                               followed: 303 to the record's page

There is no API Gateway authorizer: every caller authenticates inside the function against the
connection's secret (Salesforce outbound messages cannot sign, so their endpoint URL carries the
connection's token as ``?token=``; action calls carry an HMAC-SHA256 signature of the raw body, so
the body must reach the function byte for byte; a link carries the HMAC of its own route as
``?sig=``). Access logs record the resource path template, never the query string or the body.

No secret in a trace: the stage's X-Ray tracing is OFF. API Gateway's trace segment records the
whole request URL, query string included (``http.request.url`` in the example segment of the
API Gateway developer guide, "AWS X-Ray traces for Amazon API Gateway APIs":
``https://example.com/dev?username=demo&message=hellofromdemo/``), with no way to drop it, so
a traced stage would keep every webhook's ``?token=`` for 30 days, readable by anyone allowed
to read traces. The functions keep Lambda active tracing: their segments carry the function,
the AWS SDK and HTTP calls they make (to the vendors' URLs, which carry no secret), never the
API's request URL.

At the edge, before the function runs: the request validator requires what each door needs
(``token`` in the query string of a webhook, the ``X-Ledgerlink-Signature`` header of an
action, ``sig`` in the query string of a link), and the WAF web ACL (infra/constructs/waf.py,
on unless ``-c ledgerlink:waf=false``) limits bodies and per-IP rates.

``-c ledgerlink:domainName=sync.example.com -c ledgerlink:certificateArn=arn:aws:acm:...``
(and optionally ``ledgerlink:hostedZoneId`` + ``ledgerlink:hostedZoneName`` for the alias
record) puts the API behind a custom domain: Salesforce's outbound-message URLs name it, so
they survive a replaced API (a new execute-api id).
"""

from __future__ import annotations

from typing import NamedTuple

import aws_cdk as cdk
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_route53_targets as route53_targets
from constructs import Construct

from infra.acknowledgments import acknowledge
from infra.naming import physical, stage
from shared.ingest.record_links import PREFIX as OPEN_PREFIX
from shared.ingest.record_links import SIG_PARAMETER
from shared.ingest.signatures import HEADER

THROTTLE_RATE_PER_S = 50
THROTTLE_BURST = 100
ACCESS_LOG_RETENTION = logs.RetentionDays.THREE_MONTHS
DOMAIN_CONTEXT = "ledgerlink:domainName"
CERTIFICATE_CONTEXT = "ledgerlink:certificateArn"
ZONE_ID_CONTEXT = "ledgerlink:hostedZoneId"
ZONE_NAME_CONTEXT = "ledgerlink:hostedZoneName"
TOKEN_PARAMETER = "token"  # noqa: S105 - the query parameter's name


class Route(NamedTuple):
    """A door's HTTP method, and the request parameters API Gateway requires before it
    invokes the function: the path parameters routing guarantees, and the door's credential."""

    method: str
    params: tuple[str, ...]


# Resource path -> its door
ROUTES: dict[tuple[str, ...], Route] = {
    ("webhooks", "{connection_id}", "{system}"): Route(
        "POST",
        ("path.connection_id", "path.system", f"querystring.{TOKEN_PARAMETER}"),
    ),
    ("actions", "{connection_id}", "{proxy+}"): Route(
        "POST",
        ("path.connection_id", "path.proxy", f"header.{HEADER}"),
    ),
    (OPEN_PREFIX, "{connection_id}", "{page}", "{key}"): Route(
        "GET",
        ("path.connection_id", "path.page", "path.key", f"querystring.{SIG_PARAMETER}"),
    ),
}


class WebhookApi(Construct):
    def __init__(self, scope: Construct, cid: str, ingest: lambda_.IFunction) -> None:
        super().__init__(scope, cid)
        self.stage_name = stage(self)
        access_logs = logs.LogGroup(
            self,
            "AccessLogs",
            retention=ACCESS_LOG_RETENTION,
            removal_policy=cdk.RemovalPolicy.DESTROY,
        )
        self.api = apigw.RestApi(
            self,
            "Api",
            rest_api_name=physical(self, "ledgerlink"),
            description="ledgerlink webhooks from CRMs/ERPs and actions from CRM buttons",
            endpoint_types=[apigw.EndpointType.REGIONAL],
            # Execution logging (below) needs the account's API Gateway CloudWatch role.
            cloud_watch_role=True,
            deploy_options=apigw.StageOptions(
                stage_name=self.stage_name,
                tracing_enabled=False,  # its traces would keep ?token= (module docstring)
                metrics_enabled=True,
                logging_level=apigw.MethodLoggingLevel.ERROR,
                data_trace_enabled=False,  # never log bodies: they carry records and tokens
                throttling_rate_limit=THROTTLE_RATE_PER_S,
                throttling_burst_limit=THROTTLE_BURST,
                access_log_destination=apigw.LogGroupLogDestination(access_logs),
                access_log_format=apigw.AccessLogFormat.json_with_standard_fields(
                    caller=False,
                    http_method=True,
                    ip=True,
                    protocol=True,
                    request_time=True,
                    resource_path=True,
                    response_length=True,
                    status=True,
                    user=False,
                ),
            ),
        )
        validator = self.api.add_request_validator(
            "RequestParameters",
            request_validator_name="request-parameters",
            validate_request_parameters=True,
            validate_request_body=False,
        )
        integration = apigw.LambdaIntegration(ingest)
        self.methods: list[apigw.Method] = []
        for path, route in ROUTES.items():
            resource = self.api.root.resource_for_path("/".join(path))
            method = resource.add_method(
                route.method,
                integration,
                request_validator=validator,
                request_parameters={f"method.request.{name}": True for name in route.params},
            )
            self.methods.append(method)
            acknowledge(
                method,
                {
                    "AwsSolutions-APIG4": "Callers authenticate in webhook_ingest against the "
                    "connection's secret: Salesforce outbound messages carry the connection's "
                    "token in the URL (they cannot sign or fetch tokens), action calls an "
                    "HMAC-SHA256 signature of the raw body, links written into records the "
                    "HMAC-SHA256 of their own route; none fits an API Gateway authorizer, all "
                    "are checked in constant time in the function.",
                    "AwsSolutions-COG4": "No Cognito user ever calls this route: the callers are "
                    "CRM/ERP servers, or people following a signed link from a CRM record, "
                    "authenticated in the function (see AwsSolutions-APIG4).",
                },
            )
        self._acknowledge()
        self.domain = self._custom_domain()

    def _custom_domain(self) -> apigw.DomainName | None:
        name = self.node.try_get_context(DOMAIN_CONTEXT)
        if not name:
            return None
        certificate_arn = self.node.try_get_context(CERTIFICATE_CONTEXT)
        if not certificate_arn:
            raise ValueError(f"{DOMAIN_CONTEXT} needs {CERTIFICATE_CONTEXT} (an ACM certificate)")
        domain = apigw.DomainName(
            self,
            "Domain",
            domain_name=str(name),
            certificate=acm.Certificate.from_certificate_arn(
                self, "Certificate", str(certificate_arn)
            ),
            endpoint_type=apigw.EndpointType.REGIONAL,
            security_policy=apigw.SecurityPolicy.TLS_1_2,
        )
        # No base path: https://<domain>/webhooks/... reaches this stage.
        domain.add_base_path_mapping(self.api, stage=self.api.deployment_stage)
        zone_id = self.node.try_get_context(ZONE_ID_CONTEXT)
        if zone_id:
            zone = route53.HostedZone.from_hosted_zone_attributes(
                self,
                "Zone",
                hosted_zone_id=str(zone_id),
                zone_name=str(self.node.try_get_context(ZONE_NAME_CONTEXT) or name),
            )
            route53.ARecord(
                self,
                "DomainRecord",
                zone=zone,
                record_name=str(name),
                target=route53.RecordTarget.from_alias(route53_targets.ApiGatewayDomain(domain)),
            )
        return domain

    @property
    def url(self) -> str:
        """The base URL outbound messages should name: the custom domain when there is one."""
        if self.domain is not None:
            return f"https://{self.node.try_get_context(DOMAIN_CONTEXT)}/"
        return self.api.url

    def _acknowledge(self) -> None:
        rest_api = self.api.node.default_child
        if rest_api is None:
            raise ValueError("RestApi has no CfnRestApi")
        acknowledge(
            rest_api,
            {
                "AwsSolutions-APIG2": "The validator 'request-parameters' requires each door's "
                "credential (the token query parameter of webhooks, the X-Ledgerlink-Signature "
                "header of actions, the sig query parameter of links) before the function runs; "
                "bodies are not schema-validated by API Gateway because webhook bodies are "
                "SOAP XML (API Gateway models are JSON Schema only) and action bodies are "
                "HMAC-signed bytes checked, then parsed with pydantic, in the function; links "
                "have no body. Body size is limited by WAF.",
            },
        )
        # Created by cloud_watch_role=True: lets API Gateway write the stage's execution logs.
        role = self.api.node.try_find_child("CloudWatchRole")
        if role is None:
            raise ValueError("RestApi created no CloudWatchRole")
        acknowledge(
            role,
            {
                "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
                "AmazonAPIGatewayPushToCloudWatchLogs]": "API Gateway's account-level logging "
                "role uses the AWS managed policy made for it, which only writes CloudWatch "
                "logs.",
            },
        )
