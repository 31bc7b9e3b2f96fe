"""Object-specific business rules: defaults, references that must exist, date ranges,
records a write creates alongside (a customer's display contact).

What the rules follow (developer.intacct.com API reference):

* CUSTOMER: ``DISPLAYCONTACT.CONTACTNAME`` "If left blank, system will create the name as
  [NAME](C[CUSTOMERID])"; the display contact becomes a CONTACT record; primary, bill-to
  and ship-to contacts default to it ("If blank system will use DISPLAYCONTACT").
* CONTRACT: ``CUSTOMERID`` and ``TERMNAME`` must exist, ``ENDDATE`` is "Required when the
  term type is Termed", bill-to/ship-to contacts default to the customer's ("Leave blank
  to use customer's default"), ``RENEWALMACRO``/``PRCLIST`` name existing templates/lists.
* CONTRACTDETAIL: ``CONTRACTID`` and ``ITEMID`` must exist, the line's dates must fall in
  the contract's, ``BILLINGFREQUENCY`` "omit value to inherit from the contract level",
  a fixed price line's flat amount may be given as ``QUANTITY`` x ``PRICE`` x
  ``MULTIPLIER`` less ``DISCOUNTPERCENT``, lines are numbered per contract (``LINENO``).
* Records other records use cannot be deleted (customer with contracts, contract with
  lines or invoices, item on contract lines).

Error texts are this emulator's; the numbers are in :mod:`errors`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sandbox.emulators.intacct import errors, objects
from sandbox.emulators.intacct.clock import format_date
from sandbox.emulators.intacct.schema import ObjectSpec, Record
from sandbox.emulators.intacct.store import Company


@dataclass
class WriteContext:
    company: Company
    user_key: int
    trusted: bool = False  # direct seeding: no required-field or reference checks
    entity: str = ""  # the session's entity (locationid); empty at the top level
    site: str = ""  # the company's Intacct site (for RECORD_URL)


class Rules:
    """Hooks a write runs for one object; the base class has none."""

    def defaults(self, ctx: WriteContext, values: Record) -> None:
        """Fill derived and defaulted values before required fields are checked."""

    def validate(self, ctx: WriteContext, values: Record, existing: Record | None) -> None:
        """Raise FunctionError when the (merged) values break a rule."""

    def after_write(self, ctx: WriteContext, record: Record, changes: Record | None) -> None:
        """Side effects once ``record`` is stored (``changes`` is None on create)."""

    def before_delete(self, ctx: WriteContext, record: Record) -> None:
        """Refuse to delete a record other records use."""


def _exists(company: Company, spec: ObjectSpec, key: Any) -> Record | None:
    return company.by_id(spec, str(key)) if key not in (None, "") else None


def _require_reference(
    ctx: WriteContext, owner: ObjectSpec, values: Record, field: str, target: ObjectSpec
) -> Record | None:
    value = values.get(field)
    if value in (None, ""):
        return None
    found = _exists(ctx.company, target, value)
    if found is None:
        raise errors.invalid_reference(owner.label, field, str(value), target.label)
    return found


def _in_use(label: str, key: Any, user_label: str, user_key: Any) -> errors.FunctionError:
    return errors.rule(
        f"Cannot delete {label} {key}: it is used by {user_label} {user_key}.",
        f"Delete or change the {user_label} first.",
    )


class CustomerRules(Rules):
    def defaults(self, ctx: WriteContext, values: Record) -> None:
        if values.get("DISPLAYCONTACT.PRINTAS") is None and values.get("NAME"):
            values["DISPLAYCONTACT.PRINTAS"] = values["NAME"]
        if values.get("DISPLAYCONTACT.CONTACTNAME") is None and values.get("NAME"):
            values["DISPLAYCONTACT.CONTACTNAME"] = f"{values['NAME']}(C{values.get('CUSTOMERID')})"
        display = values.get("DISPLAYCONTACT.CONTACTNAME")
        for role in ("CONTACTINFO", "BILLTO", "SHIPTO"):
            if values.get(f"{role}.CONTACTNAME") is None:
                values[f"{role}.CONTACTNAME"] = display

    def validate(self, ctx: WriteContext, values: Record, existing: Record | None) -> None:
        _require_reference(ctx, objects.CUSTOMER, values, "TERMNAME", objects.ARTERM)
        display = values.get("DISPLAYCONTACT.CONTACTNAME")
        for role in ("CONTACTINFO", "BILLTO", "SHIPTO"):
            name = values.get(f"{role}.CONTACTNAME")
            if name != display:
                _require_reference(
                    ctx, objects.CUSTOMER, values, f"{role}.CONTACTNAME", objects.CONTACT
                )

    def after_write(self, ctx: WriteContext, record: Record, changes: Record | None) -> None:
        name = record.get("DISPLAYCONTACT.CONTACTNAME")
        if not name:
            return
        contact_values = {
            f.name: record.get(f"DISPLAYCONTACT.{f.name}")
            for f in objects.CONTACT.fields
            if not f.readonly and f.name not in ("CONTACTNAME", "STATUS")
        }
        contact = ctx.company.by_id(objects.CONTACT, str(name))
        if contact is None:
            ctx.company.insert(
                objects.CONTACT, {"CONTACTNAME": name, **contact_values}, ctx.user_key
            )
            return
        touched = changes is not None and any(k.startswith("DISPLAYCONTACT.") for k in changes)
        if touched:
            contact.update({k: v for k, v in contact_values.items() if v is not None})
            ctx.company.touch(contact, ctx.user_key)

    def before_delete(self, ctx: WriteContext, record: Record) -> None:
        contract = ctx.company.find(objects.CONTRACT, "CUSTOMERID", record["CUSTOMERID"])
        if contract is not None:
            raise _in_use("customer", record["CUSTOMERID"], "contract", contract["CONTRACTID"])


class ContactRules(Rules):
    def before_delete(self, ctx: WriteContext, record: Record) -> None:
        customer = ctx.company.find(
            objects.CUSTOMER, "DISPLAYCONTACT.CONTACTNAME", record["CONTACTNAME"]
        )
        if customer is not None:
            raise _in_use("contact", record["CONTACTNAME"], "customer", customer["CUSTOMERID"])


class ItemRules(Rules):
    def before_delete(self, ctx: WriteContext, record: Record) -> None:
        line = ctx.company.find(objects.CONTRACTDETAIL, "ITEMID", record["ITEMID"])
        if line is not None:
            raise _in_use("item", record["ITEMID"], "contract", line["CONTRACTID"])


class ContractRules(Rules):
    def defaults(self, ctx: WriteContext, values: Record) -> None:
        customer = _exists(ctx.company, objects.CUSTOMER, values.get("CUSTOMERID"))
        if customer is None:
            return
        values["CUSTOMERNAME"] = customer.get("NAME")
        if values.get("BILLTOCONTACTNAME") is None:
            values["BILLTOCONTACTNAME"] = customer.get("BILLTO.CONTACTNAME")
        if values.get("SHIPTOCONTACTNAME") is None:
            values["SHIPTOCONTACTNAME"] = customer.get("SHIPTO.CONTACTNAME")

    def validate(self, ctx: WriteContext, values: Record, existing: Record | None) -> None:
        spec = objects.CONTRACT
        action = "create" if existing is None else "update"
        if values.get("TERMTYPE") == "Evergreen":
            if values.get("EVERGREENMACRO") is None:
                raise errors.required_field(spec.label, "EVERGREENMACRO", action)
        elif values.get("ENDDATE") is None:
            raise errors.required_field(spec.label, "ENDDATE", action)
        if existing is None and values.get("STATE") not in ("Draft", "In progress"):
            raise errors.invalid_value(
                spec.label, "STATE", str(values.get("STATE")), "Draft or In progress"
            )
        _require_reference(ctx, spec, values, "CUSTOMERID", objects.CUSTOMER)
        _require_reference(ctx, spec, values, "TERMNAME", objects.ARTERM)
        for field in ("BILLTOCONTACTNAME", "SHIPTOCONTACTNAME", "ADDITIONALCONTACTNAME"):
            _require_reference(ctx, spec, values, field, objects.CONTACT)
        for field in ("PRCLIST", "MEAPRCLIST"):
            _require_reference(ctx, spec, values, field, objects.CONTRACTPRICELIST)
        _require_reference(ctx, spec, values, "RENEWALMACRO", objects.RENEWALMACRO)
        begin, end = values.get("BEGINDATE"), values.get("ENDDATE")
        if begin is not None and end is not None and end < begin:
            raise errors.rule(
                f"The contract end date {format_date(end)} is before its start date "
                f"{format_date(begin)}.",
                "Enter an end date on or after the start date.",
            )
        if existing is not None:
            self._lines_still_fit(ctx, values)

    def _lines_still_fit(self, ctx: WriteContext, values: Record) -> None:
        for line in ctx.company.rows(objects.CONTRACTDETAIL):
            if line["CONTRACTID"] == values["CONTRACTID"]:
                _line_within_contract(line, values)

    def before_delete(self, ctx: WriteContext, record: Record) -> None:
        key = record["CONTRACTID"]
        if ctx.company.find(objects.CONTRACTDETAIL, "CONTRACTID", key) is not None:
            raise errors.rule(
                f"Cannot delete contract {key}: it has contract lines.",
                "Delete the contract lines first.",
            )
        invoice = ctx.company.find(objects.SODOCUMENT, "CONTRACTID", key)
        if invoice is not None:
            raise _in_use("contract", key, "invoice", invoice["DOCID"])


def _line_within_contract(line: Record, contract: Record) -> None:
    begin, end = line.get("BEGINDATE"), line.get("ENDDATE")
    c_begin, c_end = contract.get("BEGINDATE"), contract.get("ENDDATE")
    if begin is not None and c_begin is not None and begin < c_begin:
        raise errors.rule(
            f"The contract line start date {format_date(begin)} is before the contract "
            f"start date {format_date(c_begin)}.",
            "Enter a line start date within the contract dates.",
        )
    if end is not None and c_end is not None and end > c_end:
        raise errors.rule(
            f"The contract line end date {format_date(end)} is after the contract end "
            f"date {format_date(c_end)}.",
            "Enter a line end date within the contract dates.",
        )
    if begin is not None and end is not None and end < begin:
        raise errors.rule(
            f"The contract line end date {format_date(end)} is before its start date "
            f"{format_date(begin)}.",
            "Enter an end date on or after the start date.",
        )


class ContractDetailRules(Rules):
    def defaults(self, ctx: WriteContext, values: Record) -> None:
        contract = _exists(ctx.company, objects.CONTRACT, values.get("CONTRACTID"))
        if contract is not None:
            values["CONTRACTKEY"] = contract["RECORDNO"]
            if values.get("BILLINGFREQUENCY") is None:
                values["BILLINGFREQUENCY"] = contract.get("BILLINGFREQUENCY")
            if values.get("LINENO") is None:
                numbers = [
                    int(line["LINENO"] or 0)
                    for line in ctx.company.rows(objects.CONTRACTDETAIL)
                    if line["CONTRACTID"] == contract["CONTRACTID"]
                ]
                values["LINENO"] = max(numbers, default=0) + 1
        item = _exists(ctx.company, objects.ITEM, values.get("ITEMID"))
        if item is not None:
            values["ITEMNAME"] = item.get("NAME")
        if (
            values.get("BILLINGMETHOD") in (None, "Fixed price")
            and values.get("FLATAMOUNT") is None
        ):
            values["FLATAMOUNT"] = _calculated_flat_amount(values)

    def validate(self, ctx: WriteContext, values: Record, existing: Record | None) -> None:
        spec = objects.CONTRACTDETAIL
        action = "create" if existing is None else "update"
        contract = _require_reference(ctx, spec, values, "CONTRACTID", objects.CONTRACT)
        item = _require_reference(ctx, spec, values, "ITEMID", objects.ITEM)
        if contract is None or item is None:
            return
        if contract.get("STATE") in ("Cancelled", "Renewed", "Not renewed"):
            raise errors.rule(
                f"Cannot add or change lines of contract {contract['CONTRACTID']} in state "
                f"{contract['STATE']}."
            )
        if item.get("STATUS") != "active":
            raise errors.rule(f"Item {item['ITEMID']} is inactive.", "Use an active item.")
        if values.get("BEGINDATE") is None:
            raise errors.required_field(spec.label, "BEGINDATE", action)
        if values.get("ENDDATE") is None and contract.get("TERMTYPE") != "Evergreen":
            raise errors.required_field(spec.label, "ENDDATE", action)
        _line_within_contract(values, contract)
        if values.get("BILLINGMETHOD") == "Fixed price" and values.get("FLATAMOUNT") is None:
            raise errors.required_field(spec.label, "FLATAMOUNT", action)
        if (
            values.get("BILLINGOPTIONS") == "Include with every invoice"
            and values.get("BILLINGFREQUENCY") is None
        ):
            raise errors.required_field(spec.label, "BILLINGFREQUENCY", action)
        _require_reference(
            ctx, spec, values, "BILLINGTEMPLATENAME", objects.CONTRACTBILLINGTEMPLATE
        )
        for field in ("REVENUETEMPLATENAME", "REVENUE2TEMPLATENAME"):
            _require_reference(ctx, spec, values, field, objects.CONTRACTREVENUETEMPLATE)
        for field in ("BILLTOCONTACTNAME", "SHIPTOCONTACTNAME"):
            _require_reference(ctx, spec, values, field, objects.CONTACT)


def _calculated_flat_amount(values: Record) -> Decimal | None:
    quantity, price = values.get("QUANTITY"), values.get("PRICE")
    if quantity is None or price is None:
        return None
    amount: Decimal = quantity * price * (values.get("MULTIPLIER") or Decimal(1))
    discount = values.get("DISCOUNTPERCENT")
    if discount:
        amount = amount * (Decimal(100) - discount) / Decimal(100)
    return amount.quantize(Decimal("0.01"))


class PriceListEntryRules(Rules):
    """An entry names an existing price list and item."""

    def validate(self, ctx: WriteContext, values: Record, existing: Record | None) -> None:
        spec = objects.SOPRICELISTENTRY
        _require_reference(ctx, spec, values, "PRICELISTID", objects.SOPRICELIST)
        _require_reference(ctx, spec, values, "ITEMID", objects.ITEM)


class BillingPriceEntryRules(Rules):
    """A billing price list entry names an existing contract price list and item."""

    def validate(self, ctx: WriteContext, values: Record, existing: Record | None) -> None:
        spec = objects.CONTRACTITEMPRICELIST
        _require_reference(ctx, spec, values, "PRICELISTNAME", objects.CONTRACTPRICELIST)
        _require_reference(ctx, spec, values, "ITEMID", objects.ITEM)


RULES: dict[str, Rules] = {
    "CUSTOMER": CustomerRules(),
    "CONTACT": ContactRules(),
    "ITEM": ItemRules(),
    "CONTRACT": ContractRules(),
    "CONTRACTDETAIL": ContractDetailRules(),
    "SOPRICELISTENTRY": PriceListEntryRules(),
    "CONTRACTITEMPRICELIST": BillingPriceEntryRules(),
}
_NO_RULES = Rules()


def rules_for(spec: ObjectSpec) -> Rules:
    return RULES.get(spec.name, _NO_RULES)
