"""How an object is described (fields, kinds, key fields) and how values cross the wire.

Values are stored typed (``str``, ``int``, ``Decimal``, ``bool``, ``date``, ``datetime``
or ``None``) and written the way Intacct's XML responses write them: dates ``mm/dd/yyyy``,
timestamps ``mm/dd/yyyy hh:mm:ss``, booleans ``true``/``false``, numbers without
trailing zeros (``<TOTALDUE>3797</TOTALDUE>``, ``<TOTALDUE>75.25</TOTALDUE>`` in the
developer.intacct.com "Queries" examples), an empty element for no value.

Owned sub-objects are flattened to dotted names: ``DISPLAYCONTACT.MAILADDRESS.CITY`` is
``<DISPLAYCONTACT><MAILADDRESS><CITY>`` on the wire.

A field also carries what the gateway's ``lookup`` says about it (:class:`FieldDef`:
label, description, ``REQUIRED``, ``READONLY``, ``DATATYPE``, ``VALIDVALUES``) and an
object its ``Relationships`` (:class:`Relationship`); the tables are in
:mod:`sandbox.emulators.intacct.definitions`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import cached_property
from typing import Any

from sandbox.emulators.intacct.clock import (
    format_date,
    format_timestamp,
    parse_date,
    parse_timestamp,
)

Record = dict[str, Any]


class Kind(StrEnum):
    TEXT = "text"
    INTEGER = "integer"
    DECIMAL = "decimal"
    BOOLEAN = "boolean"
    DATE = "date"
    TIMESTAMP = "timestamp"
    ENUM = "enum"


@dataclass(frozen=True)
class FieldDef:
    """One ``<Field>`` of a ``lookup`` answer, as the gateway describes it."""

    id: str
    datatype: str  # TEXT, INTEGER, DECIMAL, CURRENCY, PERCENT, DATE, TIMESTAMP, BOOLEAN, ENUM
    label: str = ""
    description: str = ""
    required: bool = False
    readonly: bool = False
    values: tuple[str, ...] = ()  # VALIDVALUES, in the gateway's order


@dataclass(frozen=True)
class Relationship:
    """One ``<Relationship>`` of a ``lookup`` answer."""

    objectpath: str
    objectname: str
    label: str
    relationshiptype: str
    relatedby: str


@dataclass(frozen=True)
class Field:
    """One field; ``codes`` maps the single-letter database values readByQuery accepts
    (for example CONTRACT ``STATE = 'I'``) to the labels the API shows."""

    name: str
    kind: Kind = Kind.TEXT
    required: bool = False
    readonly: bool = False
    choices: tuple[str, ...] = ()
    codes: tuple[tuple[str, str], ...] = ()
    default: Any = None
    definition: FieldDef | None = None  # what lookup says; None: the emulator's own field

    def code_label(self, text: str) -> str | None:
        for code, label in self.codes:
            if code == text:
                return label
        return None


@dataclass(frozen=True)
class ObjectSpec:
    """An object the gateway knows: its fields in response order and its key fields."""

    name: str  # CUSTOMER
    label: str  # "Customer", as error messages name it
    id_field: str | None  # the field readByName and update-by-ID use
    fields: tuple[Field, ...]
    sequenced: bool = False  # the ID may come from a document sequence
    writable: bool = True  # generic create/update/delete allowed
    docpar: bool = False  # accepts <docparid> (Order Entry documents)
    relationships: tuple[Relationship, ...] = ()

    def field(self, name: str) -> Field | None:
        return self._index.get(name.upper())

    @cached_property
    def _index(self) -> dict[str, Field]:
        return {f.name: f for f in self.fields}

    def names(self) -> list[str]:
        return [f.name for f in self.fields]

    def expand(self, name: str) -> list[str]:
        """A requested field: itself, or every field under a group (``DISPLAYCONTACT``)."""
        upper = name.strip().upper()
        if self.field(upper) is not None:
            return [upper]
        prefix = upper + "."
        return [f.name for f in self.fields if f.name.startswith(prefix)]


class InvalidValueError(ValueError):
    """A wire value does not fit its field; ``expected`` says what would."""

    def __init__(self, expected: str) -> None:
        super().__init__(expected)
        self.expected = expected


def parse_wire(field: Field, text: str | None) -> Any:
    """A request's text for ``field`` -> the stored value (empty text clears the field)."""
    if text is None or text.strip() == "":
        return None
    raw = text.strip()
    if field.kind is Kind.TEXT:
        return text
    if field.kind is Kind.INTEGER:
        try:
            return int(raw)
        except ValueError:
            raise InvalidValueError("a whole number") from None
    if field.kind is Kind.DECIMAL:
        try:
            number = Decimal(raw)
        except InvalidOperation:
            raise InvalidValueError("a number") from None
        if not number.is_finite():
            raise InvalidValueError("a number")
        return number
    if field.kind is Kind.BOOLEAN:
        lowered = raw.lower()
        if lowered in ("true", "t", "1"):
            return True
        if lowered in ("false", "f", "0"):
            return False
        raise InvalidValueError("true or false")
    if field.kind is Kind.DATE:
        day = parse_date(raw)
        if day is None:
            raise InvalidValueError("a date in the format mm/dd/yyyy")
        return day
    if field.kind is Kind.TIMESTAMP:
        stamp = parse_timestamp(raw)
        if stamp is None:
            raise InvalidValueError("a timestamp in the format mm/dd/yyyy hh:mm:ss")
        return stamp
    for choice in field.choices:
        if choice.lower() == raw.lower():
            return choice
    raise InvalidValueError("one of " + ", ".join(field.choices))


def coerce(field: Field, value: Any) -> Any:
    """A Python value (tests seeding records) or wire text -> the stored value."""
    if value is None or isinstance(value, str):
        return parse_wire(field, value)
    if field.kind is Kind.DECIMAL and isinstance(value, int | float | Decimal):
        return Decimal(str(value))
    if field.kind is Kind.DATE and isinstance(value, datetime):
        return value.date()
    return value


def format_wire(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return format_timestamp(value)
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, Decimal):
        normalized = value.normalize()
        return format(normalized if normalized != 0 else Decimal(0), "f")
    return str(value)


def to_json(value: Any) -> Any:
    """Admin endpoints show records the way the wire does, except numbers stay numbers."""
    if value is None or isinstance(value, bool | int | str):
        return value
    return format_wire(value)
