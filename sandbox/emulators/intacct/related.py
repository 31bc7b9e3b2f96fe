"""Fields of related objects in a ``query``: ``SHIPTOCONTACT.CONTACTNAME`` on CUSTOMER.

developer.intacct.com "Queries": "You can access the value of a field on a many-to-one
related object that was returned by ``lookup``": the relationship's ``OBJECTPATH``, a dot,
then a field of the related object (``JOURNAL.SYMBOL`` on GLBATCH,
``PAYTOCONTACT.MAILADDRESS.ZIP`` on VENDOR, ``SHIPTOCONTACT.CONTACTNAME`` in the
"Customers" page's query example). Such a field can be selected, filtered and ordered
on. The related record is the one whose ID (or RECORDNO, for a key field) is the value
of the relationship's ``RELATEDBY`` field. Only relationships to objects this gateway
serves resolve, one level deep; readByQuery does not join ("Joins are not supported").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from sandbox.emulators.intacct import objects
from sandbox.emulators.intacct.schema import Field, ObjectSpec, Record, Relationship
from sandbox.emulators.intacct.store import Company


@dataclass(frozen=True)
class _Path:
    name: str  # SHIPTOCONTACT.CONTACTNAME
    relationship: Relationship
    target: ObjectSpec
    field: Field


def _resolve(spec: ObjectSpec, name: str) -> _Path | None:
    path, _, rest = name.upper().partition(".")
    if not rest:
        return None
    for relationship in spec.relationships:
        if relationship.objectpath != path or relationship.relationshiptype != "MANY2ONE":
            continue
        target = objects.lookup(relationship.objectname)
        field = target.field(rest) if target is not None else None
        if target is not None and field is not None:
            return _Path(name.upper(), relationship, target, field)
    return None


def _related(company: Company, path: _Path, key: Any) -> Record | None:
    if key is None or key == "":
        return None
    found = company.by_id(path.target, str(key))
    if found is None and isinstance(key, int):
        found = company.get(path.target, key)
    return found


def extend(
    company: Company, spec: ObjectSpec, names: Iterable[str], rows: list[Record]
) -> tuple[ObjectSpec, list[Record]]:
    """``spec`` and ``rows`` with the related fields among ``names`` added (copies)."""
    paths = [
        path
        for name in dict.fromkeys(n.upper() for n in names)
        if spec.field(name) is None and (path := _resolve(spec, name)) is not None
    ]
    if not paths:
        return spec, rows
    extra = tuple(replace(p.field, name=p.name, definition=None, readonly=True) for p in paths)
    extended = replace(spec, fields=(*spec.fields, *extra))
    out: list[Record] = []
    for row in rows:
        copy = dict(row)
        for path in paths:
            related = _related(company, path, row.get(path.relationship.relatedby))
            copy[path.name] = related.get(path.field.name) if related is not None else None
        out.append(copy)
    return extended, out
