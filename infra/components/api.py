"""The REST API: two doors, both into webhook_ingest (Lambda proxy integration)."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct


class Api(Construct):
    def __init__(self, scope: Construct, cid: str, ingest: lambda_.Function) -> None:
        super().__init__(scope, cid)
        access_logs = logs.LogGroup(
            self,
            "AccessLogs",
            retention=logs.RetentionDays.THREE_MONTHS,
            removal_policy=cdk.RemovalPolicy.DESTROY,
        )
        self.api = apigw.RestApi(
            self,
            "Api",
            rest_api_name="ledgerlink",
            description="Webhooks from CRMs/ERPs and actions from CRM buttons",
            cloud_watch_role=True,
            deploy_options=apigw.StageOptions(
                stage_name="prod",
                tracing_enabled=True,
                logging_level=apigw.MethodLoggingLevel.INFO,
                data_trace_enabled=False,  # never log request bodies (they hold records)
                throttling_rate_limit=50,
                throttling_burst_limit=100,
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
            "PathValidator", validate_request_parameters=True
        )
        integration = apigw.LambdaIntegration(ingest)
        webhooks = self.api.root.add_resource("webhooks").add_resource("{connection_id}")
        webhooks.add_resource("{system}").add_method(
            "POST",
            integration,
            request_validator=validator,
            request_parameters={
                "method.request.path.connection_id": True,
                "method.request.path.system": True,
            },
        )
        actions = self.api.root.add_resource("actions").add_resource("{connection_id}")
        actions.add_resource("{proxy+}").add_method(
            "POST",
            integration,
            request_validator=validator,
            request_parameters={
                "method.request.path.connection_id": True,
                "method.request.path.proxy": True,
            },
        )
        cdk.Validations.of(self.api).acknowledge(
            cdk.Acknowledgment(
                id="AwsSolutions-APIG4",
                reason="Callers authenticate in the function: Salesforce outbound messages "
                "carry the connection's secret token (they cannot sign), actions carry an "
                "HMAC-SHA256 signature; neither fits an API Gateway authorizer.",
            ),
            cdk.Acknowledgment(
                id="AwsSolutions-COG4",
                reason="No Cognito users call this API: see AwsSolutions-APIG4.",
            ),
            cdk.Acknowledgment(
                id="AwsSolutions-APIG3",
                reason="Stage throttling and in-function authentication guard the API; a WAF "
                "web ACL is left to the deploying account's own edge policy.",
            ),
            cdk.Acknowledgment(
                id="AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:"
                "policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]",
                reason="The API Gateway account role uses the AWS managed "
                "AmazonAPIGatewayPushToCloudWatchLogs policy, which only writes logs.",
            ),
            cdk.Acknowledgment(
                id="AwsSolutions-APIG2",
                reason="Path parameters are validated by API Gateway; bodies (SOAP XML, "
                "signed JSON) must reach the function byte for byte for the token/HMAC checks "
                "and are validated there with a 4xx and a reason.",
            ),
        )
