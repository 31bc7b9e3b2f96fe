"""One Lambda per shared/topology.FUNCTIONS entry: python3.12 on arm64, code from
``functions/<name>/`` (handler ``handler.handler``), the shared layer, its environment,
least-privilege grants, a published version behind the ``live`` alias (what every caller
invokes: the API, the schedules, the SQS event source mapping; CodeDeploy shifts it, see
infra/constructs/deployments.py).

Grants come from the topology and nothing else: the DynamoDB item operations its
``FunctionSpec.tables`` states (checked against what the function really does in
tests/integration/test_observed_grants.py), ``sqs:SendMessage`` on its ``sends_to`` queues (and
its own queue and DLQ when it consumes: renewals and dead letters), ``GetSecretValue`` on
this stage's connection secrets, writes to its own log group only (an execution role of our
own instead of AWSLambdaBasicExecutionRole, which allows every log group of the account), and
``kms:Decrypt`` only when connection secrets use a customer-managed key
(``-c ledgerlink:secretsKmsKeyArn=arn:aws:kms:...``; off by default: secrets encrypted with
the AWS managed key need no key grant)."""

from __future__ import annotations

from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_logs as logs
from constructs import Construct

from infra.acknowledgments import acknowledge
from infra.bundling import BUILD_IMAGE, LAMBDA_SERVICE_MODELS_PATH, LocalFunctionBundler
from infra.constructs.layer import shared_layer
from infra.constructs.queues import Queues
from infra.constructs.table import Tables
from infra.naming import physical, secret_prefix
from infra.paths import FUNCTIONS as FUNCTIONS_DIR
from shared.observability import TRACE_DISABLED_ENV
from shared.topology import (
    FUNCTIONS,
    IDEMPOTENCY_TABLE,
    INTERPRETER_ENV,
    METRICS_NAMESPACE,
    POWERTOOLS_SERVICE_NAME,
    SCHEDULES,
    SECRET_PREFIX_ENV,
    STATE_TABLE,
    FunctionSpec,
    queue,
)

RUNTIME = lambda_.Runtime.PYTHON_3_12
ARCHITECTURE = lambda_.Architecture.ARM_64
HANDLER = "handler.handler"
LOG_RETENTION = logs.RetentionDays.ONE_MONTH
DEFAULT_LOG_LEVEL = "INFO"
CODE_EXCLUDES = ["__pycache__", "*.pyc"]

# Scheduled pollers run one at a time: two overlapping runs would read the same cursor window.
SCHEDULED_FUNCTIONS = frozenset(schedule.function for schedule in SCHEDULES)
SCHEDULED_RESERVED_CONCURRENCY = 1
# Queue consumers are capped on the event source mapping, not with reserved concurrency: the
# mapping does not see reserved concurrency, and throttled receives would count toward
# maxReceiveCount and push healthy messages into the DLQ. The cap bounds parallel calls into
# the CRM/ERP APIs (FIFO message groups bound it further).

# Context switches: `cdk synth -c ledgerlink:logLevel=DEBUG`; accounts whose concurrency quota is
# still the new-account default (10) cannot reserve any: `-c ledgerlink:reserveConcurrency=false`.
LOG_LEVEL_CONTEXT = "ledgerlink:logLevel"
RESERVE_CONCURRENCY_CONTEXT = "ledgerlink:reserveConcurrency"
SECRETS_KEY_CONTEXT = "ledgerlink:secretsKmsKeyArn"
# X-Ray tracing of the functions: off unless asked for. On, every cold start imports the
# X-Ray SDK (powertools' Tracer; ~165 ms, most of a cold start) and the roles may write
# trace segments; off, the functions say so to powertools (POWERTOOLS_TRACE_DISABLED) and
# never import it. Logs, metrics and alarms do not depend on it.
TRACING_CONTEXT = "ledgerlink:tracing"
ALIAS = "live"
LAMBDA_SERVICE = "lambda.amazonaws.com"


def function_name(scope: Construct, spec: FunctionSpec) -> str:
    return physical(scope, f"ledgerlink-{spec.name}")


def function_code(directory: Path) -> lambda_.Code:
    """A function's own code: its folder under functions/, without local bytecode caches, with
    bytecode compiled by the runtime's Python (bundled locally, infra/bundling.py)."""
    return lambda_.Code.from_asset(
        str(directory),
        exclude=CODE_EXCLUDES,
        bundling=cdk.BundlingOptions(
            image=cdk.DockerImage.from_registry(BUILD_IMAGE),
            local=LocalFunctionBundler(directory),
        ),
    )


def secret_arn_pattern(scope: Construct) -> str:
    """``arn:<partition>:secretsmanager:<region>:<account>:secret:<stage>/ledgerlink/connections/*``:
    secret ARNs end in a random suffix, so a name prefix needs the trailing wildcard."""
    return cdk.Stack.of(scope).format_arn(
        service="secretsmanager",
        resource="secret",
        resource_name=f"{secret_prefix(scope)}*",
        arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
    )


class Functions(Construct):
    def __init__(self, scope: Construct, cid: str, tables: Tables, queues: Queues) -> None:
        super().__init__(scope, cid)
        self._tables = tables
        self._queues = queues
        self.layer = shared_layer(self, "SharedLayer")
        self.by_name: dict[str, lambda_.Function] = {}
        self.aliases: dict[str, lambda_.Alias] = {}
        for spec in FUNCTIONS:
            fn = self._function(spec)
            self.by_name[spec.name] = fn
            self.aliases[spec.name] = self._alias(fn, spec)

    def environment(self, spec: FunctionSpec) -> dict[str, str]:
        log_level = self.node.try_get_context(LOG_LEVEL_CONTEXT) or DEFAULT_LOG_LEVEL
        env = {
            STATE_TABLE.env_var: self._tables.state.table_name,
            SECRET_PREFIX_ENV: secret_prefix(self),
            "POWERTOOLS_SERVICE_NAME": POWERTOOLS_SERVICE_NAME,
            "POWERTOOLS_METRICS_NAMESPACE": METRICS_NAMESPACE,
            "LOG_LEVEL": str(log_level),
            # botocore reads the layer's service models without documentation first
            "AWS_DATA_PATH": LAMBDA_SERVICE_MODELS_PATH,
            **INTERPRETER_ENV,
        }
        if not self._tracing:
            env[TRACE_DISABLED_ENV] = "true"
        if spec.uses_idempotency:
            env[IDEMPOTENCY_TABLE.env_var] = self._tables.idempotency.table_name
        for key in spec.sends_to:
            env[queue(key).env_var] = self._queues.queues[key].queue_url
        if spec.consumes:
            # The consumer moves permanent failures to its DLQ itself, with the reason, and
            # puts a fresh copy of a message at its last delivery back on its own queue.
            env[queue(spec.consumes).dlq_env_var] = self._queues.dlqs[spec.consumes].queue_url
            env[queue(spec.consumes).env_var] = self._queues.queues[spec.consumes].queue_url
        return env

    def _function(self, spec: FunctionSpec) -> lambda_.Function:
        name = function_name(self, spec)
        log_group = logs.LogGroup(
            self,
            f"{spec.name}-logs",
            log_group_name=f"/aws/lambda/{name}",
            retention=LOG_RETENTION,
            removal_policy=cdk.RemovalPolicy.DESTROY,
        )
        role = iam.Role(
            self,
            f"{spec.name}-role",
            assumed_by=iam.ServicePrincipal(LAMBDA_SERVICE),
            description=f"Execution role of {name}: only what shared/topology.py grants it",
        )
        fn = lambda_.Function(
            self,
            spec.name,
            function_name=name,
            role=role,
            description=spec.description,
            runtime=RUNTIME,
            architecture=ARCHITECTURE,
            handler=HANDLER,
            code=function_code(FUNCTIONS_DIR / spec.name),
            layers=[self.layer],
            timeout=cdk.Duration.seconds(spec.timeout_s),
            memory_size=spec.memory_mb,
            environment=self.environment(spec),
            tracing=lambda_.Tracing.ACTIVE if self._tracing else lambda_.Tracing.DISABLED,
            reserved_concurrent_executions=self._reserved_concurrency(spec),
            log_group=log_group,
        )
        self._grant(fn, spec, log_group)
        self._acknowledge(fn, tracing=self._tracing)
        return fn

    def _alias(self, fn: lambda_.Function, spec: FunctionSpec) -> lambda_.Alias:
        # current_version publishes a new version whenever the code, the layer or the
        # configuration changes; CodeDeploy moves the alias to it gradually.
        alias = lambda_.Alias(
            self, f"{spec.name}-{ALIAS}", alias_name=ALIAS, version=fn.current_version
        )
        if spec.consumes:
            self._consume(alias, spec, spec.consumes)
        return alias

    @property
    def _tracing(self) -> bool:
        return str(self.node.try_get_context(TRACING_CONTEXT)).lower() == "true"

    def _reserved_concurrency(self, spec: FunctionSpec) -> int | None:
        reserve = self.node.try_get_context(RESERVE_CONCURRENCY_CONTEXT)
        if spec.name in SCHEDULED_FUNCTIONS and str(reserve).lower() != "false":
            return SCHEDULED_RESERVED_CONCURRENCY
        return None

    def _grant(self, fn: lambda_.Function, spec: FunctionSpec, log_group: logs.LogGroup) -> None:
        fn.add_to_role_policy(
            iam.PolicyStatement(
                sid="WriteOwnLogGroup",
                actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                resources=[log_group.log_group_arn],  # the group's ARN ends in ":*" (its streams)
            )
        )
        for access in spec.tables:
            table = self._tables.by_name[access.table]
            # Operations limited to some partition keys (a connection's outage items) get a
            # statement of their own with IAM's dynamodb:LeadingKeys condition.
            conditions = (
                {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": list(access.leading_keys)}}
                if access.leading_keys
                else None
            )
            fn.add_to_role_policy(
                iam.PolicyStatement(
                    actions=sorted(f"dynamodb:{op}" for op in access.operations),
                    resources=[table.table_arn],
                    conditions=conditions,
                )
            )
        # SendMessageBatch is authorized by sqs:SendMessage; the queues are SSE-SQS (no key).
        targets = [self._queues.queues[key] for key in spec.sends_to]
        if spec.consumes:
            targets.append(self._queues.dlqs[spec.consumes])
            if spec.consumes not in spec.sends_to:  # renewals (shared/queue_worker.py)
                targets.append(self._queues.queues[spec.consumes])
        if targets:
            fn.add_to_role_policy(
                iam.PolicyStatement(
                    actions=["sqs:SendMessage"], resources=[q.queue_arn for q in targets]
                )
            )
        fn.add_to_role_policy(
            iam.PolicyStatement(
                sid="ReadConnectionSecrets",
                actions=["secretsmanager:GetSecretValue"],
                resources=[secret_arn_pattern(self)],
            )
        )
        key_arn = self.node.try_get_context(SECRETS_KEY_CONTEXT)
        if key_arn:
            stack = cdk.Stack.of(self)
            fn.add_to_role_policy(
                iam.PolicyStatement(
                    sid="DecryptConnectionSecrets",
                    actions=["kms:Decrypt"],
                    resources=[str(key_arn)],
                    # only when Secrets Manager asks on the function's behalf
                    conditions={
                        "StringEquals": {
                            "kms:ViaService": f"secretsmanager.{stack.region}.{stack.url_suffix}"
                        }
                    },
                )
            )

    def _consume(self, fn: lambda_.Alias, spec: FunctionSpec, key: str) -> None:
        queue_spec = queue(key)
        if queue_spec.visibility_timeout_s < spec.timeout_s:
            raise ValueError(
                f"{queue_spec.name}: visibility timeout {queue_spec.visibility_timeout_s}s is "
                f"shorter than {spec.name}'s timeout {spec.timeout_s}s"
            )
        # Grants the consumer receive/delete/change-visibility on the queue.
        fn.add_event_source(
            sources.SqsEventSource(
                self._queues.queues[key],
                batch_size=queue_spec.batch_size,
                report_batch_item_failures=True,
                max_concurrency=queue_spec.max_concurrency,
            )
        )

    @staticmethod
    def _acknowledge(fn: lambda_.Function, *, tracing: bool) -> None:
        role, resource = fn.role, fn.node.default_child
        if role is None or resource is None:
            raise ValueError(f"{fn.node.path} has no execution role or no CfnFunction")
        findings: dict[str, str] = {}
        if tracing:
            findings["AwsSolutions-IAM5[Resource::*]"] = (
                "X-Ray PutTraceSegments and PutTelemetryRecords support no resource-level "
                "permissions, so active tracing needs Resource '*'."
            )
        findings |= {
            f"AwsSolutions-IAM5[Resource::{_nag_arn(fn)}]": "Only "
            "GetSecretValue, only on this stage's secrets named "
            "<stage>/ledgerlink/connections/<connection id> (one per connection); secret ARNs "
            "end in a random suffix, so the prefix needs a wildcard.",
        }
        acknowledge(role, findings)
        acknowledge(
            resource,
            {
                "AwsSolutions-L1": "The functions target the python3.12 runtime on purpose (the "
                "layer's wheels are built for cp312); a runtime move is a deliberate, tested "
                "change of RUNTIME and bundling.PYTHON_VERSION together.",
            },
        )


def _nag_arn(scope: Construct) -> str:
    """How cdk-nag renders ``secret_arn_pattern`` in a finding id: pseudo parameters where the
    stack is environment-agnostic, the pinned values where it is not."""
    stack = cdk.Stack.of(scope)

    def rendered(value: str, pseudo: str) -> str:
        return f"<AWS::{pseudo}>" if cdk.Token.is_unresolved(value) else value

    partition = rendered(stack.partition, "Partition")
    region = rendered(stack.region, "Region")
    account = rendered(stack.account, "AccountId")
    return f"arn:{partition}:secretsmanager:{region}:{account}:secret:{secret_prefix(scope)}*"
