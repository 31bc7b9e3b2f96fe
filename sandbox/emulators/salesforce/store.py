"""The org's records in memory, written the way the platform writes them.

Every write runs the save steps in the platform's order: field names and types, read-only
fields, the object's own rules (:mod:`rules`), required fields, references, uniqueness,
then the audit fields (``CreatedDate``, ``LastModifiedDate``, ``SystemModstamp``,
``CreatedById``, ``LastModifiedById``). Deletes are soft (``IsDeleted``, kept for
``queryAll`` and ``getDeleted``) and follow each reference's delete rule (cascade, clear,
or refuse).

Writes happen inside transactions: an undo log restores every touched row if the
transaction fails (or a caller rolls back to a mark, as allOrNone collections do), and
change notices are only published - to the outbound-message queue - once the outermost
transaction commits. One re-entrant lock guards everything; the WSGI app holds it for the
whole of a request.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from sandbox.emulators.salesforce import errors, ids, values
from sandbox.emulators.salesforce.clock import OrgClock
from sandbox.emulators.salesforce.schema import FieldDef, ObjectDef, Schema

AUDIT_FIELDS = frozenset(
    {
        "Id",
        "IsDeleted",
        "CreatedDate",
        "CreatedById",
        "LastModifiedDate",
        "LastModifiedById",
        "SystemModstamp",
    }
)


@dataclass
class Row:
    """One stored record: canonical field names → stored values."""

    obj: ObjectDef
    values: dict[str, Any]
    deleted_at: datetime | None = None

    @property
    def id(self) -> str:
        return str(self.values["Id"])

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None

    def copy(self) -> Row:
        return Row(self.obj, dict(self.values), self.deleted_at)


@dataclass(frozen=True)
class Change:
    kind: Literal["created", "updated", "deleted"]
    sobject: str
    record_id: str


class ObjectRules:
    """An object's platform behaviour; the default has none (see :mod:`rules`)."""

    def before_save(self, store: Store, row: Row, old: Mapping[str, Any] | None) -> None:
        """Derive fields and refuse invalid saves (``old`` is None on insert)."""

    def after_save(self, store: Store, row: Row, old: Mapping[str, Any] | None) -> None:
        """Touch related records (roll-ups) once the row is saved."""

    def after_delete(self, store: Store, row: Row) -> None:
        """Touch related records once the row is deleted."""

    def formula(self, store: Store, row: Row, name: str) -> Any:
        """The value of a calculated field."""
        return row.values.get(name)


@dataclass
class _Transaction:
    undo: list[tuple[str, str, Row | None]] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    depth: int = 0


class Store:
    """All records of the org, by object then 18-character id (insertion ordered)."""

    def __init__(
        self,
        schema: Schema,
        rules: Callable[[ObjectDef], ObjectRules],
        clock: OrgClock,
        id_factory: ids.IdFactory,
    ) -> None:
        self.schema = schema
        self.clock = clock
        self.ids = id_factory
        self.lock = threading.RLock()
        self.user_id: str | None = None  # the running user, set per request
        self.listeners: list[Callable[[Change], None]] = []
        self.counters: dict[str, int] = {}
        self._rules_of = rules
        self._rules: dict[str, ObjectRules] = {}
        self._tables: dict[str, dict[str, Row]] = {}
        # (object, unique or external-id field) → value key → ids holding it, in order
        self._index: dict[tuple[str, str], dict[Any, dict[str, None]]] = {}
        self._tx = _Transaction()

    # -- reading -------------------------------------------------------------------------

    def _table(self, sobject: str) -> dict[str, Row]:
        return self._tables.setdefault(sobject, {})

    def rules_for(self, obj: ObjectDef) -> ObjectRules:
        rules = self._rules.get(obj.name)
        if rules is None:
            rules = self._rules[obj.name] = self._rules_of(obj)
        return rules

    def get(self, record_id: str | None) -> Row | None:
        """Any record (deleted ones too) by 15- or 18-character id."""
        if not record_id or not ids.is_valid(record_id):
            return None
        obj = self.schema.for_id(record_id)
        if obj is None:
            return None
        return self._table(obj.name).get(ids.to18(record_id))

    def live(self, record_id: str | None) -> Row | None:
        row = self.get(record_id)
        return None if row is None or row.deleted else row

    def rows(self, obj: ObjectDef, *, include_deleted: bool = False) -> list[Row]:
        return [r for r in self._table(obj.name).values() if include_deleted or not r.deleted]

    def value(self, row: Row, name: str) -> Any:
        """A field's value, calculated fields included."""
        fd = row.obj.field(name)
        if fd is not None and fd.calculated:
            return self.rules_for(row.obj).formula(self, row, fd.name)
        return row.values.get(fd.name if fd else name)

    def match(self, obj: ObjectDef, fd: FieldDef, value: Any) -> list[Row]:
        """Live records whose ``fd`` equals ``value`` (text compared case-insensitively).
        Unique and external-id fields are looked up in an index, so upserts and uniqueness
        checks stay fast in orgs of many records (bulk loads)."""
        wanted = _unique_key(value)
        if value is None or not _indexed(fd):
            return [r for r in self.rows(obj) if _unique_key(r.values.get(fd.name)) == wanted]
        table = self._table(obj.name)
        holders = self._index.get((obj.name, fd.name), {}).get(wanted, {})
        candidates = (table.get(record_id) for record_id in holders)
        return [
            row
            for row in candidates
            if row is not None
            and not row.deleted
            and _unique_key(row.values.get(fd.name)) == wanted
        ]

    def _index_row(self, row: Row) -> None:
        """Remember the row under each unique or external-id value it holds. Entries are
        only ever added (a roll-back may bring an old value back): :meth:`match` checks
        each candidate's current value."""
        for fd in row.obj.fields:
            value = row.values.get(fd.name)
            if value is not None and _indexed(fd):
                by_value = self._index.setdefault((row.obj.name, fd.name), {})
                by_value.setdefault(_unique_key(value), {})[row.id] = None

    def next_number(self, counter: str, start: int) -> int:
        """Auto-numbers: never rolled back, like the platform's (gaps are normal)."""
        number = self.counters.get(counter, start)
        self.counters[counter] = number + 1
        return number

    # -- transactions --------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Run writes atomically; publish their changes when the outermost one commits."""
        with self.lock:
            mark = self.mark()
            self._tx.depth += 1
            committed = False
            try:
                yield
                committed = True
            finally:
                self._tx.depth -= 1
                if not committed:
                    self.rollback_to(mark)
            if self._tx.depth == 0:
                changes, self._tx = self._tx.changes, _Transaction()
                for change in changes:
                    for listener in self.listeners:
                        listener(change)

    def mark(self) -> tuple[int, int]:
        return len(self._tx.undo), len(self._tx.changes)

    def rollback_to(self, mark: tuple[int, int]) -> None:
        undo_mark, change_mark = mark
        while len(self._tx.undo) > undo_mark:
            table, record_id, previous = self._tx.undo.pop()
            if previous is None:
                self._table(table).pop(record_id, None)
            else:
                self._table(table)[record_id] = previous
        del self._tx.changes[change_mark:]

    def _touch(self, row: Row) -> None:
        self._tx.undo.append((row.obj.name, row.id, row.copy()))

    # -- writing -------------------------------------------------------------------------

    def create(
        self,
        obj: ObjectDef,
        fields: Mapping[str, Any],
        *,
        api: bool = True,
        record_id: str | None = None,
    ) -> Row:
        """Insert a record. ``api=False`` (seeding) may set read-only, non-audit fields."""
        if api and not obj.createable:
            raise errors.ApiError(
                400, "INVALID_TYPE_FOR_OPERATION", "entity type cannot be inserted", []
            )
        with self.transaction():
            typed = self._typed(obj, fields, creating=True, api=api)
            row = Row(obj, {fd.name: fd.default for fd in obj.fields})
            row.values.update(typed)
            if obj.field("OwnerId") is not None and row.values.get("OwnerId") is None:
                row.values["OwnerId"] = self.user_id
            self._check_references(obj, typed, set(typed))
            self.rules_for(obj).before_save(self, row, None)
            self._check_required(obj, row.values, None)
            self._check_unique(obj, row.values, None)
            now = self.clock.tick()
            row.values.update(
                Id=record_id or self.ids.new(obj.key_prefix),
                IsDeleted=False,
                CreatedDate=now,
                CreatedById=self.user_id,
                LastModifiedDate=now,
                LastModifiedById=self.user_id,
                SystemModstamp=now,
            )
            self._table(obj.name)[row.id] = row
            self._index_row(row)
            self._tx.undo.append((obj.name, row.id, None))
            self.rules_for(obj).after_save(self, row, None)
            self._tx.changes.append(Change("created", obj.name, row.id))
            return row

    def update(self, row: Row, fields: Mapping[str, Any], *, api: bool = True) -> Row:
        """Update a live record (the caller has found it)."""
        if row.deleted:
            raise errors.entity_deleted()
        with self.transaction():
            typed = self._typed(row.obj, fields, creating=False, api=api)
            self._save(row, typed, trusted=False)
            return row

    def system_update(self, row: Row, typed: Mapping[str, Any]) -> None:
        """A change the platform itself makes (roll-ups, derived fields): already typed,
        still a save (audit fields, the object's rules, outbound messages)."""
        with self.transaction():
            self._save(row, typed, trusted=True)

    def _save(self, row: Row, typed: Mapping[str, Any], *, trusted: bool) -> None:
        if not trusted:
            self._check_references(row.obj, typed, set(typed))
        old = dict(row.values)
        self._touch(row)
        row.values.update(typed)
        self.rules_for(row.obj).before_save(self, row, old)
        if not trusted:
            self._check_required(row.obj, row.values, set(typed))
            self._check_unique(row.obj, row.values, row.id)
        now = self.clock.tick()
        row.values.update(LastModifiedDate=now, LastModifiedById=self.user_id, SystemModstamp=now)
        self._index_row(row)
        self.rules_for(row.obj).after_save(self, row, old)
        self._tx.changes.append(Change("updated", row.obj.name, row.id))

    def delete(self, row: Row) -> None:
        """Soft-delete a live record, applying each child reference's delete rule."""
        if row.deleted:
            raise errors.entity_deleted()
        if not row.obj.deletable:
            raise errors.ApiError(
                400, "INVALID_TYPE_FOR_OPERATION", "entity type cannot be deleted", []
            )
        with self.transaction():
            self._delete(row)

    def _delete(self, row: Row) -> None:
        for child_obj in self.schema:
            for fd in child_obj.fields:
                if fd.reference_to != row.obj.name or fd.name in AUDIT_FIELDS:
                    continue
                children = [c for c in self.rows(child_obj) if c.values.get(fd.name) == row.id]
                for child in children:
                    self._on_parent_deleted(row, child, fd)
        self._touch(row)
        now = self.clock.tick()
        row.deleted_at = now
        row.values.update(IsDeleted=True, SystemModstamp=now, LastModifiedById=self.user_id)
        self.rules_for(row.obj).after_delete(self, row)
        self._tx.changes.append(Change("deleted", row.obj.name, row.id))

    def _on_parent_deleted(self, parent: Row, child: Row, fd: FieldDef) -> None:
        if child.deleted:
            return
        if fd.on_delete == "cascade":
            self._delete(child)
        elif fd.on_delete == "restrict":
            raise errors.ApiError(
                400,
                "DELETE_FAILED",
                f"Your attempt to delete {parent.values.get('Name') or parent.id} could not "
                f"be completed because it is associated with the following "
                f"{child.obj.label_plural.lower()}.: {child.id[:15]}",
                [],
            )
        else:
            self._touch(child)
            child.values[fd.name] = None

    # -- save steps ----------------------------------------------------------------------

    def _typed(
        self, obj: ObjectDef, fields: Mapping[str, Any], *, creating: bool, api: bool
    ) -> dict[str, Any]:
        """Canonical names → stored values; unknown and read-only fields refused."""
        typed: dict[str, Any] = {}
        read_only: list[str] = []
        for key, raw in fields.items():
            if key == "attributes":
                continue
            fd = obj.field(key)
            if fd is None:
                reference = obj.reference(key)
                if reference is not None and isinstance(raw, dict):
                    typed[reference.name] = self._foreign_key(reference, raw)
                    continue
                raise errors.no_such_column(key, obj.name)
            if fd.name == "Id" and creating and api:
                raise errors.ApiError(
                    400, "INVALID_FIELD", "cannot specify Id in an insert call", ["Id"]
                )
            writable = fd.createable if creating else fd.updateable
            if fd.name in AUDIT_FIELDS or (api and not writable):
                read_only.append(fd.name)
                continue
            typed[fd.name] = values.coerce(fd, raw)
        if read_only:
            raise errors.not_writable(read_only)
        return typed

    def _foreign_key(self, reference: FieldDef, raw: Mapping[str, Any]) -> str:
        """``{"Account": {"Ext__c": "X"}}``: the parent found by one of its external ids."""
        target = self.schema.get(reference.reference_to or "")
        keys = [k for k in raw if k != "attributes"]
        fd = target.field(keys[0]) if target is not None and len(keys) == 1 else None
        if target is None or fd is None or not (fd.external_id or fd.name == "Id"):
            raise errors.ApiError(
                400,
                "INVALID_FIELD",
                f"Foreign key external ID field not specified for {_key_names(raw)}",
                [],
            )
        found = self.match(target, fd, values.coerce(fd, raw[keys[0]]))
        if len(found) != 1:
            verb = "not found" if not found else "matched more than one record"
            raise errors.ApiError(
                400,
                "INVALID_FIELD",
                f"Foreign key external ID: {raw[keys[0]]} {verb} for field {fd.name} in "
                f"entity {target.name}",
                [],
            )
        return found[0].id

    def _check_required(
        self, obj: ObjectDef, row_values: Mapping[str, Any], changed: set[str] | None
    ) -> None:
        missing = [
            fd.name
            for fd in obj.fields
            if fd.required
            and (changed is None or fd.name in changed)
            and row_values.get(fd.name) in (None, "")
        ]
        if missing:
            raise errors.required_missing(missing)

    def _check_references(
        self, obj: ObjectDef, row_values: Mapping[str, Any], names: set[str]
    ) -> None:
        for name in names:
            fd = obj.field(name)
            value = row_values.get(name)
            if fd is None or fd.type != "reference" or value is None:
                continue
            target = self.schema.get(fd.reference_to or "")
            if target is None or str(value)[:3] != target.key_prefix:
                raise errors.reference_of_wrong_type(fd.label, fd.name, str(value))
            if self.live(str(value)) is None:
                raise errors.invalid_cross_reference(fd.name)

    def _check_unique(
        self, obj: ObjectDef, row_values: Mapping[str, Any], own_id: str | None
    ) -> None:
        for fd in obj.fields:
            value = row_values.get(fd.name)
            if not fd.unique or value is None:
                continue
            for other in self.match(obj, fd, value):
                if other.id != own_id:
                    raise errors.duplicate_value(fd.name, other.id)

    # -- bulk ----------------------------------------------------------------------------

    def clear(self) -> None:
        with self.lock:
            for table in self._tables.values():
                table.clear()
            self._index.clear()
            self.counters.clear()
            self._tx = _Transaction()


def _key_names(raw: Mapping[str, Any]) -> str:
    return ", ".join(k for k in raw if k != "attributes") or "(none)"


def _indexed(fd: FieldDef) -> bool:
    return fd.unique or fd.external_id


def _unique_key(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value
