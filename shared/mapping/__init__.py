"""Declarative field mappings between a CRM object and an ERP object."""

from shared.mapping.fields import Direction, FieldMap, ObjectMapping, Side
from shared.mapping.overrides import FieldOverride, MappingOverride, resolve_mapping

__all__ = [
    "Direction",
    "FieldMap",
    "FieldOverride",
    "MappingOverride",
    "ObjectMapping",
    "Side",
    "resolve_mapping",
]
