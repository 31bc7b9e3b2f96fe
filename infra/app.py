"""``cdk synth`` entry point (cdk.json: ``python -m infra.app``)."""

from __future__ import annotations

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks

from infra.stack import LedgerlinkStack


def build_app(context: dict[str, object] | None = None) -> tuple[cdk.App, LedgerlinkStack]:
    app = cdk.App(context=context)
    stack = LedgerlinkStack(app, "Ledgerlink", description="ledgerlink CRM <-> ERP sync")
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app, verbose=True))
    return app, stack


if __name__ == "__main__":
    build_app()[0].synth()
