"""What the definition tables are written with: the gateway's DATATYPE names and two
helpers that keep one ``<Field>`` or ``<Relationship>`` on one line."""

from __future__ import annotations

from dataclasses import dataclass

from sandbox.emulators.intacct.definitions.countries import COUNTRY_CODES
from sandbox.emulators.intacct.schema import FieldDef, Relationship

TEXT = "TEXT"
INTEGER = "INTEGER"
DECIMAL = "DECIMAL"
CURRENCY = "CURRENCY"
PERCENT = "PERCENT"
DATE = "DATE"
TIMESTAMP = "TIMESTAMP"
BOOLEAN = "BOOLEAN"
ENUM = "ENUM"

TRUE_FALSE = ("true", "false")

__all__ = [
    "BOOLEAN",
    "COUNTRY_CODES",
    "CURRENCY",
    "DATE",
    "DECIMAL",
    "ENUM",
    "INTEGER",
    "PERCENT",
    "TEXT",
    "TIMESTAMP",
    "TRUE_FALSE",
    "ObjectDefinition",
    "d",
    "r",
]


@dataclass(frozen=True)
class ObjectDefinition:
    """An object's ``lookup`` answer: ``<Type Name=…>``, its fields and relationships."""

    name: str
    fields: tuple[FieldDef, ...]
    relationships: tuple[Relationship, ...] = ()


def d(
    field_id: str,
    datatype: str,
    label: str,
    description: str,
    *,
    required: bool = False,
    readonly: bool = False,
    values: tuple[str, ...] = (),
) -> FieldDef:
    return FieldDef(field_id, datatype, label, description, required, readonly, values)


def r(path: str, name: str, label: str, kind: str, related_by: str) -> Relationship:
    return Relationship(path, name, label, kind, related_by)
