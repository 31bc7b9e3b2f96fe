"""Multi-currency orgs: ``CurrencyIsoCode`` on records, and the ``CurrencyType`` object.

Sources: SOAP API Object Reference, "CurrencyType" (create, update, query and retrieve;
"your client application can't delete this object"; ``IsActive`` defaults to false;
``IsoCode`` a unique, restricted ISO 4217 picklist) and Salesforce Help, "Multiple
Currencies" (records get a currency code - the creating user's currency unless one is
given - and only active currencies are valid; a price book entry's currency is fixed once
created; an opportunity product takes its opportunity's currency and must use a price
book entry of that currency).

Departures, on purpose: the corporate currency is the one the org was created with and
cannot be changed through the API (the emulator keeps its rate at 1 and it stays active);
amounts are not converted when a record's currency changes; dated exchange rates
(advanced currency management) are not emulated. An invalid or inactive code is refused
as a restricted picklist value (INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sandbox.emulators.salesforce import errors
from sandbox.emulators.salesforce.rules import rules_for
from sandbox.emulators.salesforce.schema import ObjectDef
from sandbox.emulators.salesforce.store import ObjectRules, Row, Store

CURRENCY_FIELDS = ("CurrencyIsoCode", "DefaultCurrencyIsoCode")


def currency_types(store: Store) -> list[Row]:
    obj = store.schema.get("CurrencyType")
    return store.rows(obj) if obj is not None else []


def active_currencies(store: Store) -> list[str]:
    """The ISO codes of the org's active currencies, corporate first."""
    rows = sorted(
        (r for r in currency_types(store) if r.values.get("IsActive")),
        key=lambda r: (not r.values.get("IsCorporate"), str(r.values.get("IsoCode"))),
    )
    return [str(r.values["IsoCode"]) for r in rows]


def corporate_currency(store: Store) -> str | None:
    return next(
        (str(r.values["IsoCode"]) for r in currency_types(store) if r.values.get("IsCorporate")),
        None,
    )


def default_currency(store: Store) -> str | None:
    """The running user's currency, else the corporate one."""
    user = store.live(store.user_id)
    own = user.values.get("DefaultCurrencyIsoCode") if user is not None else None
    return str(own) if own else corporate_currency(store)


class CurrencyAwareRules(ObjectRules):
    """An object's own rules, plus its currency fields' default and validation."""

    def __init__(self, inner: ObjectRules) -> None:
        self.inner = inner

    def before_save(self, store: Store, row: Row, old: Mapping[str, Any] | None) -> None:
        values = row.values
        for name in CURRENCY_FIELDS:
            fd = row.obj.field(name)
            if fd is None:
                continue
            if values.get(name) is None:
                values[name] = (old or {}).get(name) or default_currency(store)
            elif (old is None or old.get(name) != values[name]) and values[
                name
            ] not in active_currencies(store):
                raise errors.bad_picklist(fd.label, fd.name, str(values[name]))
        if row.obj.name == "OpportunityLineItem" and old is None:
            opportunity = store.live(values.get("OpportunityId"))
            if opportunity is not None:
                values["CurrencyIsoCode"] = opportunity.values.get("CurrencyIsoCode")
        self.inner.before_save(store, row, old)
        if row.obj.name == "OpportunityLineItem" and old is None:
            entry = store.live(values.get("PricebookEntryId"))
            if entry is not None and entry.values.get("CurrencyIsoCode") != values.get(
                "CurrencyIsoCode"
            ):
                raise errors.field_integrity(
                    "field integrity exception: PricebookEntryId (pricebook entry currency "
                    "code does not match opportunity currency code)",
                    ["PricebookEntryId"],
                )

    def after_save(self, store: Store, row: Row, old: Mapping[str, Any] | None) -> None:
        self.inner.after_save(store, row, old)

    def after_delete(self, store: Store, row: Row) -> None:
        self.inner.after_delete(store, row)

    def formula(self, store: Store, row: Row, name: str) -> Any:
        return self.inner.formula(store, row, name)


class CurrencyTypeRules(ObjectRules):
    """Rates are positive; the corporate currency stays active at a rate of 1."""

    def before_save(self, store: Store, row: Row, old: Mapping[str, Any] | None) -> None:
        values = row.values
        rate = values.get("ConversionRate")
        if isinstance(rate, Decimal) and rate <= 0:
            raise errors.field_integrity(
                "Conversion Rate: value must be greater than zero", ["ConversionRate"]
            )
        corporate_changed = rate != Decimal(1) or not values.get("IsActive")
        if values.get("IsCorporate") and old is not None and corporate_changed:
            raise errors.field_integrity(
                "The corporate currency must stay active with a conversion rate of 1",
                ["ConversionRate", "IsActive"],
            )
        if old is not None and old.get("IsActive") and not values.get("IsActive"):
            user = store.schema.get("User")
            code = values.get("IsoCode")
            if user is not None and any(
                u.values.get("DefaultCurrencyIsoCode") == code for u in store.rows(user)
            ):
                raise errors.field_integrity(
                    f"{code} is the currency of a user and cannot be deactivated", ["IsActive"]
                )


def currency_rules_for(obj: ObjectDef) -> ObjectRules:
    """The behaviour of ``obj`` in a multi-currency org."""
    if obj.name == "CurrencyType":
        return CurrencyTypeRules()
    inner = rules_for(obj)
    return CurrencyAwareRules(inner) if obj.field("CurrencyIsoCode") is not None else inner
