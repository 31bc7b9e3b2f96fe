"""``cdk synth`` entry point (cdk.json: ``python -m infra.app``).

Synth needs no AWS credentials and looks nothing up. ``-c ledgerlink:account=123456789012
-c ledgerlink:region=eu-west-1`` pins the stack to one account and region (``cdk deploy`` then
refuses credentials of another account); without them the stack is environment-agnostic and
deploys wherever the caller's credentials point. The stack id carries the stage
(``Ledgerlink-<stage>`` for any stage but ``prod``, which keeps ``Ledgerlink``), so each
stage is its own CloudFormation stack.
"""

from __future__ import annotations

from collections.abc import Mapping

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks

from infra.naming import DEFAULT_STAGE, STAGE_CONTEXT
from infra.stack import LedgerlinkStack

STACK_ID = "Ledgerlink"
ACCOUNT_CONTEXT = "ledgerlink:account"
REGION_CONTEXT = "ledgerlink:region"


def environment(app: cdk.App) -> cdk.Environment:
    """The account and region from context, each ``None`` (resolved at deploy) when absent."""
    account = app.node.try_get_context(ACCOUNT_CONTEXT)
    region = app.node.try_get_context(REGION_CONTEXT)
    return cdk.Environment(
        account=str(account) if account else None, region=str(region) if region else None
    )


def stack_id(app: cdk.App) -> str:
    stage = app.node.try_get_context(STAGE_CONTEXT) or DEFAULT_STAGE
    return STACK_ID if stage == DEFAULT_STAGE else f"{STACK_ID}-{stage}"


def build_app(
    context: Mapping[str, object] | None = None, *, outdir: str | None = None, nag: bool = True
) -> tuple[cdk.App, LedgerlinkStack]:
    """The app with its one stack; ``nag`` runs the cdk-nag AwsSolutions checks at synth."""
    app = cdk.App(context=dict(context or {}), outdir=outdir)
    stack = LedgerlinkStack(
        app,
        stack_id(app),
        env=environment(app),
        description="ledgerlink: CRM <-> ERP sync (Salesforce <-> Sage Intacct)",
    )
    cdk.Tags.of(stack).add("project", "ledgerlink")
    if nag:
        cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(verbose=True))
    return app, stack


def main() -> None:
    app, _ = build_app()
    app.synth()


if __name__ == "__main__":
    main()
