"""Gradual deployments: CodeDeploy shifts each function's ``live`` alias to its new version,
10% of the traffic for 5 minutes and then the rest, and rolls back when the function's error
alarm (infra/constructs/monitoring.py) fires or the deployment fails."""

from __future__ import annotations

from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_codedeploy as codedeploy
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from infra.acknowledgments import acknowledge
from infra.naming import physical

CONFIG = codedeploy.LambdaDeploymentConfig.CANARY_10_PERCENT_5_MINUTES


class Deployments(Construct):
    def __init__(
        self,
        scope: Construct,
        cid: str,
        aliases: dict[str, lambda_.Alias],
        error_alarms: dict[str, cloudwatch.Alarm],
    ) -> None:
        super().__init__(scope, cid)
        self.application = codedeploy.LambdaApplication(
            self, "Application", application_name=physical(self, "ledgerlink")
        )
        self.groups: dict[str, codedeploy.LambdaDeploymentGroup] = {}
        for name, alias in aliases.items():
            group = codedeploy.LambdaDeploymentGroup(
                self,
                name,
                application=self.application,
                alias=alias,
                deployment_config=CONFIG,
                alarms=[error_alarms[name]],
                auto_rollback=codedeploy.AutoRollbackConfig(
                    failed_deployment=True, deployment_in_alarm=True
                ),
            )
            acknowledge(
                group.role,
                {
                    "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
                    "AWSCodeDeployRoleForLambdaLimited]": "CodeDeploy's service role for Lambda "
                    "uses the AWS managed policy made for it: it may only update aliases, read "
                    "alarms and invoke this stack's deployment hooks (none are configured).",
                },
            )
            self.groups[name] = group
