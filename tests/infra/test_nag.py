"""cdk-nag (AwsSolutions) finds nothing open, and every suppression is narrow, used and reasoned."""

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Annotations, Match

from infra.acknowledgments import MIN_REASON_WORDS, PLUGIN, acknowledge

pytestmark = pytest.mark.infra


@pytest.fixture(params=["synthesized", "configured"])
def each(request):
    """The default stack and the one with every context switch turned (WAF off included)."""
    return request.getfixturevalue(request.param)


def _plugin_reports(synthesized):
    return synthesized.report.get("pluginReports", [])


def _acknowledgments(synthesized):
    """(qualified rule id, construct path) -> reason, for every acknowledgment in the tree."""
    found = {}
    for construct in synthesized.app.node.find_all():
        for entry in construct.node.metadata:
            if entry.type == cdk.Validations.ACKNOWLEDGED_RULES_METADATA_KEY:
                for rule, reason in entry.data.items():
                    found[(rule, construct.node.path)] = reason
    return found


def test_cdk_nag_ran_and_left_no_open_findings(each):
    reports = {r["pluginName"]: r for r in _plugin_reports(each)}
    assert PLUGIN in reports, "the AwsSolutions pack did not run"
    open_findings = [
        f"{r['pluginName']} {v['severity']} {v['ruleName']} at "
        f"{[c.get('constructPath') for c in v['violatingConstructs']]}: {v['description']}"
        for r in reports.values()
        for v in r["violations"]
    ]
    assert open_findings == []
    assert all(r["conclusion"] == "success" for r in reports.values())


def test_synth_raised_no_errors_or_warnings(each):
    annotations = Annotations.from_stack(each.stack)
    assert annotations.find_error("*", Match.any_value()) == []
    assert annotations.find_warning("*", Match.any_value()) == []


def test_every_suppression_has_a_real_reason(each):
    suppressed = [s for r in _plugin_reports(each) for s in r.get("suppressedViolations", [])]
    assert suppressed, "expected the known, justified findings to be listed as suppressed"
    for finding in suppressed:
        assert len(finding["reason"].split()) >= MIN_REASON_WORDS, finding["ruleName"]


def test_suppressions_are_applied_to_resources_not_the_stack_or_app(each):
    stack_path = each.stack.node.path
    for (rule, path), _ in _acknowledgments(each).items():
        assert path not in {"", stack_path}, f"{rule} acknowledged stack-wide"
        assert path.startswith(f"{stack_path}/"), (rule, path)


def test_every_acknowledgment_suppresses_a_real_finding(each):
    used = {
        (s["acknowledgedId"], s["acknowledgedAt"])
        for r in _plugin_reports(each)
        for s in r.get("suppressedViolations", [])
    }
    stale = set(_acknowledgments(each)) - used
    assert stale == set(), "acknowledgments that suppress nothing: remove them"


def test_acknowledge_refuses_vague_or_stack_wide_suppressions():
    app = cdk.App()
    stack = cdk.Stack(app, "Probe")
    construct = cdk.CfnResource(stack, "Thing", type="Custom::Thing")
    with pytest.raises(ValueError, match="real reason"):
        acknowledge(construct, {"AwsSolutions-IAM5[Resource::*]": "needed"})
    with pytest.raises(ValueError, match="not stack-wide"):
        acknowledge(stack, {"AwsSolutions-L1": "a reason long enough to pass the word count check"})
    with pytest.raises(ValueError, match="not an AwsSolutions rule"):
        acknowledge(construct, {"HIPAA.Security-X": "a reason long enough to pass the word count"})
