"""moto, made to scale for a soak: a DynamoDB transaction backs up only the table's index of
items, not a deep copy of every item.

moto's ``transact_write_items`` deep-copies each table a transaction touches, before each
transaction, to roll back on failure; with every link save a two-item transaction, the
sandbox slows quadratically as the state table grows (most of a soak's time). Our
transactions only Put and Delete (shared/state/links.py), which replace or drop whole items
and never change one in place, so a copy of the table's item index restores the exact
state just as well. Only the sandbox installs this; AWS is not moto.
"""

from __future__ import annotations

import copy
from types import SimpleNamespace
from typing import Any

from moto.dynamodb.models import table as moto_table

_installed = False


def _table_backup(value: Any, memo: dict[int, Any] | None = None) -> Any:
    if isinstance(value, moto_table.Table):
        backup = copy.copy(value)
        backup.items = type(value.items)(value.items.default_factory)
        for key, entry in value.items.items():
            backup.items[key] = dict(entry) if isinstance(entry, dict) else entry
        return backup
    return copy.deepcopy(value, memo)


def install() -> None:
    """Give moto's DynamoDB transactions the cheap backup (idempotent)."""
    global _installed
    if _installed:
        return
    import moto.dynamodb.models as models

    models.copy = SimpleNamespace(deepcopy=_table_backup, copy=copy.copy)  # type: ignore[assignment,attr-defined]
    _installed = True
