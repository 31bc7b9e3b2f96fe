"""Records in memory, with the platform's behaviour: system fields, required fields, types,
unique/external ids, references, and the standard objects' own rules."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from sandbox.emulators.sfdc import ids
from sandbox.emulators.sfdc.errors import ApiFaultError, malformed_id, not_found
from sandbox.emulators.sfdc.schema import PREFIXES, FieldDef, ObjectDef, lookup

Record = dict[str, Any]
ChangeListener = Callable[[str, Record, bool], None]  # object, record, created


def parse_datetime(text: str) -> datetime:
    value = text.strip().replace("Z", "+00:00")
    if len(value) >= 5 and value[-5] in "+-" and value[-3] != ":":
        value = value[:-2] + ":" + value[-2:]
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _add_months(start: date, months: int) -> date:
    month0 = start.month - 1 + months
    year, month = start.year + month0 // 12, month0 % 12 + 1
    for day in (start.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise ValueError(start)


class Store:
    def __init__(self, id_factory: ids.IdFactory, listener: ChangeListener) -> None:
        self.lock = threading.RLock()
        self._ids = id_factory
        self._listener = listener
        self.records: dict[str, dict[str, Record]] = {}
        self._clock_last = datetime(2000, 1, 1, tzinfo=UTC)
        self._contract_number = 100
        self.current_user: str | None = None

    # -- time ----------------------------------------------------------------------------

    def now(self) -> datetime:
        """Strictly increasing, millisecond precision (SystemModstamp ordering)."""
        now = datetime.now(UTC).replace(microsecond=datetime.now(UTC).microsecond // 1000 * 1000)
        if now <= self._clock_last:
            now = self._clock_last + timedelta(milliseconds=1)
        self._clock_last = now
        return now

    # -- lookups -------------------------------------------------------------------------

    def table(self, obj: ObjectDef) -> dict[str, Record]:
        return self.records.setdefault(obj.name, {})

    def find(self, obj: ObjectDef, record_id: str, include_deleted: bool = False) -> Record:
        if not ids.is_valid(record_id):
            raise malformed_id(record_id)
        record = self.table(obj).get(ids.to18(record_id))
        if record is None or (record["IsDeleted"] and not include_deleted):
            raise not_found()
        return record

    def get_by_id(self, record_id: str) -> Record | None:
        if not ids.is_valid(record_id):
            return None
        obj = PREFIXES.get(record_id[:3])
        if obj is None:
            return None
        record = self.table(obj).get(ids.to18(record_id))
        return None if record is None or record["IsDeleted"] else record

    def by_external_id(self, obj: ObjectDef, field: FieldDef, value: Any) -> list[Record]:
        return [
            r
            for r in self.table(obj).values()
            if not r["IsDeleted"] and r.get(field.name) is not None and r[field.name] == value
        ]

    # -- writes --------------------------------------------------------------------------

    def insert(self, obj: ObjectDef, values: dict[str, Any], *, system: bool = False) -> Record:
        with self.lock:
            fields = self._coerce(obj, values, creating=True, system=system)
            if obj.name == "OpportunityLineItem" and {"UnitPrice", "TotalPrice"} <= {
                k for k, v in fields.items() if v is not None
            }:
                raise ApiFaultError(
                    400,
                    "FIELD_INTEGRITY_EXCEPTION",
                    "field integrity exception: TotalPrice (cannot specify both unit price "
                    "and total price)",
                    ["TotalPrice"],
                )
            now = self.now()
            record: Record = {f.name: None for f in obj.fields}
            record.update(fields)
            record.update(
                Id=self._ids.new(obj.prefix),
                IsDeleted=False,
                CreatedDate=now,
                LastModifiedDate=now,
                SystemModstamp=now,
                CreatedById=self.current_user,
                LastModifiedById=self.current_user,
            )
            self._rules(obj, record, None)
            self._check_required(obj, record)
            self._check_unique(obj, record)
            self.table(obj)[record["Id"]] = record
            self._after_write(obj, record)
            self._listener(obj.name, record, True)
            return record

    def update(
        self, obj: ObjectDef, record_id: str, values: dict[str, Any], *, system: bool = False
    ) -> Record:
        with self.lock:
            record = self.find(obj, record_id)
            fields = self._coerce(obj, values, creating=False, system=system)
            before = dict(record)
            candidate = {**record, **fields}
            self._rules(obj, candidate, before)
            self._check_required(obj, candidate)
            self._check_unique(obj, candidate)
            now = self.now()
            candidate.update(
                LastModifiedDate=now, SystemModstamp=now, LastModifiedById=self.current_user
            )
            record.clear()
            record.update(candidate)
            self._after_write(obj, record)
            self._listener(obj.name, record, False)
            return record

    def delete(self, obj: ObjectDef, record_id: str) -> Record:
        with self.lock:
            record = self.find(obj, record_id)
            now = self.now()
            record.update(IsDeleted=True, SystemModstamp=now, LastModifiedDate=now)
            record["_deletedDate"] = now
            return record

    # -- validation ----------------------------------------------------------------------

    def _coerce(
        self, obj: ObjectDef, values: dict[str, Any], *, creating: bool, system: bool
    ) -> dict[str, Any]:
        out: dict[str, Any] = {}
        bad_access: list[str] = []
        for name, raw in values.items():
            if name == "attributes":
                continue
            field = obj.field(name)
            if field is None:
                raise ApiFaultError(
                    400,
                    "INVALID_FIELD",
                    f"No such column '{name}' on sobject of type {obj.name}",
                    [name],
                )
            allowed = field.createable if creating else field.updateable
            if not allowed and not system:
                bad_access.append(field.name)
                continue
            out[field.name] = self._value(obj, field, raw)
        if bad_access:
            raise ApiFaultError(
                400,
                "INVALID_FIELD_FOR_INSERT_UPDATE",
                f"Unable to create/update fields: {', '.join(bad_access)}. Please check the "
                "security settings of this field and verify that it is read/write for your "
                "profile or permission set.",
                bad_access,
            )
        return out

    def _value(self, obj: ObjectDef, field: FieldDef, raw: Any) -> Any:
        if raw is None or raw == "":
            return None
        try:
            if field.type in {"currency", "double"}:
                return Decimal(str(raw))
            if field.type == "int":
                return int(Decimal(str(raw)))
            if field.type == "boolean":
                if not isinstance(raw, bool):
                    raise ValueError(raw)
                return raw
            if field.type == "date":
                return date.fromisoformat(str(raw)[:10])
            if field.type == "datetime":
                return parse_datetime(str(raw))
            if field.type in {"reference", "id"}:
                return self._reference(field, str(raw))
        except (ValueError, InvalidOperation) as exc:
            raise ApiFaultError(
                400,
                "JSON_PARSER_ERROR"
                if field.type == "boolean"
                else "INVALID_TYPE_ON_FIELD_IN_RECORD",
                f"{field.name}: value not of required type: {raw}",
                [field.name],
            ) from exc
        text = str(raw)
        if len(text) > field.length:
            raise ApiFaultError(
                400,
                "STRING_TOO_LONG",
                f"{field.name}: data value too large: {text[:40]}... (max length={field.length})",
                [field.name],
            )
        if field.picklist and text not in field.picklist:
            raise ApiFaultError(
                400,
                "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                f"{field.name}: bad value for restricted picklist field: {text}",
                [field.name],
            )
        return text

    def _reference(self, field: FieldDef, raw: str) -> str:
        if not ids.is_valid(raw):
            raise ApiFaultError(
                400,
                "MALFORMED_ID",
                f"{field.name}: id value of incorrect type: {raw}",
                [field.name],
            )
        target = self.get_by_id(raw)
        if target is None or (
            field.reference_to and PREFIXES.get(raw[:3]) is not lookup(field.reference_to)
        ):
            raise ApiFaultError(
                400,
                "INVALID_CROSS_REFERENCE_KEY",
                f"invalid cross reference id: {raw}",
                [field.name],
            )
        return ids.to18(raw)

    def _check_required(self, obj: ObjectDef, record: Record) -> None:
        missing = [f.name for f in obj.fields if f.required and record.get(f.name) in (None, "")]
        if missing:
            raise ApiFaultError(
                400,
                "REQUIRED_FIELD_MISSING",
                f"Required fields are missing: [{', '.join(missing)}]",
                missing,
            )

    def _check_unique(self, obj: ObjectDef, record: Record) -> None:
        for field in obj.fields:
            if not field.unique or record.get(field.name) is None:
                continue
            for other in self.by_external_id(obj, field, record[field.name]):
                if other["Id"] != record["Id"]:
                    raise ApiFaultError(
                        400,
                        "DUPLICATE_VALUE",
                        f"duplicate value found: {field.name} duplicates value on record "
                        f"with id: {other['Id']}",
                        [field.name],
                    )

    # -- the standard objects' rules -----------------------------------------------------

    def _rules(self, obj: ObjectDef, record: Record, before: Record | None) -> None:
        rule = getattr(self, f"_rule_{obj.name.lower()}", None)
        if rule is not None:
            rule(record, before)

    def _rule_contract(self, record: Record, before: Record | None) -> None:
        if before is None:
            if record.get("Status") == "Activated":
                raise ApiFaultError(
                    400,
                    "FIELD_INTEGRITY_EXCEPTION",
                    "You can't create a contract with an Activated status. Create the "
                    "contract with a Draft status, then activate it.",
                    ["Status"],
                )
            self._contract_number += 1
            record["ContractNumber"] = f"{self._contract_number:08d}"
        if record.get("StartDate") and record.get("ContractTerm"):
            end = _add_months(record["StartDate"], int(record["ContractTerm"]))
            record["EndDate"] = end - timedelta(days=1)
        record["StatusCode"] = "Activated" if record.get("Status") == "Activated" else "Draft"
        if record.get("Status") == "Activated" and (before or {}).get("Status") != "Activated":
            record["ActivatedDate"] = self.now()
            record["ActivatedById"] = self.current_user

    def _rule_opportunity(self, record: Record, before: Record | None) -> None:
        stage = record.get("StageName")
        record["IsWon"] = stage == "Closed Won"
        record["IsClosed"] = stage in {"Closed Won", "Closed Lost"}

    def _rule_pricebookentry(self, record: Record, before: Record | None) -> None:
        product = self.get_by_id(str(record.get("Product2Id") or ""))
        pricebook = self.get_by_id(str(record.get("Pricebook2Id") or ""))
        if product is None or pricebook is None:
            return
        record["Name"] = product["Name"]
        record["ProductCode"] = product.get("ProductCode")
        if before is None and not pricebook.get("IsStandard"):
            standard = [
                e
                for e in self.table(lookup("PricebookEntry")).values()  # type: ignore[arg-type]
                if e["Product2Id"] == product["Id"]
                and (self.get_by_id(e["Pricebook2Id"]) or {}).get("IsStandard")
            ]
            if not standard:
                raise ApiFaultError(
                    400,
                    "STANDARD_PRICE_NOT_DEFINED",
                    "No standard price defined for this product",
                    [],
                )
        if before is None:
            for e in self.table(lookup("PricebookEntry")).values():  # type: ignore[arg-type]
                if (
                    e["Pricebook2Id"] == record["Pricebook2Id"]
                    and e["Product2Id"] == record["Product2Id"]
                    and not e["IsDeleted"]
                ):
                    raise ApiFaultError(
                        400,
                        "DUPLICATE_VALUE",
                        f"This price definition already exists in this price book: {e['Id']}",
                        [],
                    )

    def _rule_opportunitylineitem(self, record: Record, before: Record | None) -> None:
        opportunity = self.get_by_id(str(record.get("OpportunityId")))
        if opportunity is None:
            return
        entry = self.get_by_id(str(record.get("PricebookEntryId") or ""))
        if entry is None and record.get("Product2Id"):
            pricebook = opportunity.get("Pricebook2Id")
            for e in self.table(lookup("PricebookEntry")).values():  # type: ignore[arg-type]
                if e["Product2Id"] == record["Product2Id"] and (
                    pricebook is None or e["Pricebook2Id"] == pricebook
                ):
                    entry = e
                    break
        if entry is None:
            raise ApiFaultError(
                400,
                "REQUIRED_FIELD_MISSING",
                "Required fields are missing: [PricebookEntryId]",
                ["PricebookEntryId"],
            )
        if opportunity.get("Pricebook2Id") not in (None, entry["Pricebook2Id"]):
            raise ApiFaultError(
                400,
                "FIELD_INTEGRITY_EXCEPTION",
                "field integrity exception: PricebookEntryId (pricebook entry is in a "
                "different pricebook than the one assigned to the opportunity)",
                ["PricebookEntryId"],
            )
        record["PricebookEntryId"] = entry["Id"]
        record["Product2Id"] = entry["Product2Id"]
        record["ListPrice"] = entry["UnitPrice"]
        product = self.get_by_id(entry["Product2Id"]) or {}
        record["Name"] = f"{opportunity['Name']} {product.get('Name', '')}".strip()
        record["ProductCode"] = product.get("ProductCode")
        quantity = Decimal(str(record.get("Quantity") or 0))
        if record.get("UnitPrice") is None and record.get("TotalPrice") is not None and quantity:
            record["UnitPrice"] = record["TotalPrice"] / quantity
        if record.get("UnitPrice") is None:
            record["UnitPrice"] = entry["UnitPrice"]
        record["TotalPrice"] = record["UnitPrice"] * quantity
        if opportunity.get("Pricebook2Id") is None:
            opportunity["Pricebook2Id"] = entry["Pricebook2Id"]

    def _after_write(self, obj: ObjectDef, record: Record) -> None:
        if obj.name == "OpportunityLineItem":
            opportunity = self.get_by_id(str(record["OpportunityId"]))
            if opportunity is not None:
                lines = [
                    r
                    for r in self.table(obj).values()
                    if r["OpportunityId"] == opportunity["Id"] and not r["IsDeleted"]
                ]
                opportunity["Amount"] = sum((r["TotalPrice"] for r in lines), Decimal(0))
