"""Records of one company, with WHENCREATED/WHENMODIFIED (second precision, GMT), RECORDNO,
document sequences and the objects' own rules."""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from sandbox.emulators.intacct_gw import errors
from sandbox.emulators.intacct_gw.objects import OBJECTS, ObjectSpec

Record = dict[str, Any]


def parse_date(text: str) -> date:
    for fmt in ("%m/%d/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text.strip()[:10], fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def parse_timestamp(text: str) -> datetime:
    return datetime.strptime(text.strip(), "%m/%d/%Y %H:%M:%S").replace(tzinfo=UTC)


class Company:
    def __init__(self, clock: Callable[[], datetime]) -> None:
        self.lock = threading.RLock()
        self.clock = clock
        self.tables: dict[str, dict[int, Record]] = {name: {} for name in OBJECTS}
        self.next_recordno = 1
        self.sequences: dict[str, list[Any]] = {}  # object -> [prefix, next number, width]
        self.done_controlids: set[str] = set()

    def snapshot(self) -> tuple[dict[str, dict[int, Record]], int, dict[str, list[Any]]]:
        return copy.deepcopy(self.tables), self.next_recordno, copy.deepcopy(self.sequences)

    def restore(
        self, state: tuple[dict[str, dict[int, Record]], int, dict[str, list[Any]]]
    ) -> None:
        self.tables, self.next_recordno, self.sequences = state

    # -- reads ---------------------------------------------------------------------------

    def spec(self, obj: str) -> ObjectSpec:
        spec = OBJECTS.get(obj.upper())
        if spec is None:
            raise errors.unknown_object(obj)
        return spec

    def rows(self, obj: str) -> list[Record]:
        return list(self.tables[self.spec(obj).name].values())

    def by_key(self, obj: str, key: str) -> Record | None:
        spec = self.spec(obj)
        for row in self.tables[spec.name].values():
            if str(row.get(spec.key)) == str(key):
                return row
        return None

    def by_recordno(self, obj: str, recordno: str) -> Record | None:
        try:
            return self.tables[self.spec(obj).name].get(int(recordno))
        except ValueError:
            return None

    # -- writes --------------------------------------------------------------------------

    def create(self, obj: str, values: dict[str, Any], user: str) -> Record:
        spec = self.spec(obj)
        row: Record = {f: None for f in spec.fields}
        row.update(self._coerce(spec, values))
        if spec.sequenced and not row.get(spec.key) and spec.name in self.sequences:
            prefix, number, width = self.sequences[spec.name]
            row[spec.key] = f"{prefix}{number:0{width}d}"
            self.sequences[spec.name][1] = number + 1
        self._defaults(spec, row)
        self._validate(spec, row, creating=True)
        now = self.clock()
        row.update(
            RECORDNO=self.next_recordno,
            WHENCREATED=now,
            WHENMODIFIED=now,
            CREATEDBY=user,
            MODIFIEDBY=user,
        )
        self.next_recordno += 1
        self.tables[spec.name][row["RECORDNO"]] = row
        return row

    def update(self, obj: str, values: dict[str, Any], user: str) -> Record:
        spec = self.spec(obj)
        row = None
        if values.get("RECORDNO"):
            row = self.by_recordno(spec.name, str(values["RECORDNO"]))
        elif values.get(spec.key):
            row = self.by_key(spec.name, str(values[spec.key]))
        if row is None:
            key = values.get("RECORDNO") or values.get(spec.key) or "(no key)"
            raise errors.not_found(spec.name, str(key))
        changes = self._coerce(spec, {k: v for k, v in values.items() if k != "RECORDNO"})
        if spec.key in changes and str(changes[spec.key]) != str(row[spec.key]):
            raise errors.invalid(spec.name, spec.key, "the ID of an existing record cannot change")
        candidate = {**row, **changes}
        self._validate(spec, candidate, creating=False)
        candidate.update(WHENMODIFIED=self.clock(), MODIFIEDBY=user)
        row.clear()
        row.update(candidate)
        return row

    def delete(self, obj: str, recordno: str) -> None:
        spec = self.spec(obj)
        if self.tables[spec.name].pop(int(recordno), None) is None:
            raise errors.not_found(spec.name, recordno)

    def touch(self, row: Record) -> None:
        row["WHENMODIFIED"] = self.clock()

    # -- rules ---------------------------------------------------------------------------

    def _coerce(self, spec: ObjectSpec, values: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, raw in values.items():
            kind = spec.fields.get(name)
            if kind is None:
                raise errors.unknown_field(spec.name, name)
            if kind in {"timestamp"} or name == "RECORDNO":
                continue  # read-only
            text = "" if raw is None else str(raw).strip()
            if text == "":
                out[name] = None
                continue
            try:
                if kind == "date":
                    out[name] = parse_date(text)
                elif kind == "decimal":
                    out[name] = Decimal(text)
                elif kind == "int":
                    out[name] = int(text)
                elif kind == "bool":
                    out[name] = text.lower() == "true"
                else:
                    limit = spec.max_lengths.get(name)
                    if limit and len(text) > limit:
                        raise errors.invalid(spec.name, name, f"longer than {limit} characters")
                    allowed = spec.enums.get(name)
                    if allowed and text not in allowed:
                        raise errors.invalid(
                            spec.name, name, f"'{text}' is not one of {', '.join(allowed)}"
                        )
                    out[name] = text
            except (ValueError, InvalidOperation) as exc:
                raise errors.invalid(spec.name, name, f"'{text}' is not a {kind}") from exc
        return out

    def _defaults(self, spec: ObjectSpec, row: Record) -> None:
        if "STATUS" in spec.fields and not row.get("STATUS"):
            row["STATUS"] = "active"
        if spec.name == "CUSTOMER" and not row.get("DISPLAYCONTACT.PRINTAS"):
            row["DISPLAYCONTACT.PRINTAS"] = row.get("NAME")
        if (
            spec.name == "CUSTOMER"
            and not row.get("DISPLAYCONTACT.CONTACTNAME")
            and row.get("NAME")
        ):
            row["DISPLAYCONTACT.CONTACTNAME"] = f"{row['NAME']}({row.get('CUSTOMERID')})"
        if spec.name == "ITEM" and not row.get("ITEMTYPE"):
            row["ITEMTYPE"] = "Non-Inventory"
        if spec.name in {"CONTRACT", "CONTRACTDETAIL"} and not row.get("STATE"):
            row["STATE"] = "In progress"
        if spec.name == "CONTRACTDETAIL":
            contract = self.by_key("CONTRACT", str(row.get("CONTRACTID") or ""))
            lines = [
                r
                for r in self.tables["CONTRACTDETAIL"].values()
                if r["CONTRACTID"] == row.get("CONTRACTID")
            ]
            row["LINENO"] = row.get("LINENO") or len(lines) + 1
            if contract is not None:
                row["ENDDATE"] = row.get("ENDDATE") or contract["ENDDATE"]
                row["BILLINGFREQUENCY"] = (
                    row.get("BILLINGFREQUENCY") or contract["BILLINGFREQUENCY"] or "Monthly"
                )
            row["TOTALBILLED"] = Decimal(0)

    def _validate(self, spec: ObjectSpec, row: Record, *, creating: bool) -> None:
        for name in spec.required:
            if row.get(name) in (None, ""):
                raise errors.required(spec.name, name)
        if (
            creating
            and spec.key != "RECORDNO"
            and self.by_key(spec.name, str(row[spec.key])) is not None
        ):
            raise errors.duplicate(spec.name, str(row[spec.key]))
        check = getattr(self, f"_check_{spec.name.lower()}", None)
        if check is not None:
            check(row)

    def _check_contract(self, row: Record) -> None:
        customer = self.by_key("CUSTOMER", str(row["CUSTOMERID"]))
        if customer is None:
            raise errors.invalid(
                "CONTRACT", "CUSTOMERID", f"customer {row['CUSTOMERID']} does not exist"
            )
        row["CUSTOMERNAME"] = customer["NAME"]
        if row["ENDDATE"] < row["BEGINDATE"]:
            raise errors.invalid("CONTRACT", "ENDDATE", "the end date is before the begin date")
        if row.get("TERMNAME") and self.by_key("ARTERM", str(row["TERMNAME"])) is None:
            raise errors.invalid(
                "CONTRACT", "TERMNAME", f"payment term {row['TERMNAME']} does not exist"
            )

    def _check_contractdetail(self, row: Record) -> None:
        contract = self.by_key("CONTRACT", str(row["CONTRACTID"]))
        if contract is None:
            raise errors.invalid(
                "CONTRACTDETAIL", "CONTRACTID", f"contract {row['CONTRACTID']} does not exist"
            )
        item = self.by_key("ITEM", str(row["ITEMID"]))
        if item is None:
            raise errors.invalid("CONTRACTDETAIL", "ITEMID", f"item {row['ITEMID']} does not exist")
        row["ITEMNAME"] = item["NAME"]
        if not contract["BEGINDATE"] <= row["BEGINDATE"] <= contract["ENDDATE"] or (
            row.get("ENDDATE") and row["ENDDATE"] > contract["ENDDATE"]
        ):
            raise errors.invalid(
                "CONTRACTDETAIL",
                "BEGINDATE",
                "the line's dates must be within the contract's dates",
            )
        if row["BILLINGMETHOD"] == "Fixed price" and row.get("FLATAMOUNT") is None:
            raise errors.required("CONTRACTDETAIL", "FLATAMOUNT")
        if row["BILLINGMETHOD"] == "Quantity based":
            for name in ("QUANTITY", "PRICE"):
                if row.get(name) is None:
                    raise errors.required("CONTRACTDETAIL", name)

    def later(self, seconds: int) -> datetime:
        return self.clock() + timedelta(seconds=seconds)
