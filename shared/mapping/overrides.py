"""A connection's changes to a default mapping, validated before they are used."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from shared.errors import ConfigurationError
from shared.mapping.fields import Direction, FieldMap, ObjectMapping


class FieldOverride(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    direction: Direction | None = None
    to_erp: str | None = None
    to_crm: str | None = None


class MappingOverride(BaseModel):
    """Override directions of non-required fields, add fields, filter which records sync."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    fields: dict[str, FieldOverride] = Field(default_factory=dict)  # keyed by FieldMap.name
    extra_fields: tuple[FieldMap, ...] = ()
    crm_filter: dict[str, str] | None = None


def resolve_mapping(default: ObjectMapping, override: MappingOverride | None) -> ObjectMapping:
    """Apply ``override`` to ``default``; a change the ERP forbids raises ConfigurationError."""
    from shared.mapping.transforms import TRANSFORMS

    if override is None:
        return default
    by_name = {f.name: f for f in default.fields}
    unknown = sorted(set(override.fields) - set(by_name))
    if unknown:
        raise ConfigurationError(
            f"mappings.{default.name}.fields: unknown field(s) {', '.join(unknown)}"
        )
    fields: list[FieldMap] = []
    for f in default.fields:
        change = override.fields.get(f.name)
        if change is None:
            fields.append(f)
            continue
        if change.direction is not None and change.direction != f.direction and f.required:
            raise ConfigurationError(
                f"mappings.{default.name}.fields.{f.name}.direction: the ERP requires this "
                f"field, its direction is fixed to {f.direction}"
            )
        for name in (change.to_erp, change.to_crm):
            if name is not None and name not in TRANSFORMS:
                raise ConfigurationError(
                    f"mappings.{default.name}.fields.{f.name}: unknown transform '{name}'"
                )
        try:
            merged = FieldMap.model_validate(
                {**f.model_dump(), **change.model_dump(exclude_none=True)}
            )
        except ValidationError as exc:
            raise ConfigurationError(
                f"mappings.{default.name}.fields.{f.name}: {exc.errors()[0]['msg']}"
            ) from exc
        fields.append(merged)
    taken = {f.name for f in fields}
    for extra in override.extra_fields:
        if extra.name in taken:
            raise ConfigurationError(
                f"mappings.{default.name}.extra_fields: {extra.name} is already mapped"
            )
        fields.append(extra)
    update: dict[str, object] = {"fields": tuple(fields)}
    if override.crm_filter is not None:
        update["crm_filter"] = dict(override.crm_filter)
    return default.model_copy(update=update)
