"""The mappings in force for one connection: its pair's defaults with the connection's
overrides, and which side of the connection a record belongs to."""

from __future__ import annotations

from typing import NamedTuple

from shared.errors import ConfigurationError, PermanentError
from shared.mapping.fields import ObjectMapping, Side
from shared.mapping.overrides import resolve_mapping
from shared.models.connection import Connection
from shared.models.events import RecordRef
from shared.pairs.registry import pair_of


class UnmappedObjectError(PermanentError):
    """No mapping covers this object on this connection."""


def mirror_mapping(connection: Connection, name: str) -> ObjectMapping:
    """A mirror mapping of the connection's pair (``PairPlugin.mirror_mappings``) with the
    connection's overrides: a change the ERP forbids raises ConfigurationError."""
    return resolve_mapping(pair_of(connection).mirror_mappings[name], connection.mappings.get(name))


class MappingCatalog(NamedTuple):
    mappings: tuple[ObjectMapping, ...]
    crm_system: str
    erp_system: str

    @classmethod
    def for_connection(cls, connection: Connection) -> MappingCatalog:
        plugin = pair_of(connection)
        known = set(plugin.mappings) | set(plugin.mirror_mappings)
        unknown = sorted(set(connection.mappings) - known)
        if unknown:
            raise ConfigurationError(f"mappings: unknown mapping(s) {', '.join(unknown)}")
        for name in plugin.mirror_mappings:  # a forbidden override fails here, not mid-job
            mirror_mapping(connection, name)
        catalog = cls(
            tuple(
                resolve_mapping(default, connection.mappings.get(name))
                for name, default in plugin.mappings_for(connection).items()
            ),
            connection.crm.system,
            connection.erp.system,
        )
        for setting, side, objects in connection.polled():
            synced = {m.object_on(side) for m in catalog.mappings}
            stray = [obj for obj in objects if obj not in synced]
            if stray:
                raise ConfigurationError(
                    f"{setting}: no mapping syncs {', '.join(stray)} "
                    f"(mapped: {', '.join(sorted(synced))})"
                )
        return catalog

    def side_of(self, system: str) -> Side:
        if system == self.crm_system:
            return Side.CRM
        if system == self.erp_system:
            return Side.ERP
        raise UnmappedObjectError(f"{system} is not a side of this connection")

    def maps(self, ref: RecordRef) -> bool:
        """Whether some mapping syncs ``ref``'s object."""
        try:
            self.for_ref(ref)
        except UnmappedObjectError:
            return False
        return True

    def for_ref(self, ref: RecordRef) -> tuple[ObjectMapping, Side]:
        return self.for_object(ref.system, ref.object)

    def for_object(self, system: str, obj: str) -> tuple[ObjectMapping, Side]:
        side = self.side_of(system)
        for mapping in self.mappings:
            if mapping.object_on(side) == obj:
                return mapping, side
        raise UnmappedObjectError(f"no mapping syncs {system} {obj}")

    def by_name(self, name: str) -> ObjectMapping:
        for mapping in self.mappings:
            if mapping.name == name:
                return mapping
        raise UnmappedObjectError(f"no mapping named {name}")
