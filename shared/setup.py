"""Setting up a connection, in one step: validate the configuration and the secrets, check
that both systems accept the credentials, run the pair's initialisation hooks, and only then
store the configuration and its secret. Any failing step refuses the set-up with the reason
(naming the field or the system) and stores nothing.

The sandbox uses it for its demo connections; the operator CLI will wrap it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from shared.errors import ConfigurationError, LedgerlinkError, SetupRefusedError
from shared.mapping.fields import Side
from shared.models.connection import Connection, ConnectionSecrets
from shared.pairs.catalog import MappingCatalog
from shared.pairs.registry import load_connection, pair_of
from shared.runtime import Runtime
from shared.sync.engine import Sides


@dataclass(frozen=True)
class SetupReport:
    connection_id: str
    pair: str
    checks: tuple[str, ...]  # what was checked, in order, for the operator to read


def set_up_connection(
    runtime: Runtime, config: Mapping[str, Any] | str, secrets: Mapping[str, Any]
) -> SetupReport:
    connection = _configuration(config)
    stored = _secrets(secrets)
    checks = [f"configuration valid ({connection.pair})"]
    built = {}
    for side in (Side.CRM, Side.ERP):
        system = connection.settings(side).system
        try:
            connector = runtime.build_side(connection, stored, side)
            connector.check_access()
        except LedgerlinkError as exc:
            raise SetupRefusedError(f"{side.value} ({system}) refused: {exc.reason}") from exc
        built[side] = connector
        checks.append(f"{side.value} ({system}) accepted the credentials")
    ctx = runtime.context(connection, Sides(crm=built[Side.CRM], erp=built[Side.ERP]), stored)
    for hook in pair_of(connection).setup_hooks:
        try:
            checks.append(hook(ctx))
        except LedgerlinkError as exc:
            raise SetupRefusedError(exc.reason) from exc
    runtime.secrets.put(connection.connection_id, stored)
    runtime.connections.put(connection)
    checks.append("configuration and secret stored")
    return SetupReport(connection.connection_id, connection.pair, tuple(checks))


def _configuration(config: Mapping[str, Any] | str) -> Connection:
    try:
        connection = load_connection(config)
        MappingCatalog.for_connection(connection)  # mappings and polled objects agree
    except ConfigurationError as exc:
        raise SetupRefusedError(exc.reason) from exc
    return connection


def _secrets(secrets: Mapping[str, Any]) -> ConnectionSecrets:
    try:
        return ConnectionSecrets.model_validate(secrets)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise SetupRefusedError(f"secret.{'.'.join(map(str, err['loc']))}: {err['msg']}") from exc
