"""Synthesize the stack once per session, bundling skipped (no pip install in unit runs)."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")


@pytest.fixture(scope="session")
def template():
    from aws_cdk.assertions import Template

    from infra.app import build_app

    app, stack = build_app({"aws:cdk:bundling-stacks": []})
    app.synth()  # runs the cdk-nag AwsSolutions checks: raises on any unacknowledged finding
    return Template.from_stack(stack)
