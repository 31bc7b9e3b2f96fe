"""What the platform does on its own when standard objects are saved.

Sources: SOAP API Object Reference (Opportunity, OpportunityLineItem, PricebookEntry,
Contract) and the platform's error texts as real responses carry them:

- Opportunity: ``IsWon``/``IsClosed`` follow ``StageName``; ``Probability`` defaults from the
  stage; ``Amount`` is the sum of the line items' ``TotalPrice`` once it has line items;
  ``RecordTypeId`` must be an Opportunity record type (``Record Type ID: this ID value
  isn't valid for the user: 012...``).
- OpportunityLineItem: needs a price book entry (``PricebookEntryId``, or ``Product2Id``
  looked up in the opportunity's price book); the entry must be active and in the
  opportunity's price book, which the first line sets (``field integrity exception:
  PricebookEntryId (pricebook entry is in a different pricebook than the one assigned to
  the opportunity)``); ``UnitPrice`` or ``TotalPrice``, not both; ``ListPrice``,
  ``TotalPrice``, ``Product2Id``, ``Name`` and ``ProductCode`` derived.
- PricebookEntry: a product needs a standard price before a custom price book can price it
  (STANDARD_PRICE_NOT_DEFINED); one entry per price book and product (``This price
  definition already exists in this price book``).
- Contract: ``StatusCode`` follows ``Status``; a contract cannot be inserted Activated nor
  leave Activated (FAILED_ACTIVATION, ``Choose a valid contract status and save your
  changes. Ask your admin for details.``); activation stamps ``ActivatedDate`` and
  ``ActivatedById``; ``EndDate`` = ``StartDate`` + ``ContractTerm`` months - 1 day;
  ``ContractNumber`` is an auto-number (``00000100``...).
- Custom objects: a record saved without ``Name`` is named after its id.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sandbox.emulators.salesforce import errors
from sandbox.emulators.salesforce.objects import CONTRACT_STATUSES, OPPORTUNITY_STAGES
from sandbox.emulators.salesforce.schema import ObjectDef
from sandbox.emulators.salesforce.store import ObjectRules, Row, Store

CENT = Decimal("0.01")


def add_months(start: date, months: int) -> date:
    month0 = start.month - 1 + months
    year, month = start.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def _changed(row: Row, old: Mapping[str, Any] | None, name: str) -> bool:
    return old is None or old.get(name) != row.values.get(name)


def standard_pricebook(store: Store) -> Row | None:
    pricebook = store.schema.get("Pricebook2")
    assert pricebook is not None
    return next((r for r in store.rows(pricebook) if r.values.get("IsStandard")), None)


def price_entries(
    store: Store, pricebook_id: str, product_id: str, currency: str | None = None
) -> list[Row]:
    """A product's entries in a price book (of one currency, in a multi-currency org)."""
    entry = store.schema.get("PricebookEntry")
    assert entry is not None
    return [
        r
        for r in store.rows(entry)
        if r.values.get("Pricebook2Id") == pricebook_id
        and r.values.get("Product2Id") == product_id
        and (currency is None or r.values.get("CurrencyIsoCode") == currency)
    ]


def line_items(store: Store, opportunity_id: str) -> list[Row]:
    line = store.schema.get("OpportunityLineItem")
    assert line is not None
    return [r for r in store.rows(line) if r.values.get("OpportunityId") == opportunity_id]


class ContactRules(ObjectRules):
    def formula(self, store: Store, row: Row, name: str) -> Any:
        if name == "Name":
            parts = (row.values.get("FirstName"), row.values.get("LastName"))
            return " ".join(p for p in parts if p) or None
        return super().formula(store, row, name)


class PricebookEntryRules(ObjectRules):
    def before_save(self, store: Store, row: Row, old: Mapping[str, Any] | None) -> None:
        values = row.values
        if old is None:
            pricebook = store.live(values.get("Pricebook2Id"))
            standard = standard_pricebook(store)
            product_id = str(values.get("Product2Id"))
            currency = values.get("CurrencyIsoCode")
            if price_entries(store, str(values.get("Pricebook2Id")), product_id, currency):
                raise errors.ApiError(
                    400,
                    "DUPLICATE_VALUE",
                    "This price definition already exists in this price book",
                    [],
                )
            is_standard = pricebook is not None and pricebook.values.get("IsStandard")
            if not is_standard:
                standard_entries = (
                    price_entries(store, standard.id, product_id, currency) if standard else []
                )
                if not standard_entries:
                    raise errors.ApiError(
                        400,
                        "STANDARD_PRICE_NOT_DEFINED",
                        "No standard price defined for this product",
                        [],
                    )
                if values.get("UseStandardPrice"):
                    values["UnitPrice"] = standard_entries[0].values.get("UnitPrice")

    def formula(self, store: Store, row: Row, name: str) -> Any:
        product = store.get(row.values.get("Product2Id"))
        return product.values.get(name) if product else None


class OpportunityRules(ObjectRules):
    def before_save(self, store: Store, row: Row, old: Mapping[str, Any] | None) -> None:
        values = row.values
        stage = values.get("StageName")
        values["IsWon"] = stage == "Closed Won"
        values["IsClosed"] = stage in {"Closed Won", "Closed Lost"}
        stage_moved = old is not None and old.get("StageName") != stage
        probability_kept = old is not None and old.get("Probability") == values.get("Probability")
        if stage in OPPORTUNITY_STAGES and (
            (old is None and values.get("Probability") is None)
            or (stage_moved and probability_kept)
        ):
            values["Probability"] = Decimal(OPPORTUNITY_STAGES[str(stage)])
        if values.get("RecordTypeId") and _changed(row, old, "RecordTypeId"):
            record_type = store.live(values["RecordTypeId"])
            if record_type is None or record_type.values.get("SobjectType") != "Opportunity":
                raise errors.ApiError(
                    400,
                    "INVALID_CROSS_REFERENCE_KEY",
                    "Record Type ID: this ID value isn't valid for the user: "
                    f"{values['RecordTypeId']}",
                    ["RecordTypeId"],
                )
        lines = line_items(store, row.id) if old is not None else []
        if (
            lines
            and old is not None
            and old.get("Pricebook2Id") not in (None, values.get("Pricebook2Id"))
        ):
            raise errors.field_integrity(
                "field integrity exception: Pricebook2Id (cannot change pricebook on "
                "opportunity with line items)",
                ["Pricebook2Id"],
            )
        if lines:
            values["Amount"] = sum(
                (Decimal(r.values.get("TotalPrice") or 0) for r in lines), Decimal("0.00")
            )


class OpportunityLineItemRules(ObjectRules):
    def before_save(self, store: Store, row: Row, old: Mapping[str, Any] | None) -> None:
        values = row.values
        if values.get("Quantity") is None:
            raise errors.required_missing(["Quantity"])
        if old is None:
            self._price_book_entry(store, row)
        self._pricing(values, old)

    def _price_book_entry(self, store: Store, row: Row) -> None:
        values = row.values
        opportunity = store.live(values.get("OpportunityId"))
        assert opportunity is not None  # references are checked before the rules run
        pricebook_id = opportunity.values.get("Pricebook2Id")
        entry = store.live(values.get("PricebookEntryId"))
        if entry is None and values.get("Product2Id"):
            standard = standard_pricebook(store)
            book = pricebook_id or (standard.id if standard else None)
            currency = opportunity.values.get("CurrencyIsoCode")
            found = (
                price_entries(store, str(book), str(values["Product2Id"]), currency) if book else []
            )
            entry = found[0] if found else None
        if entry is None:
            raise errors.field_integrity(
                "field integrity exception: PricebookEntryId, unknown (versions 3.0 and higher "
                "must specify pricebook entry id, others must specify product id)",
                ["PricebookEntryId"],
            )
        if values.get("Product2Id") not in (None, entry.values.get("Product2Id")):
            raise errors.field_integrity(
                "field integrity exception: Product2Id (product does not match the pricebook "
                "entry)",
                ["Product2Id"],
            )
        if not entry.values.get("IsActive"):
            raise errors.field_integrity(
                "field integrity exception: PricebookEntryId (pricebook entry is inactive)",
                ["PricebookEntryId"],
            )
        if pricebook_id not in (None, entry.values.get("Pricebook2Id")):
            raise errors.field_integrity(
                "field integrity exception: PricebookEntryId (pricebook entry is in a different "
                "pricebook than the one assigned to the opportunity)",
                ["PricebookEntryId"],
            )
        values.update(
            PricebookEntryId=entry.id,
            Product2Id=entry.values.get("Product2Id"),
            ListPrice=entry.values.get("UnitPrice"),
        )

    @staticmethod
    def _pricing(values: dict[str, Any], old: Mapping[str, Any] | None) -> None:
        """Subtotal = Quantity x UnitPrice and TotalPrice = Subtotal less the Discount
        percent, or UnitPrice from TotalPrice when only the total is given (changed)
        (Object Reference, OpportunityLineItem: Discount, Subtotal, TotalPrice)."""
        quantity = Decimal(values["Quantity"])
        kept = Decimal(100) - Decimal(str(values.get("Discount") or 0))
        unit: Decimal | None = values.get("UnitPrice")
        total: Decimal | None = values.get("TotalPrice")
        if old is None:
            if unit is not None and total is not None:
                raise errors.field_integrity(
                    "field integrity exception: TotalPrice (cannot specify both unit price "
                    "and total price)",
                    ["TotalPrice"],
                )
            if unit is None and total is None:
                raise errors.field_integrity(
                    "field integrity exception: unknown (must specify either UnitPrice or "
                    "TotalPrice)",
                    ["UnitPrice"],
                )
            from_total = unit is None
        else:
            from_total = total != old.get("TotalPrice") and unit == old.get("UnitPrice")
        if from_total and total is not None:
            values["UnitPrice"] = (
                (total * 100 / kept / quantity).quantize(CENT, ROUND_HALF_UP)
                if quantity and kept
                else Decimal("0.00")
            )
        else:
            subtotal = quantity * (unit or Decimal(0))
            values["TotalPrice"] = (subtotal * kept / 100).quantize(CENT, ROUND_HALF_UP)
        values["Subtotal"] = (quantity * Decimal(values.get("UnitPrice") or 0)).quantize(
            CENT, ROUND_HALF_UP
        )

    def after_save(self, store: Store, row: Row, old: Mapping[str, Any] | None) -> None:
        opportunity = store.live(row.values.get("OpportunityId"))
        if opportunity is None:
            return
        entry = store.get(row.values.get("PricebookEntryId"))
        changes: dict[str, Any] = {}
        if opportunity.values.get("Pricebook2Id") is None and entry is not None:
            changes["Pricebook2Id"] = entry.values.get("Pricebook2Id")
        store.system_update(opportunity, changes)

    def after_delete(self, store: Store, row: Row) -> None:
        opportunity = store.live(row.values.get("OpportunityId"))
        if opportunity is not None:
            total = sum(
                (
                    Decimal(r.values.get("TotalPrice") or 0)
                    for r in line_items(store, opportunity.id)
                ),
                Decimal("0.00"),
            )
            store.system_update(opportunity, {"Amount": total})

    def formula(self, store: Store, row: Row, name: str) -> Any:
        product = store.get(row.values.get("Product2Id"))
        if name == "ProductCode":
            return product.values.get("ProductCode") if product else None
        opportunity = store.get(row.values.get("OpportunityId"))
        parts = (
            opportunity.values.get("Name") if opportunity else None,
            product.values.get("Name") if product else None,
        )
        return " ".join(str(p) for p in parts if p) or None


class ContractRules(ObjectRules):
    FAILED_ACTIVATION = (
        "Choose a valid contract status and save your changes. Ask your admin for details."
    )

    def before_save(self, store: Store, row: Row, old: Mapping[str, Any] | None) -> None:
        values = row.values
        status = values.get("Status")
        was_activated = old is not None and old.get("Status") == "Activated"
        if (old is None and status == "Activated") or (was_activated and status != "Activated"):
            raise errors.ApiError(400, "FAILED_ACTIVATION", self.FAILED_ACTIVATION, ["Status"])
        values["StatusCode"] = CONTRACT_STATUSES.get(str(status))
        if status == "Activated" and not was_activated:
            values["ActivatedDate"] = store.clock.tick()
            values["ActivatedById"] = store.user_id
        start, term = values.get("StartDate"), values.get("ContractTerm")
        values["EndDate"] = (
            add_months(start, int(term)) - timedelta(days=1)
            if isinstance(start, date) and term
            else None
        )
        if old is None:
            values["ContractNumber"] = f"{store.next_number('ContractNumber', 100):08d}"


class CustomObjectRules(ObjectRules):
    def after_save(self, store: Store, row: Row, old: Mapping[str, Any] | None) -> None:
        if old is None and row.values.get("Name") is None and row.obj.field("Name"):
            row.values["Name"] = row.id


STANDARD_RULES: dict[str, type[ObjectRules]] = {
    "Contact": ContactRules,
    "PricebookEntry": PricebookEntryRules,
    "Opportunity": OpportunityRules,
    "OpportunityLineItem": OpportunityLineItemRules,
    "Contract": ContractRules,
}


def rules_for(obj: ObjectDef) -> ObjectRules:
    """The behaviour of ``obj``: its standard rules, the custom-object ones, or none."""
    if obj.name in STANDARD_RULES:
        return STANDARD_RULES[obj.name]()
    return CustomObjectRules() if obj.custom else ObjectRules()
