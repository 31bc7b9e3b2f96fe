"""The edge before webhook_ingest runs: WAF (on by default) and what it logs."""

import re

import pytest

from infra.constructs.waf import (
    MAX_ACTION_BODY_BYTES,
    RATE_LIMIT_PER_5_MIN,
    _content_length_over,
)
from shared.ingest.doors import MAX_BODY_BYTES
from tests.infra.helpers import resources

pytestmark = pytest.mark.infra


def _acl(template):
    [acl] = resources(template, "AWS::WAFv2::WebACL").values()
    return acl["Properties"]


def _rules(template):
    return {rule["Name"]: rule for rule in _acl(template)["Rules"]}


def test_web_acl_guards_the_api_stage(template):
    acl = _acl(template)
    assert acl["Scope"] == "REGIONAL"
    assert acl["DefaultAction"] == {"Allow": {}}
    [association] = resources(template, "AWS::WAFv2::WebACLAssociation").values()
    [stage_id] = resources(template, "AWS::ApiGateway::Stage")
    assert {"Ref": stage_id} in association["Properties"]["ResourceArn"]["Fn::Join"][1]


def test_per_ip_rate_rule_blocks(template):
    rule = _rules(template)["per-ip-rate"]
    assert rule["Action"] == {"Block": {}}
    assert rule["Statement"]["RateBasedStatement"] == {
        "AggregateKeyType": "IP",
        "Limit": RATE_LIMIT_PER_5_MIN,
    }


def test_body_size_rule_blocks_what_the_function_would_refuse(template):
    rule = _rules(template)["body-size"]
    assert rule["Action"] == {"Block": {}}
    statement = rule["Statement"]["RegexMatchStatement"]
    assert statement["FieldToMatch"] == {"SingleHeader": {"Name": "content-length"}}
    pattern = re.compile(statement["RegexString"])
    # Given Content-Length values around the function's own limit
    # Then exactly those above it are blocked
    for length in (0, 1, 999, 999_999, MAX_BODY_BYTES, 10_000, 100_000):
        assert not pattern.match(str(length)), length
    for length in (MAX_BODY_BYTES + 1, 1_000_010, 1_100_000, 2_000_000, 9_999_999, 10**8):
        assert pattern.match(str(length)), length


def test_action_bodies_are_limited_by_inspection(template):
    statements = _rules(template)["action-body-size"]["Statement"]["AndStatement"]["Statements"]
    path, size = (s for s in statements)
    assert path["ByteMatchStatement"]["SearchString"] == "/actions/"
    assert path["ByteMatchStatement"]["FieldToMatch"] == {"UriPath": {}}
    size = size["SizeConstraintStatement"]
    assert (size["ComparisonOperator"], size["Size"]) == ("GT", MAX_ACTION_BODY_BYTES)
    # anything beyond WAF's inspection window counts as too big
    assert size["FieldToMatch"] == {"Body": {"OversizeHandling": "MATCH"}}


def test_waf_logs_redact_the_token_and_the_signature(template):
    [logging] = resources(template, "AWS::WAFv2::LoggingConfiguration").values()
    props = logging["Properties"]
    assert {"QueryString": {}} in props["RedactedFields"]
    assert {"SingleHeader": {"Name": "x-ledgerlink-signature"}} in props["RedactedFields"]
    [destination] = props["LogDestinationConfigs"]
    group = destination["Fn::Join"][1][-1]["Ref"]
    name = resources(template, "AWS::Logs::LogGroup")[group]["Properties"]["LogGroupName"]
    assert name.startswith("aws-waf-logs-")  # WAF delivers only to groups named so


@pytest.mark.parametrize("limit", [1, 9, 10, 99, 1_000_000, 123_456, 16_384])
def test_content_length_regex_matches_exactly_the_numbers_above_the_limit(limit):
    pattern = re.compile(_content_length_over(limit))
    for n in range(max(0, limit - 50), limit + 50):
        assert bool(pattern.match(str(n))) == (n > limit), n
    assert pattern.match(str(limit * 10 + 1))
    assert pattern.match("0" + str(limit + 1))


def test_without_waf_the_acknowledgment_says_why(configured):
    assert resources(configured.template, "AWS::WAFv2::WebACL") == {}
