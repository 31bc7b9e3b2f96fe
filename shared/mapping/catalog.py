"""The mappings in force for one connection: defaults with the connection's overrides."""

from __future__ import annotations

from dataclasses import dataclass

from shared.errors import ConfigurationError, PermanentError
from shared.mapping.defaults import DEFAULT_MAPPINGS
from shared.mapping.fields import ObjectMapping, Side
from shared.mapping.overrides import resolve_mapping
from shared.models.connection import Connection
from shared.models.events import RecordRef, System

CRM_SYSTEMS = {System.SALESFORCE, System.ZOHO_CRM}


class UnmappedObjectError(PermanentError):
    """No mapping covers this object on this connection."""


@dataclass(frozen=True)
class MappingCatalog:
    mappings: tuple[ObjectMapping, ...]

    @classmethod
    def for_connection(cls, connection: Connection) -> MappingCatalog:
        unknown = sorted(set(connection.mappings) - set(DEFAULT_MAPPINGS))
        if unknown:
            raise ConfigurationError(f"mappings: unknown mapping(s) {', '.join(unknown)}")
        catalog = cls(
            tuple(
                resolve_mapping(default, connection.mappings.get(name))
                for name, default in DEFAULT_MAPPINGS.items()
            )
        )
        for field, side, objects in connection.polled():
            synced = {m.object_on(side) for m in catalog.mappings}
            stray = [obj for obj in objects if obj not in synced]
            if stray:
                raise ConfigurationError(
                    f"{field}: no mapping syncs {', '.join(stray)} "
                    f"(mapped: {', '.join(sorted(synced))})"
                )
        return catalog

    def for_ref(self, ref: RecordRef) -> tuple[ObjectMapping, Side]:
        return self.for_object(ref.system, ref.object)

    def for_object(self, system: System, obj: str) -> tuple[ObjectMapping, Side]:
        side = Side.CRM if system in CRM_SYSTEMS else Side.ERP
        for mapping in self.mappings:
            if mapping.object_on(side) == obj:
                return mapping, side
        raise UnmappedObjectError(f"no mapping syncs {system} {obj}")

    def by_name(self, name: str) -> ObjectMapping:
        for mapping in self.mappings:
            if mapping.name == name:
                return mapping
        raise UnmappedObjectError(f"no mapping named {name}")
