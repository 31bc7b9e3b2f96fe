"""cdk-nag 3 suppressions: ``Validations.of(construct).acknowledge(...)``, always on the narrowest
construct that raises the finding, always with the reason the finding does not apply.

Ids are namespaced with the plugin (``AwsSolutions::<rule>``) so that CDK itself matches them
against the AwsSolutions report: each suppressed finding is then listed in the assembly's
``validation-report.json`` with its reason and the path it was acknowledged at (an audit trail
the tests read).
"""

from __future__ import annotations

from collections.abc import Mapping

import aws_cdk as cdk
from constructs import IConstruct

PLUGIN = "AwsSolutions"
MIN_REASON_WORDS = 8


def acknowledge(scope: IConstruct, reasons: Mapping[str, str]) -> None:
    """``reasons`` maps a rule or finding id (``AwsSolutions-IAM5[Resource::*]``) to why it is
    acceptable here."""
    for rule, reason in reasons.items():
        if not rule.startswith(f"{PLUGIN}-"):
            raise ValueError(f"{rule!r} is not an {PLUGIN} rule")
        if len(reason.split()) < MIN_REASON_WORDS:
            raise ValueError(f"{rule} needs a real reason, not {reason!r}")
    if isinstance(scope, cdk.Stack | cdk.Stage):
        raise ValueError("acknowledge findings on the resource that raises them, not stack-wide")
    cdk.Validations.of(scope).acknowledge(
        *(
            cdk.Acknowledgment(id=f"{PLUGIN}::{rule}", reason=reason)
            for rule, reason in reasons.items()
        )
    )
