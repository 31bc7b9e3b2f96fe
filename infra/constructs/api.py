"""The REST API: two doors into the webhook_ingest function (Lambda proxy integration).

``POST /webhooks/{connection_id}/{system}``  CRM/ERP change notifications
``POST /actions/{connection_id}/{proxy+}``   actions started from CRM buttons

There is no API Gateway authorizer: every caller authenticates inside the function against the
connection's secret (Salesforce outbound messages cannot sign, so their endpoint URL carries the
connection's token as ``?token=``; action calls carry an HMAC-SHA256 signature of the raw body, so
the body must reach the function byte for byte). Access logs record the resource path template,
never the query string or the body.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from infra.acknowledgments import acknowledge

STAGE = "prod"
THROTTLE_RATE_PER_S = 50
THROTTLE_BURST = 100
ACCESS_LOG_RETENTION = logs.RetentionDays.THREE_MONTHS

# Resource path -> path parameters API Gateway must see before it invokes the function.
ROUTES: dict[tuple[str, ...], tuple[str, ...]] = {
    ("webhooks", "{connection_id}", "{system}"): ("connection_id", "system"),
    ("actions", "{connection_id}", "{proxy+}"): ("connection_id", "proxy"),
}


class WebhookApi(Construct):
    def __init__(self, scope: Construct, cid: str, ingest: lambda_.IFunction) -> None:
        super().__init__(scope, cid)
        access_logs = logs.LogGroup(
            self,
            "AccessLogs",
            retention=ACCESS_LOG_RETENTION,
            removal_policy=cdk.RemovalPolicy.DESTROY,
        )
        self.api = apigw.RestApi(
            self,
            "Api",
            rest_api_name="ledgerlink",
            description="ledgerlink webhooks from CRMs/ERPs and actions from CRM buttons",
            endpoint_types=[apigw.EndpointType.REGIONAL],
            # Execution logging (below) needs the account's API Gateway CloudWatch role.
            cloud_watch_role=True,
            deploy_options=apigw.StageOptions(
                stage_name=STAGE,
                tracing_enabled=True,
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
            "PathParameters",
            request_validator_name="path-parameters",
            validate_request_parameters=True,
            validate_request_body=False,
        )
        integration = apigw.LambdaIntegration(ingest)
        self.methods: list[apigw.Method] = []
        for path, params in ROUTES.items():
            resource = self.api.root.resource_for_path("/".join(path))
            method = resource.add_method(
                "POST",
                integration,
                request_validator=validator,
                request_parameters={f"method.request.path.{name}": True for name in params},
            )
            self.methods.append(method)
            acknowledge(
                method,
                {
                    "AwsSolutions-APIG4": "Callers authenticate in webhook_ingest against the "
                    "connection's secret: Salesforce outbound messages carry the connection's "
                    "token in the URL (they cannot sign or fetch tokens), action calls an "
                    "HMAC-SHA256 signature of the raw body; neither fits an API Gateway "
                    "authorizer, both are checked in constant time in the function.",
                    "AwsSolutions-COG4": "No Cognito user ever calls this route: the callers are "
                    "CRM/ERP servers authenticated in the function (see AwsSolutions-APIG4).",
                },
            )
        self._acknowledge()

    def _acknowledge(self) -> None:
        rest_api = self.api.node.default_child
        if rest_api is None:
            raise ValueError("RestApi has no CfnRestApi")
        acknowledge(
            rest_api,
            {
                "AwsSolutions-APIG2": "API Gateway validates the path parameters (validator "
                "'path-parameters'); bodies are SOAP XML and signed JSON that must reach the "
                "function byte for byte for the token/HMAC check, and are validated there.",
            },
        )
        acknowledge(
            self.api.deployment_stage,
            {
                "AwsSolutions-APIG3": "No WAF web ACL: requests are throttled per stage and "
                "authenticated in the function; attaching an account's WAF ACL is left to the "
                "deploying organisation's edge policy.",
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
