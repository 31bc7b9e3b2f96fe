"""The Zoho CRM emulator's records, and the rules a write meets, answered per record.

A write request holds up to 100 records in ``data``; each gets its own answer in the
response's ``data`` (Zoho CRM v8 "Insert Records" / "Update Records" / "Upsert Records"):

* success: ``{"code": "SUCCESS", "details": {"Modified_Time", "Modified_By", "Created_Time",
  "id", "Created_By"}, "message": "record added" | "record updated", "status": "success"}``;
  an upsert's answer adds ``"action": "insert" | "update"`` and ``"duplicate_field"`` (the
  field that matched, or null);
* ``MANDATORY_NOT_FOUND`` ``{"api_name", "json_path"}`` "required field not found";
* ``DUPLICATE_DATA`` ``{"api_name", "json_path", "duplicate_record": {"id", "module":
  {"api_name", "id"}, "Owner"}}`` "duplicate data" (a unique field's value is taken);
* ``INVALID_DATA`` ``{"api_name", "json_path", "expected_data_type"}`` "invalid data" (a value
  of the wrong type, a lookup to no record, an unknown id on update).

Departure, on purpose: a field name the module does not have is refused as ``INVALID_DATA``
(the real API may ignore it), so a wrong mapping shows at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sandbox.emulators.zoho_accounts import Clock, Ids
from sandbox.emulators.zoho_crm.modules import MODULES, FieldSpec, ModuleSpec

Answer = dict[str, Any]
Record = dict[str, Any]
USER = {"name": "Ledgerlink Integration", "id": "4150868000000225013", "email": "api@example.com"}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def format_datetime(moment: datetime) -> str:
    """Zoho CRM's datetime: ISO 8601 to the second with the user's offset (UTC here)."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


def parse_datetime(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class RecordError(Exception):
    """One record's refusal, answered in its place in ``data``."""

    def __init__(self, code: str, message: str, details: Mapping[str, Any]) -> None:
        super().__init__(message)
        self.answer: Answer = {
            "code": code,
            "details": dict(details),
            "message": message,
            "status": "error",
        }


def _path(index: int, name: str) -> str:
    return f"$.data[{index}].{name}"


@dataclass
class Change:
    """A change the notification channels hear of."""

    module: str
    operation: str  # insert | update | delete
    record_id: str
    fields: tuple[str, ...] = ()
    values: Mapping[str, Any] = field(default_factory=dict)  # the new values of ``fields``


@dataclass
class Store:
    clock: Clock
    ids: Ids = field(default_factory=lambda: Ids(4150868, 19))
    rows: dict[str, dict[str, Record]] = field(default_factory=dict)
    listeners: list[Callable[[Change], None]] = field(default_factory=list)

    def __post_init__(self) -> None:
        for name in MODULES:
            self.rows.setdefault(name, {})

    def clear(self) -> None:
        for rows in self.rows.values():
            rows.clear()

    @staticmethod
    def spec(module: str) -> ModuleSpec:
        spec = MODULES.get(module)
        if spec is None:
            raise KeyError(module)
        return spec

    def get(self, module: str, record_id: str) -> Record | None:
        return self.rows[self.spec(module).api_name].get(str(record_id))

    def all(self, module: str) -> list[Record]:
        return list(self.rows[self.spec(module).api_name].values())

    # -- writes --------------------------------------------------------------------------

    def insert(self, module: str, index: int, values: Mapping[str, Any]) -> Answer:
        spec = self.spec(module)
        clean = self._values(spec, index, values, creating=True)
        self._check_unique(spec, index, clean, None)
        now = self.clock.now()
        record: Record = {
            "id": self.ids.next(),
            "Owner": dict(USER),
            "Created_Time": now,
            "Modified_Time": now,
            "Created_By": dict(USER),
            "Modified_By": dict(USER),
            **clean,
        }
        self.rows[spec.api_name][record["id"]] = record
        self._tell(Change(spec.api_name, "insert", record["id"], tuple(clean)))
        return _success(record, "record added")

    def update(self, module: str, index: int, values: Mapping[str, Any]) -> Answer:
        spec = self.spec(module)
        record_id = str(values.get("id") or "")
        record = self.rows[spec.api_name].get(record_id)
        if record is None:
            raise RecordError(
                "INVALID_DATA",
                "the id given seems to be invalid",
                {"api_name": "id", "json_path": _path(index, "id")},
            )
        clean = self._values(spec, index, values, creating=False)
        self._check_unique(spec, index, clean, record_id)
        changed = tuple(k for k, v in clean.items() if record.get(k) != v)
        record.update(clean)
        record["Modified_Time"] = self.clock.now()
        record["Modified_By"] = dict(USER)
        shown = {k: v for k, v in render(record, changed).items() if k in changed}
        self._tell(Change(spec.api_name, "update", record_id, changed, shown))
        return _success(record, "record updated")

    def upsert(
        self, module: str, index: int, values: Mapping[str, Any], check: tuple[str, ...]
    ) -> Answer:
        """Match on the duplicate-check fields in order (default: the system-defined ones,
        then the unique ones); update the match or insert."""
        spec = self.spec(module)
        order = check or (*spec.duplicate_check, *spec.unique_fields)
        for name in order:
            if spec.field(name) is None:
                raise RecordError(
                    "INVALID_DATA",
                    "invalid data",
                    {"api_name": name, "json_path": "$.duplicate_check_fields"},
                )
        existing: Record | None = None
        matched: str | None = None
        if values.get("id"):
            existing = self.rows[spec.api_name].get(str(values["id"]))
        for name in order:
            if existing is not None:
                break
            value = values.get(name)
            if value in (None, ""):
                continue
            existing = next(
                (r for r in self.rows[spec.api_name].values() if r.get(name) == value), None
            )
            matched = name if existing is not None else None
        if existing is None:
            answer = self.insert(module, index, values)
            return {**answer, "action": "insert", "duplicate_field": None}
        answer = self.update(module, index, {**values, "id": existing["id"]})
        return {**answer, "action": "update", "duplicate_field": matched}

    def delete(self, module: str, record_id: str) -> Answer:
        spec = self.spec(module)
        record = self.rows[spec.api_name].pop(str(record_id), None)
        if record is None:
            raise RecordError("INVALID_DATA", "the id given seems to be invalid", {"id": record_id})
        self._tell(Change(spec.api_name, "delete", str(record_id)))
        return {
            "code": "SUCCESS",
            "details": {"id": str(record_id)},
            "message": "record deleted",
            "status": "success",
        }

    # -- rules ---------------------------------------------------------------------------

    def _values(
        self, spec: ModuleSpec, index: int, values: Mapping[str, Any], *, creating: bool
    ) -> Record:
        clean: Record = {}
        for name, value in values.items():
            if name == "id":
                continue
            field_spec = spec.field(name)
            if field_spec is None:
                raise RecordError(
                    "INVALID_DATA",
                    "invalid data",
                    {"api_name": name, "json_path": _path(index, name)},
                )
            if field_spec.read_only:
                continue
            clean[name] = self._value(field_spec, index, value)
        for field_spec in spec.fields:
            if not field_spec.mandatory:
                continue
            present = clean.get(field_spec.api_name) not in (None, "")
            cleared = field_spec.api_name in clean and not present
            if (creating and not present) or cleared:
                raise RecordError(
                    "MANDATORY_NOT_FOUND",
                    "required field not found",
                    {
                        "api_name": field_spec.api_name,
                        "json_path": _path(index, field_spec.api_name),
                    },
                )
        return clean

    def _value(self, spec: FieldSpec, index: int, value: Any) -> Any:
        if value is None:
            return None

        def invalid(expected: str) -> RecordError:
            return RecordError(
                "INVALID_DATA",
                "invalid data",
                {
                    "api_name": spec.api_name,
                    "json_path": _path(index, spec.api_name),
                    "expected_data_type": expected,
                },
            )

        kind = spec.data_type
        if kind in ("lookup", "ownerlookup"):
            raw = value.get("id") if isinstance(value, Mapping) else value
            if not isinstance(raw, str | int) or isinstance(raw, bool):
                raise invalid("jsonobject")
            if kind == "ownerlookup":
                return dict(USER)
            target = self.rows[spec.lookup_module or ""].get(str(raw))
            if target is None:
                raise invalid("jsonobject")
            return {"name": display_name(spec.lookup_module or "", target), "id": str(raw)}
        if kind in ("currency", "double"):
            if isinstance(value, bool):
                raise invalid("double")
            try:
                return Decimal(str(value))
            except InvalidOperation:
                raise invalid("double") from None
        if kind == "boolean":
            if not isinstance(value, bool):
                raise invalid("boolean")
            return value
        if kind == "date":
            try:
                return date.fromisoformat(str(value)).isoformat()
            except ValueError:
                raise invalid("date") from None
        if kind == "datetime":
            moment = parse_datetime(str(value))
            if moment is None:
                raise invalid("datetime")
            return moment
        if not isinstance(value, str):
            raise invalid("text")
        if len(value) > spec.length:
            raise invalid("text")
        if kind == "email" and value and not _EMAIL.match(value):
            raise invalid("email")
        if spec.pick_list and value not in spec.pick_list:
            raise invalid("picklist")
        return value

    def _check_unique(
        self, spec: ModuleSpec, index: int, values: Record, own_id: str | None
    ) -> None:
        for name in spec.unique_fields:
            value = values.get(name)
            if value in (None, ""):
                continue
            for other in self.rows[spec.api_name].values():
                if other["id"] != own_id and other.get(name) == value:
                    raise RecordError(
                        "DUPLICATE_DATA",
                        "duplicate data",
                        {
                            "api_name": name,
                            "json_path": _path(index, name),
                            "duplicate_record": {
                                "id": other["id"],
                                "module": {"api_name": spec.api_name, "id": "4150868000000002175"},
                                "Owner": dict(USER),
                            },
                        },
                    )

    def _tell(self, change: Change) -> None:
        for listener in self.listeners:
            listener(change)


def display_name(module: str, record: Record) -> str:
    if module == "Contacts":
        return " ".join(p for p in (record.get("First_Name"), record.get("Last_Name")) if p)
    name_field = {
        "Accounts": "Account_Name",
        "Vendors": "Vendor_Name",
        "Products": "Product_Name",
        "Deals": "Deal_Name",
    }.get(module, "id")
    return str(record.get(name_field) or "")


def _success(record: Record, message: str) -> Answer:
    return {
        "code": "SUCCESS",
        "details": {
            "Modified_Time": format_datetime(record["Modified_Time"]),
            "Modified_By": {"name": USER["name"], "id": USER["id"]},
            "Created_Time": format_datetime(record["Created_Time"]),
            "id": record["id"],
            "Created_By": {"name": USER["name"], "id": USER["id"]},
        },
        "message": message,
        "status": "success",
    }


def render(record: Record, fields: tuple[str, ...] | None = None) -> Record:
    """A record as the API answers it: datetimes ISO 8601, ``id`` always present."""
    names = ("id", *[f for f in fields if f != "id"]) if fields is not None else tuple(record)
    out: Record = {}
    for name in names:
        value = record.get(name)
        if isinstance(value, datetime):
            value = format_datetime(value)
        elif isinstance(value, dict):
            value = dict(value)
        out[name] = value
    return out
