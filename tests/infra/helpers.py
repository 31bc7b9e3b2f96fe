"""Lookups in a synthesized template by the physical names shared/topology.py defines, as the
default stage deploys them (``prod-<logical name>``)."""

from __future__ import annotations

from typing import Any

from infra.naming import DEFAULT_STAGE
from shared.topology import FunctionSpec


def deployed(logical: str, stage: str = DEFAULT_STAGE) -> str:
    return f"{stage}-{logical}"


def resources(template: Any, kind: str) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = template.find_resources(kind)
    return found


def logical_id(template: Any, kind: str, prop: str, value: object) -> str:
    matches = [
        lid for lid, r in resources(template, kind).items() if r["Properties"].get(prop) == value
    ]
    assert len(matches) == 1, f"{kind} with {prop}={value!r}: {matches}"
    return matches[0]


def queue_id(template: Any, name: str) -> str:
    """``name``: the topology's logical queue name."""
    return logical_id(template, "AWS::SQS::Queue", "QueueName", deployed(name))


def table_id(template: Any, name: str) -> str:
    return logical_id(template, "AWS::DynamoDB::Table", "TableName", deployed(name))


def function_id(template: Any, spec: FunctionSpec) -> str:
    return logical_id(
        template, "AWS::Lambda::Function", "FunctionName", deployed(f"ledgerlink-{spec.name}")
    )


def alias_id(template: Any, spec: FunctionSpec) -> str:
    [found] = [
        lid
        for lid, alias in resources(template, "AWS::Lambda::Alias").items()
        if alias["Properties"]["FunctionName"] == {"Ref": function_id(template, spec)}
    ]
    return found


def function_props(template: Any, spec: FunctionSpec) -> dict[str, Any]:
    props: dict[str, Any] = resources(template, "AWS::Lambda::Function")[
        function_id(template, spec)
    ]["Properties"]
    return props


def statements_of(template: Any, spec: FunctionSpec) -> list[dict[str, Any]]:
    """Every statement of the policies attached to the function's execution role."""
    role = function_props(template, spec)["Role"]["Fn::GetAtt"][0]
    found: list[dict[str, Any]] = []
    for policy in resources(template, "AWS::IAM::Policy").values():
        if {"Ref": role} in policy["Properties"]["Roles"]:
            found.extend(policy["Properties"]["PolicyDocument"]["Statement"])
    return found


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def getatt_ids(resource_field: Any) -> set[str]:
    """Logical ids referenced by ``{"Fn::GetAtt": [id, "Arn"]}`` entries of a Resource field."""
    return {
        r["Fn::GetAtt"][0]
        for r in as_list(resource_field)
        if isinstance(r, dict) and "Fn::GetAtt" in r
    }
