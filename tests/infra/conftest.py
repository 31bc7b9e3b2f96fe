"""Synthesize the stack once per session: cdk-nag on, layer bundling skipped (no pip install).

All infra tests share that one synth; under xdist (`make test`: -n 2 --dist loadgroup) they are
kept on one worker so the synth is not repeated, while the slow layer-bundling test gets a group of
its own and runs beside them.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "18,20")

HERE = Path(__file__).parent
SLOW_MODULE = "test_layer_bundling.py"  # really pip-installs the layer
SLOW_GROUP = "infra-layer"
SYNTH_GROUP = "infra"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not config.pluginmanager.hasplugin("xdist"):
        return
    for item in items:
        if HERE in item.path.parents:
            group = SLOW_GROUP if item.path.name == SLOW_MODULE else SYNTH_GROUP
            item.add_marker(pytest.mark.xdist_group(group))


def cdk_context(**extra: Any) -> dict[str, Any]:
    """cdk.json's context (the feature flags `cdk synth` uses) plus ``extra``."""
    from infra.paths import CDK_JSON

    context: dict[str, Any] = json.loads(CDK_JSON.read_text())["context"]
    return {**context, **extra}


@dataclass(frozen=True)
class Synthesized:
    app: Any  # aws_cdk.App
    stack: Any  # infra.stack.LedgerlinkStack
    template: Any  # aws_cdk.assertions.Template
    assembly_dir: Path
    report: dict[str, Any]  # validation-report.json: the cdk-nag findings, open and suppressed


# Every context switch turned away from its default, in one more synth (see `configured`).
CONFIGURED_CONTEXT = {
    "ledgerlink:stage": "staging",
    "ledgerlink:account": "111122223333",
    "ledgerlink:region": "eu-west-1",
    "ledgerlink:waf": "false",
    "ledgerlink:domainName": "sync.example.com",
    "ledgerlink:certificateArn": "arn:aws:acm:eu-west-1:111122223333:certificate/0000-abcd",
    "ledgerlink:hostedZoneId": "Z0000000EXAMPLE",
    "ledgerlink:hostedZoneName": "example.com",
    "ledgerlink:secretsKmsKeyArn": "arn:aws:kms:eu-west-1:111122223333:key/1234-abcd",
    "ledgerlink:tracing": "true",
}


def _synthesize(tmp_path_factory: pytest.TempPathFactory, **extra: Any) -> Synthesized:
    from aws_cdk.assertions import Template

    from infra.app import build_app

    context = cdk_context(
        **{
            "aws:cdk:bundling-stacks": [],  # no stack is bundled: the layer is not pip-installed
            # Let synth finish with findings so test_nag can list them, instead of raising.
            "@aws-cdk/core:failSynthOnValidationErrors": False,
            **extra,
        }
    )
    outdir = tmp_path_factory.mktemp("cdk.out")
    app, stack = build_app(context, outdir=str(outdir), nag=True)
    assembly = app.synth()
    report_path = Path(assembly.directory) / "validation-report.json"
    report = json.loads(report_path.read_text()) if report_path.exists() else {}
    return Synthesized(
        app=app,
        stack=stack,
        template=Template.from_stack(stack),
        assembly_dir=Path(assembly.directory),
        report=report,
    )


@pytest.fixture(scope="session")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    """The stack as `make synth` builds it: every context switch at its default."""
    return _synthesize(tmp_path_factory)


@pytest.fixture(scope="session")
def configured(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    """The stack with CONFIGURED_CONTEXT: another stage, pinned account and region, no WAF,
    a custom domain, a customer-managed key for connection secrets, X-Ray tracing on."""
    return _synthesize(tmp_path_factory, **CONFIGURED_CONTEXT)


@pytest.fixture(scope="session")
def template(synthesized: Synthesized) -> Any:
    return synthesized.template
