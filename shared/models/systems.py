"""The shapes every system's settings and secrets share, and the roles a system plays.

A system plug-in (``shared/connectors/<system>/``) subclasses both models; a connection names
one system per side, and ``system`` tells which plug-in reads the rest.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field

SYSTEM_NAME = r"^[a-z][a-z0-9_]{1,30}$"
_SYSTEM_NAME = re.compile(SYSTEM_NAME)


def is_system_name(name: str) -> bool:
    return bool(_SYSTEM_NAME.match(name))


class SystemSettings(BaseModel):
    """The non-secret settings of one side of a connection."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    system: str = Field(pattern=SYSTEM_NAME)


class SystemSecrets(BaseModel):
    """The secrets of one side of a connection (stored in the connection's secret)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
