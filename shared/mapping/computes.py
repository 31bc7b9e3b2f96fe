"""Values computed from several fields of the source record, by name.

A field map names a compute (``compute_for_erp: "customer_id"``) for a value no single field
holds. Pairs register theirs when their package is loaded (shared/pairs/registry.py); a
name belongs to one pair, so two pairs cannot silently share or replace one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple


class Compute(NamedTuple):
    """A value computed from several fields of the source record."""

    inputs: tuple[str, ...]
    fn: Callable[[Mapping[str, Any]], Any]


COMPUTES: dict[str, Compute] = {}


def register_computes(computes: Mapping[str, Compute]) -> None:
    for name, compute in computes.items():
        known = COMPUTES.get(name)
        if known is not None and known is not compute:
            raise ValueError(f"compute '{name}' is already registered by another pair")
        COMPUTES[name] = compute
