"""(CRM system, ERP system) -> pair plug-in. Adding a pair is a package under shared/pairs/
and one line in ``BUILTIN``; tests register their own with :func:`register`."""

from __future__ import annotations

import importlib
import json
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from shared.errors import ConfigurationError
from shared.mapping.computes import register_computes
from shared.models.connection import Connection
from shared.pairs.plugin import PairPlugin

BUILTIN: dict[tuple[str, str], str] = {
    ("salesforce", "intacct"): "shared.pairs.salesforce_intacct",
    ("zoho_crm", "zoho_books"): "shared.pairs.zoho_crm_books",
}

_pairs: dict[tuple[str, str], PairPlugin] = {}


class UnknownPairError(ConfigurationError):
    """No pair plug-in joins these two systems."""


def register(plugin: PairPlugin) -> None:
    register_computes(plugin.computes)
    _pairs[(plugin.crm, plugin.erp)] = plugin


def unregister(plugin: PairPlugin) -> None:
    _pairs.pop((plugin.crm, plugin.erp), None)


def pair(crm: str, erp: str) -> PairPlugin:
    found = _pairs.get((crm, erp))
    if found is not None:
        return found
    module = BUILTIN.get((crm, erp))
    if module is None:
        raise UnknownPairError(f"no pair joins crm '{crm}' and erp '{erp}'")
    loaded: PairPlugin = importlib.import_module(module).PAIR
    register(loaded)
    return loaded


def pair_of(connection: Connection) -> PairPlugin:
    return pair(connection.crm.system, connection.erp.system)


def load_connection(data: Mapping[str, Any] | str | bytes) -> Connection:
    """A connection's configuration, validated by its pair's connection model. Errors name
    the field (``crm.org_id: ...``)."""
    raw = json.loads(data) if isinstance(data, str | bytes) else dict(data)
    systems = []
    for side in ("crm", "erp"):
        value = raw.get(side)
        name = value.get("system") if isinstance(value, Mapping) else None
        if not isinstance(name, str):
            raise ConfigurationError(f"{side}.system: names the {side.upper()} system")
        systems.append(name)
    model = pair(systems[0], systems[1]).connection_model
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(map(str, err["loc"])) or "connection"
        raise ConfigurationError(f"{where}: {err['msg']}") from exc
