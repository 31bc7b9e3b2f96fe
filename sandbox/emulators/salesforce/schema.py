"""How sObjects are declared: fields with the describe API's properties, objects, a registry.

The objects themselves are declared in :mod:`objects`; their behaviour (derived fields,
cross-record rules) lives in :mod:`rules`. Field types use the describe API's names
(REST API Developer Guide, "sObject Describe": ``fields[].type``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

FieldType = Literal[
    "id",
    "string",
    "textarea",
    "picklist",
    "reference",
    "boolean",
    "currency",
    "double",
    "percent",
    "int",
    "date",
    "datetime",
    "phone",
    "url",
    "email",
]
OnDelete = Literal["cascade", "set_null", "restrict"]

_TEXT_TYPES = {"string", "textarea", "picklist", "phone", "url", "email"}
_SOAP_TYPES = {
    "id": "tns:ID",
    "reference": "tns:ID",
    "boolean": "xsd:boolean",
    "currency": "xsd:double",
    "double": "xsd:double",
    "percent": "xsd:double",
    "int": "xsd:int",
    "date": "xsd:date",
    "datetime": "xsd:dateTime",
}


def words(name: str) -> str:
    """A label from an API name: ``BillingPostalCode`` → ``Billing Postal Code``."""
    base = name[:-3] if name.endswith("__c") else name
    if "_" in base:
        return base.replace("_", " ")
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", base)
    return re.sub(r"\bId$", "ID", spaced)


def relationship_name(field_name: str) -> str | None:
    """``AccountId`` → ``Account``; ``Contract__c`` → ``Contract__r``."""
    if field_name.endswith("__c"):
        return field_name[:-3] + "__r"
    if field_name.endswith("Id") and len(field_name) > 2:
        return field_name[:-2]
    return None


@dataclass(frozen=True)
class FieldDef:
    """One field as ``describe`` shows it. ``required`` means not nillable on create."""

    name: str
    type: FieldType = "string"
    label: str = ""
    length: int = 0
    required: bool = False
    createable: bool = True
    updateable: bool = True
    external_id: bool = False
    unique: bool = False
    reference_to: str | None = None
    relationship: str | None = None
    on_delete: OnDelete = "set_null"
    picklist: tuple[str, ...] = ()
    restricted: bool = False
    precision: int = 0
    scale: int = 0
    default: Any = None
    calculated: bool = False
    auto_number: bool = False
    child_relationship: str | None = None  # the parent's name for its children (Contacts)
    currency_field: bool = False  # CurrencyIsoCode: its picklist is the active currencies

    def __post_init__(self) -> None:
        if not self.label:
            object.__setattr__(self, "label", words(self.name))
        if not self.length and self.type in _TEXT_TYPES:
            object.__setattr__(self, "length", 32768 if self.type == "textarea" else 255)
        if self.type == "reference" and self.relationship is None:
            object.__setattr__(self, "relationship", relationship_name(self.name))
        if self.type == "currency" and not self.precision:
            object.__setattr__(self, "precision", 18)
            object.__setattr__(self, "scale", 2)

    @property
    def custom(self) -> bool:
        return self.name.endswith("__c")

    @property
    def text(self) -> bool:
        return self.type in _TEXT_TYPES

    @property
    def numeric(self) -> bool:
        return self.type in {"currency", "double", "percent", "int"}

    @property
    def nillable(self) -> bool:
        return not self.required and self.type not in {"boolean", "id"}

    @property
    def soap_type(self) -> str:
        return _SOAP_TYPES.get(self.type, "xsd:string")


@dataclass(frozen=True)
class ChildRelationship:
    """A parent's view of a reference to it: ``Account.Contacts`` is Contact.AccountId."""

    child: ObjectDef
    field: FieldDef

    @property
    def name(self) -> str | None:
        return self.field.child_relationship


@dataclass(frozen=True)
class ObjectDef:
    """One sObject type: its name, key prefix and fields (system fields included)."""

    name: str
    key_prefix: str
    fields: tuple[FieldDef, ...]
    label: str = ""
    label_plural: str = ""
    custom: bool = False
    createable: bool = True
    updateable: bool = True
    deletable: bool = True
    _by_name: dict[str, FieldDef] = field(default_factory=dict, compare=False, repr=False)
    _by_relationship: dict[str, FieldDef] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self.label:
            object.__setattr__(self, "label", words(self.name))
        if not self.label_plural:
            plural = re.sub(r"(?<=[^aeiou])y$", "ie", self.label) + "s"
            object.__setattr__(self, "label_plural", plural)
        for f in self.fields:
            self._by_name[f.name.lower()] = f
            if f.relationship:
                self._by_relationship[f.relationship.lower()] = f

    def field(self, name: str) -> FieldDef | None:
        """A field by API name, case-insensitively (SOQL and JSON bodies both allow it)."""
        return self._by_name.get(name.lower())

    def reference(self, relationship: str) -> FieldDef | None:
        """The reference field behind a relationship name (``Account`` → ``AccountId``)."""
        return self._by_relationship.get(relationship.lower())

    def external_ids(self) -> Iterator[FieldDef]:
        return (f for f in self.fields if f.external_id)


class Schema:
    """The org's objects, looked up by name (case-insensitive) or by key prefix."""

    def __init__(self, objects: Iterable[ObjectDef] = ()) -> None:
        self._by_name: dict[str, ObjectDef] = {}
        self._by_prefix: dict[str, ObjectDef] = {}
        for obj in objects:
            self.register(obj)

    def register(self, obj: ObjectDef) -> None:
        if obj.key_prefix in self._by_prefix:
            raise ValueError(f"key prefix {obj.key_prefix} already used")
        self._by_name[obj.name.lower()] = obj
        self._by_prefix[obj.key_prefix] = obj

    def get(self, name: str) -> ObjectDef | None:
        return self._by_name.get(name.lower())

    def children_of(self, parent: ObjectDef) -> list[ChildRelationship]:
        """Every reference to ``parent`` from any object (named relationships or not)."""
        return [
            ChildRelationship(obj, fd)
            for obj in self
            for fd in obj.fields
            if fd.type == "reference" and fd.reference_to == parent.name
        ]

    def child_relationship(self, parent: ObjectDef, name: str) -> ChildRelationship | None:
        """The child relationship ``name`` of ``parent`` (case-insensitive)."""
        wanted = name.lower()
        return next(
            (c for c in self.children_of(parent) if c.name and c.name.lower() == wanted), None
        )

    def for_id(self, record_id: str) -> ObjectDef | None:
        return self._by_prefix.get(record_id[:3])

    def __iter__(self) -> Iterator[ObjectDef]:
        return iter(self._by_name.values())
