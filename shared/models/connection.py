"""A connection: one CRM account paired with one ERP company, and how they sync.

``crm`` and ``erp`` each name a system and hold that system's settings, validated by the
system's plug-in (a union discriminated on ``system``, open to plug-ins registered later).
The pair is known from the two systems; a pair may extend this model with its own options
(``shared/pairs/<pair>/``), and :func:`shared.pairs.registry.load_connection` picks the
pair's model.

The configuration lives in the state table (no secrets); the secrets live in AWS Secrets
Manager under ``ledgerlink/connections/<connection_id>``: the door secrets, and each side's
own secrets under ``crm`` and ``erp``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    SerializeAsAny,
    field_validator,
)

from shared.mapping.fields import Side
from shared.mapping.overrides import MappingOverride
from shared.models.systems import SystemSettings


class ConflictPolicy(StrEnum):
    """Who wins when the same field changed on both sides since the last sync."""

    CRM_WINS = "crm_wins"
    ERP_WINS = "erp_wins"
    NEWEST_WINS = "newest_wins"


def _side_settings(value: Any, side: Side) -> SystemSettings:
    """The side's settings, validated by its system's plug-in (which must play that side)."""
    from shared.connectors.registry import system

    if isinstance(value, SystemSettings):
        name = value.system
    elif isinstance(value, dict) and isinstance(value.get("system"), str):
        name = value["system"]
    else:
        raise ValueError("needs a 'system' naming the system on this side")
    plugin = system(name)
    if plugin.role is not side:
        raise ValueError(f"'{name}' is a {plugin.role.value.upper()}, not a {side.value.upper()}")
    return plugin.settings(value, side.value)


class Connection(BaseModel):
    """Everything non-secret ledgerlink knows about one paired CRM and ERP."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    connection_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    crm: SerializeAsAny[SystemSettings]
    erp: SerializeAsAny[SystemSettings]
    conflict_policy: ConflictPolicy = ConflictPolicy.CRM_WINS
    mappings: dict[str, MappingOverride] = Field(default_factory=dict)
    # Objects the poller reads on each schedule, in order (parents before children); a pair's
    # model sets its defaults. The ERP side's poll is its way in where it has no push; the
    # CRM side's is the safety net under its notifications.
    erp_polled_objects: tuple[str, ...] = ()
    crm_polled_objects: tuple[str, ...] = ()
    poll_overlap_s: int = Field(default=60, ge=0, le=3600)
    poll_page_size: int = Field(default=1000, ge=1, le=2000)  # one query reads a busy poll
    enabled: bool = True

    @field_validator("crm", mode="before")
    @classmethod
    def _crm(cls, value: Any) -> SystemSettings:
        return _side_settings(value, Side.CRM)

    @field_validator("erp", mode="before")
    @classmethod
    def _erp(cls, value: Any) -> SystemSettings:
        return _side_settings(value, Side.ERP)

    @property
    def pair(self) -> str:
        return f"{self.crm.system}_{self.erp.system}"

    def settings(self, side: Side) -> SystemSettings:
        return self.crm if side is Side.CRM else self.erp

    def side_of(self, system: str) -> Side:
        if system == self.crm.system:
            return Side.CRM
        if system == self.erp.system:
            return Side.ERP
        raise ValueError(f"connection {self.connection_id} has no {system} side")

    def polled(self) -> tuple[tuple[str, Side, tuple[str, ...]], ...]:
        """(setting, side, objects) for each side the poller reads, the ERP first."""
        return (
            ("erp_polled_objects", Side.ERP, self.erp_polled_objects),
            ("crm_polled_objects", Side.CRM, self.crm_polled_objects),
        )


class ConnectionSecrets(BaseModel):
    """The JSON stored in the connection's secret: the door secrets, then each side's own
    (read by that side's plug-in)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    webhook_token: SecretStr
    action_secret: SecretStr
    # While a rotation is under way the previous values are accepted too; retire them by
    # removing them from the secret.
    previous_webhook_token: SecretStr | None = None
    previous_action_secret: SecretStr | None = None
    crm: dict[str, SecretStr] = Field(default_factory=dict)
    erp: dict[str, SecretStr] = Field(default_factory=dict)

    def side(self, side: Side) -> dict[str, str]:
        values = self.crm if side is Side.CRM else self.erp
        return {k: v.get_secret_value() for k, v in values.items()}

    def webhook_tokens(self) -> tuple[str, ...]:
        """The tokens a webhook may carry: the current one, and the previous one while a
        rotation is under way."""
        return _current_and_previous(self.webhook_token, self.previous_webhook_token)

    def action_secrets(self) -> tuple[str, ...]:
        return _current_and_previous(self.action_secret, self.previous_action_secret)

    def stored(self) -> dict[str, Any]:
        """The secret's JSON body, values revealed (only for writing the secret)."""
        body: dict[str, Any] = {
            "webhook_token": self.webhook_token.get_secret_value(),
            "action_secret": self.action_secret.get_secret_value(),
            "crm": self.side(Side.CRM),
            "erp": self.side(Side.ERP),
        }
        for name in ("previous_webhook_token", "previous_action_secret"):
            value = getattr(self, name)
            if value is not None:
                body[name] = value.get_secret_value()
        return body


def _current_and_previous(current: SecretStr, previous: SecretStr | None) -> tuple[str, ...]:
    if previous is None:
        return (current.get_secret_value(),)
    return (current.get_secret_value(), previous.get_secret_value())
