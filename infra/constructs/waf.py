"""The API's WAF web ACL (on by default; ``-c ledgerlink:waf=false`` leaves it out, e.g. where an
organisation attaches its own ACLs through Firewall Manager).

Rules, in order (the first that matches decides):

1. ``per-ip-rate``: more than ``RATE_LIMIT_PER_5_MIN`` requests from one IP in 5 minutes are
   blocked until the rate falls. Salesforce sends outbound messages from a few shared IP
   ranges, so the limit sits well above one org's traffic (it averages 10 requests a second,
   against the stage's own throttle of 50) and mainly stops one source from flooding the doors.
2. ``body-size``: a body over ``MAX_BODY_BYTES`` (shared/ingest/doors.py's limit) is blocked
   by its ``Content-Length`` header. WAF itself reads at most the first 16 KB of an API
   Gateway body (64 KB at extra cost), so the size of a larger body is visible only there;
   API Gateway needs the header (REST APIs do not take chunked request bodies).
3. ``action-body-size``: an action body over ``MAX_ACTION_BODY_BYTES`` is blocked by
   inspecting the body itself (``OversizeHandling: MATCH`` counts anything past WAF's 16 KB
   window as too big): actions are small signed JSON documents.

Logs go to a CloudWatch log group (WAF requires the ``aws-waf-logs-`` prefix) with the query
string (a webhook's ``?token=``, a link's ``?sig=``) and the action signature header redacted.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_logs as logs
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from infra.naming import physical
from shared.ingest.doors import MAX_BODY_BYTES
from shared.ingest.signatures import HEADER

WAF_CONTEXT = "ledgerlink:waf"
RATE_LIMIT_PER_5_MIN = 3000
MAX_ACTION_BODY_BYTES = 16 * 1024
LOG_RETENTION = logs.RetentionDays.THREE_MONTHS


def waf_enabled(scope: Construct) -> bool:
    return str(scope.node.try_get_context(WAF_CONTEXT)).lower() != "false"


def _content_length_over(limit: int) -> str:
    """A regex matching the decimal numbers greater than ``limit``: any with more digits, or
    with as many digits, the same leading ones and then a greater digit."""
    digits = str(limit)
    alternatives = [rf"[1-9]\d{{{len(digits)},}}"]  # more digits
    for i, ch in enumerate(digits):
        if ch != "9":
            rest = len(digits) - i - 1
            alternatives.append(
                f"{digits[:i]}[{int(ch) + 1}-9]" + (rf"\d{{{rest}}}" if rest else "")
            )
    return "^0*(" + "|".join(alternatives) + ")$"


def _visibility(name: str) -> wafv2.CfnWebACL.VisibilityConfigProperty:
    return wafv2.CfnWebACL.VisibilityConfigProperty(
        cloud_watch_metrics_enabled=True, metric_name=name, sampled_requests_enabled=True
    )


def _block(
    name: str, priority: int, statement: wafv2.CfnWebACL.StatementProperty
) -> wafv2.CfnWebACL.RuleProperty:
    return wafv2.CfnWebACL.RuleProperty(
        name=name,
        priority=priority,
        action=wafv2.CfnWebACL.RuleActionProperty(block={}),
        statement=statement,
        visibility_config=_visibility(name),
    )


class ApiFirewall(Construct):
    def __init__(self, scope: Construct, cid: str, stage_arn: str) -> None:
        super().__init__(scope, cid)
        name = physical(self, "ledgerlink-api")
        no_transform = [wafv2.CfnWebACL.TextTransformationProperty(priority=0, type="NONE")]
        self.acl = wafv2.CfnWebACL(
            self,
            "Acl",
            name=name,
            scope="REGIONAL",
            default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
            visibility_config=_visibility(name),
            rules=[
                _block(
                    "per-ip-rate",
                    0,
                    wafv2.CfnWebACL.StatementProperty(
                        rate_based_statement=wafv2.CfnWebACL.RateBasedStatementProperty(
                            limit=RATE_LIMIT_PER_5_MIN, aggregate_key_type="IP"
                        )
                    ),
                ),
                _block(
                    "body-size",
                    1,
                    wafv2.CfnWebACL.StatementProperty(
                        regex_match_statement=wafv2.CfnWebACL.RegexMatchStatementProperty(
                            regex_string=_content_length_over(MAX_BODY_BYTES),
                            field_to_match=wafv2.CfnWebACL.FieldToMatchProperty(
                                single_header={"Name": "content-length"}
                            ),
                            text_transformations=no_transform,
                        )
                    ),
                ),
                _block(
                    "action-body-size",
                    2,
                    wafv2.CfnWebACL.StatementProperty(
                        and_statement=wafv2.CfnWebACL.AndStatementProperty(
                            statements=[
                                wafv2.CfnWebACL.StatementProperty(
                                    byte_match_statement=wafv2.CfnWebACL.ByteMatchStatementProperty(
                                        search_string="/actions/",
                                        positional_constraint="CONTAINS",
                                        field_to_match=wafv2.CfnWebACL.FieldToMatchProperty(
                                            uri_path={}
                                        ),
                                        text_transformations=no_transform,
                                    )
                                ),
                                wafv2.CfnWebACL.StatementProperty(
                                    size_constraint_statement=wafv2.CfnWebACL.SizeConstraintStatementProperty(
                                        comparison_operator="GT",
                                        size=MAX_ACTION_BODY_BYTES,
                                        field_to_match=wafv2.CfnWebACL.FieldToMatchProperty(
                                            body=wafv2.CfnWebACL.BodyProperty(
                                                oversize_handling="MATCH"
                                            )
                                        ),
                                        text_transformations=no_transform,
                                    )
                                ),
                            ]
                        )
                    ),
                ),
            ],
        )
        wafv2.CfnWebACLAssociation(
            self, "Association", resource_arn=stage_arn, web_acl_arn=self.acl.attr_arn
        )
        self.log_group = logs.LogGroup(
            self,
            "Logs",
            log_group_name=f"aws-waf-logs-{name}",
            retention=LOG_RETENTION,
            removal_policy=cdk.RemovalPolicy.DESTROY,
        )
        wafv2.CfnLoggingConfiguration(
            self,
            "Logging",
            resource_arn=self.acl.attr_arn,
            # the group's ARN without the ":*" its Arn attribute ends in (WAF refuses that form)
            log_destination_configs=[
                cdk.Stack.of(self).format_arn(
                    service="logs",
                    resource="log-group",
                    resource_name=self.log_group.log_group_name,
                    arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
                )
            ],
            redacted_fields=[
                wafv2.CfnLoggingConfiguration.FieldToMatchProperty(query_string={}),
                wafv2.CfnLoggingConfiguration.FieldToMatchProperty(
                    single_header={"Name": HEADER.lower()}
                ),
            ],
        )
