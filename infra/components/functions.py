"""One Lambda per FunctionSpec, the shared layer, least-privilege grants, and the SQS event
source mappings (reporting batch item failures)."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_logs as logs
from constructs import Construct

from infra.bundling import layer_code
from infra.components.queues import Queues
from infra.components.storage import Storage
from infra.paths import FUNCTIONS
from shared.topology import (
    FUNCTIONS as FUNCTION_SPECS,
)
from shared.topology import (
    IDEMPOTENCY_TABLE,
    METRICS_NAMESPACE,
    POWERTOOLS_SERVICE_NAME,
    SECRET_PREFIX,
    SECRET_PREFIX_ENV,
    STATE_TABLE,
    FunctionSpec,
    queue,
)


class Functions(Construct):
    def __init__(self, scope: Construct, cid: str, storage: Storage, queues: Queues) -> None:
        super().__init__(scope, cid)
        self.layer = lambda_.LayerVersion(
            self,
            "SharedLayer",
            code=layer_code(),
            compatible_runtimes=[lambda_.Runtime.PYTHON_3_12],
            compatible_architectures=[lambda_.Architecture.ARM_64],
            description="shared/ and the runtime dependencies",
        )
        self.functions: dict[str, lambda_.Function] = {
            spec.name: self._function(spec, storage, queues) for spec in FUNCTION_SPECS
        }

    def _function(self, spec: FunctionSpec, storage: Storage, queues: Queues) -> lambda_.Function:
        state = storage.tables[STATE_TABLE.name]
        env = {
            STATE_TABLE.env_var: state.table_name,
            SECRET_PREFIX_ENV: SECRET_PREFIX,
            "POWERTOOLS_SERVICE_NAME": POWERTOOLS_SERVICE_NAME,
            "POWERTOOLS_METRICS_NAMESPACE": METRICS_NAMESPACE,
            "LOG_LEVEL": "INFO",
        }
        for key in spec.sends_to:
            env[queue(key).env_var] = queues.queues[key].queue_url
        if spec.reads_queue:
            env[queue(spec.reads_queue).dlq_env_var] = queues.dlqs[spec.reads_queue].queue_url
        if spec.uses_idempotency:
            env[IDEMPOTENCY_TABLE.env_var] = storage.tables[IDEMPOTENCY_TABLE.name].table_name
        fn = lambda_.Function(
            self,
            spec.name,
            function_name=f"ledgerlink-{spec.name}",
            description=spec.description,
            runtime=lambda_.Runtime.PYTHON_3_12,
            architecture=lambda_.Architecture.ARM_64,
            handler="handler.handler",
            code=lambda_.Code.from_asset(str(FUNCTIONS / spec.name), exclude=["__pycache__"]),
            layers=[self.layer],
            timeout=cdk.Duration.seconds(spec.timeout_s),
            memory_size=spec.memory_mb,
            environment=env,
            tracing=lambda_.Tracing.ACTIVE,
            log_group=logs.LogGroup(
                self,
                f"{spec.name}-logs",
                retention=logs.RetentionDays.ONE_MONTH,
                removal_policy=cdk.RemovalPolicy.DESTROY,
            ),
        )
        state.grant_read_write_data(fn)
        if spec.uses_idempotency:
            storage.tables[IDEMPOTENCY_TABLE.name].grant_read_write_data(fn)
        for key in spec.sends_to:
            queues.queues[key].grant_send_messages(fn)
        if spec.reads_queue:
            queues.dlqs[spec.reads_queue].grant_send_messages(fn)
            fn.add_event_source(
                sources.SqsEventSource(
                    queues.queues[spec.reads_queue],
                    batch_size=queue(spec.reads_queue).batch_size,
                    report_batch_item_failures=True,
                )
            )
        stack = cdk.Stack.of(self)
        fn.add_to_role_policy(
            iam.PolicyStatement(
                actions=["secretsmanager:GetSecretValue"],
                resources=[
                    stack.format_arn(
                        service="secretsmanager",
                        resource="secret",
                        resource_name=f"{SECRET_PREFIX}*",
                        arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
                    )
                ],
            )
        )
        self._acknowledge(fn)
        return fn

    @staticmethod
    def _acknowledge(fn: lambda_.Function) -> None:
        cdk.Validations.of(fn).acknowledge(
            cdk.Acknowledgment(
                id="AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:"
                "policy/service-role/AWSLambdaBasicExecutionRole]",
                reason="AWSLambdaBasicExecutionRole only lets the function write its own logs.",
            ),
            cdk.Acknowledgment(
                id="AwsSolutions::AwsSolutions-IAM5[Resource::*]",
                reason="X-Ray's PutTraceSegments/PutTelemetryRecords take no resource: "
                "active tracing needs Resource *.",
            ),
            cdk.Acknowledgment(
                id="AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:"
                f"secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:{SECRET_PREFIX}*]",
                reason="One secret per connection under ledgerlink/connections/; secret ARNs "
                "end in a random suffix, so the prefix needs a wildcard.",
            ),
            cdk.Acknowledgment(
                id="AwsSolutions-L1",
                reason="The product targets the python3.12 Lambda runtime on purpose (the "
                "code runs on 3.11+); moving runtimes is a deliberate, tested change.",
            ),
        )
