"""The Lambda layer every function uses: shared/ and the runtime dependencies."""

from __future__ import annotations

from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from infra.bundling import layer_code


def shared_layer(scope: Construct, cid: str) -> lambda_.LayerVersion:
    return lambda_.LayerVersion(
        scope,
        cid,
        code=layer_code(),
        compatible_runtimes=[lambda_.Runtime.PYTHON_3_12],
        compatible_architectures=[lambda_.Architecture.ARM_64],
        description="ledgerlink shared/ package and its pinned runtime dependencies",
    )
