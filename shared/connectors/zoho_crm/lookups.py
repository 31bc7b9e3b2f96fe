"""Fields of a record's parent, read and written through its lookup: ``Account_Name.Zoho_Books_ID``.

A lookup field holds ``{"name", "id"}`` of the record it points to (Zoho CRM API v8 "Get
Records": lookups come as that object); the records API cannot read a field of the parent
with the child. So a path ``<Lookup>.<Field>`` (``Field`` neither ``id`` nor ``name``) is:

- read with one more call per lookup for a whole batch of children: the parents, by their
  ids, with ``Field`` (``GET /{Parent}?ids=…&fields=…``, 100 ids a call);
- written by finding the parent whose ``Field`` holds the value, one COQL query per lookup
  for a whole batch (``select id, Field from Parent where Field in (…)``, Zoho CRM "Query
  API": up to 100 values for ``in``), and setting the lookup to ``{"id": …}``. A value no
  parent holds yet is that record's ``DependencyPendingError``: its parent has not synced.

That is how a CRM contact names its account's Books customer, and a Books contact person
finds its CRM account.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from shared.connectors.base import Write
from shared.connectors.zoho_crm import coql
from shared.errors import DependencyPendingError, LedgerlinkError, RecordRejectedError
from shared.models.records import SourceRecord

# The standard lookups and the modules they point to (Zoho CRM "Modules API" field metadata:
# ``lookup.module``).
PARENTS: dict[str, str] = {
    "Account_Name": "Accounts",
    "Vendor_Name": "Vendors",
    "Contact_Name": "Contacts",
    "Deal_Name": "Deals",
}
_OWN = ("id", "name")
_VALUE = re.compile(r"^[A-Za-z0-9_/.\-]{1,100}$")
MAX_IN = 100

Fetch = Callable[[str, Sequence[str], Sequence[str]], list[SourceRecord]]
Query = Callable[[str], list[dict[str, Any]]]


class ParentNotSyncedError(DependencyPendingError):
    """No parent record holds the value yet (its own sync is still on its way)."""


def through(paths: Iterable[str]) -> set[tuple[str, str]]:
    """(lookup, field) of each path that reads a parent's field."""
    found: set[tuple[str, str]] = set()
    for path in paths:
        lookup, dot, rest = path.partition(".")
        if dot and lookup in PARENTS and rest not in _OWN and "." not in rest:
            found.add((lookup, rest))
    return found


def read_through(
    records: list[SourceRecord], paths: Iterable[str], fetch: Fetch
) -> list[SourceRecord]:
    """The records with each parent path filled in (None where the lookup is empty)."""
    wanted = through(paths)
    if not wanted or not records:
        return records
    values: dict[str, dict[str, Any]] = {}
    for lookup, field in sorted(wanted):
        ids = sorted({str(r.get(f"{lookup}.id")) for r in records if r.get(f"{lookup}.id")})
        parents = fetch(PARENTS[lookup], ids, [field]) if ids else []
        by_id = {p.key: p.get(field) for p in parents}
        for record in records:
            parent = record.get(f"{lookup}.id")
            values.setdefault(record.key, {})[f"{lookup}.{field}"] = (
                by_id.get(str(parent)) if parent else None
            )
    return [r.model_copy(update={"fields": {**r.fields, **values[r.key]}}) for r in records]


def write_through(writes: Sequence[Write], query: Query) -> list[Write | LedgerlinkError]:
    """Each write with its parent paths turned into the lookup's ``id`` (or its own error)."""
    wanted = through(p for w in writes for p in w.fields)
    if not wanted:
        return list(writes)
    found: dict[tuple[str, str], dict[str, str]] = {}
    for lookup, field in sorted(wanted):
        values = sorted(
            {str(v) for w in writes if (v := w.fields.get(f"{lookup}.{field}")) and _ok(v)}
        )
        found[(lookup, field)] = _find(PARENTS[lookup], field, values, query)
    out: list[Write | LedgerlinkError] = []
    for write in writes:
        out.append(_resolved(write, wanted, found))
    return out


def _resolved(
    write: Write, wanted: set[tuple[str, str]], found: Mapping[tuple[str, str], dict[str, str]]
) -> Write | LedgerlinkError:
    fields = dict(write.fields)
    for lookup, field in wanted:
        path = f"{lookup}.{field}"
        if path not in fields:
            continue
        value = fields.pop(path)
        if not value:
            continue  # an empty parent value leaves the lookup as it is
        if not _ok(value):
            return RecordRejectedError("zoho_crm", f"{path}: not a value a parent can hold")
        parent = found[(lookup, field)].get(str(value))
        if parent is None:
            return ParentNotSyncedError(f"zoho_crm: no {PARENTS[lookup]} record holds {field} yet")
        fields[f"{lookup}.id"] = parent
    return Write(fields, write.idempotency_key, write.key, write.external_key)


def _find(module: str, field: str, values: Sequence[str], query: Query) -> dict[str, str]:
    found: dict[str, str] = {}
    for start in range(0, len(values), MAX_IN):
        chunk = values[start : start + MAX_IN]
        listed = ", ".join(f"'{v}'" for v in chunk)
        rows = query(
            f"select id, {coql.name(field)} from {coql.name(module)} "  # noqa: S608 - checked
            f"where {coql.name(field)} in ({listed}) limit {coql.MAX_LIMIT}"
        )
        for row in rows:
            if row.get(field) is not None:
                found.setdefault(str(row[field]), str(row["id"]))
    return found


def _ok(value: Any) -> bool:
    return bool(_VALUE.match(str(value)))
