"""The stage: one deployment's name, prefixed to every physical name so staging and production
(or two regions' copies) live side by side in one account, and a retained table of one stage
never blocks re-creating another.

shared/topology.py keeps the logical names (``ledgerlink-state``, ``ledgerlink-changes.fifo``)
that the sandbox uses as they are; infra/ deploys ``<stage>-<logical name>`` and hands the
functions the real names and URLs through their environment.

``cdk deploy -c ledgerlink:stage=staging`` (default ``prod``).
"""

from __future__ import annotations

import re

from constructs import Construct

from shared.topology import SECRET_PREFIX

STAGE_CONTEXT = "ledgerlink:stage"
DEFAULT_STAGE = "prod"
# Short, lower-case, starts with a letter: valid in every name it prefixes (SQS allows 80
# characters, Lambda 64, alarm names 255; a FIFO queue name must end in .fifo).
_STAGE = re.compile(r"^[a-z][a-z0-9]{0,11}$")


class StageNameError(ValueError):
    """The stage from context cannot prefix resource names."""


def stage(scope: Construct) -> str:
    value = str(scope.node.try_get_context(STAGE_CONTEXT) or DEFAULT_STAGE)
    if not _STAGE.match(value):
        raise StageNameError(
            f"{STAGE_CONTEXT}={value!r}: use 1-12 lower-case letters and digits, starting "
            "with a letter"
        )
    return value


def physical(scope: Construct, logical: str) -> str:
    """The deployed name of the topology's ``logical`` name in this stage."""
    return f"{stage(scope)}-{logical}"


def secret_prefix(scope: Construct) -> str:
    """Connection secrets of this stage: ``<stage>/ledgerlink/connections/<connection id>``;
    a staging function can never read a production connection's secret."""
    return f"{stage(scope)}/{SECRET_PREFIX}"
