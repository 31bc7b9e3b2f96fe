"""Records as the REST API writes them.

Every record (and every parent reached through a relationship) carries
``"attributes": {"type", "url"}``; a relationship field is a nested record, or ``null``
when the reference is empty (REST API Developer Guide, "Query" examples and "sObject
Rows"). Datetimes are ``2024-05-01T10:00:00.000+0000``, dates ``2024-05-01``, numbers
exact JSON numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sandbox.emulators.salesforce import values
from sandbox.emulators.salesforce.schema import FieldDef, ObjectDef, Schema
from sandbox.emulators.salesforce.store import Row, Store


def record_url(version: str, sobject: str, record_id: str) -> str:
    return f"/services/data/v{version}/sobjects/{sobject}/{record_id}"


def attributes(version: str, row: Row) -> dict[str, str]:
    return {"type": row.obj.name, "url": record_url(version, row.obj.name, row.id)}


@dataclass(frozen=True)
class Path:
    """A resolved field path: the relationships walked, then the field read."""

    relationships: tuple[FieldDef, ...]  # reference fields, one per hop
    leaf: FieldDef

    @property
    def names(self) -> tuple[str, ...]:
        hops = tuple(str(f.relationship) for f in self.relationships)
        return (*hops, self.leaf.name)


@dataclass(frozen=True)
class PathError:
    """Why a path does not resolve: the part at fault and the object it was looked up on."""

    part: str
    sobject: str
    relationship: bool


def resolve(obj: ObjectDef, path: str, schema: Schema) -> Path | PathError:
    """Resolve ``Account.Owner.Name`` starting from ``obj``."""
    parts = path.split(".")
    hops: list[FieldDef] = []
    current = obj
    for part in parts[:-1]:
        reference = current.reference(part)
        target = schema.get(reference.reference_to or "") if reference else None
        if reference is None or target is None:
            return PathError(part, current.name, relationship=True)
        hops.append(reference)
        current = target
    leaf = current.field(parts[-1])
    if leaf is None:
        return PathError(parts[-1], current.name, relationship=False)
    return Path(tuple(hops), leaf)


def path_owner(store: Store, row: Row, path: Path) -> Row | None:
    """The record holding ``path``'s field (None when a reference on the way is empty)."""
    current: Row | None = row
    for hop in path.relationships:
        if current is None:
            return None
        current = store.get(current.values.get(hop.name))
    return current


def path_value(store: Store, row: Row, path: Path) -> Any:
    """The stored value at the end of ``path`` (None when a reference on the way is empty)."""
    owner = path_owner(store, row, path)
    return None if owner is None else store.value(owner, path.leaf.name)


def render_paths(store: Store, row: Row, paths: Sequence[Path], version: str) -> dict[str, Any]:
    """A query row: the selected paths, parents nested with their own attributes."""
    out: dict[str, Any] = {"attributes": attributes(version, row)}
    for path in paths:
        place(store, out, row, path, version)
    return out


def place(store: Store, out: dict[str, Any], row: Row, path: Path, version: str) -> None:
    """Write ``path``'s value into the record ``out`` (parents nested)."""
    _place(store, out, row, path.relationships, path.leaf, version)


def _place(
    store: Store,
    out: dict[str, Any],
    row: Row,
    hops: tuple[FieldDef, ...],
    leaf: FieldDef,
    version: str,
) -> None:
    if not hops:
        out[leaf.name] = values.to_json(store.value(row, leaf.name))
        return
    hop = hops[0]
    key = str(hop.relationship)
    parent = store.get(row.values.get(hop.name))
    if parent is None:
        out.setdefault(key, None)
        return
    nested = out.get(key)
    if not isinstance(nested, dict):
        nested = {"attributes": attributes(version, parent)}
        out[key] = nested
    _place(store, nested, parent, hops[1:], leaf, version)


def render_fields(
    store: Store, row: Row, version: str, names: Iterable[str] | None = None
) -> dict[str, Any]:
    """A record with all its fields (or the named ones), as ``GET sobjects/X/id`` answers."""
    out: dict[str, Any] = {"attributes": attributes(version, row)}
    chosen = [f.name for f in row.obj.fields] if names is None else list(names)
    for name in chosen:
        out[name] = values.to_json(store.value(row, name))
    return out
