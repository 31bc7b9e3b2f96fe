"""``cdk synth`` entry point (cdk.json: ``python -m infra.app``).

The stack is environment-agnostic (no account, no region): synth needs no AWS credentials, and
``cdk deploy`` deploys to whatever account/region the caller's credentials select.
"""

from __future__ import annotations

from collections.abc import Mapping

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks

from infra.stack import LedgerlinkStack

STACK_ID = "Ledgerlink"
# Explicitly account/region agnostic: resolved at deploy time, never looked up at synth.
ENVIRONMENT = cdk.Environment(account=None, region=None)


def build_app(
    context: Mapping[str, object] | None = None, *, outdir: str | None = None, nag: bool = True
) -> tuple[cdk.App, LedgerlinkStack]:
    """The app with its one stack; ``nag`` runs the cdk-nag AwsSolutions checks at synth."""
    app = cdk.App(context=dict(context or {}), outdir=outdir)
    stack = LedgerlinkStack(
        app,
        STACK_ID,
        env=ENVIRONMENT,
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
