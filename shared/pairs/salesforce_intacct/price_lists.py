"""Intacct price lists -> Salesforce price books, from Intacct (the default direction of
Advanced CRM Integration's price list sync), for both kinds of Intacct price list:

=====================================  ============================================
Intacct                                Salesforce
=====================================  ============================================
SOPRICELIST (Order Entry, sales)       Pricebook2, ``Intacct_Price_List_ID__c`` = NAME
SOPRICELISTENTRY (``Actual`` VALUE)    PricebookEntry of the item's product
CONTRACTPRICELIST (contract billing)   Pricebook2, ``Intacct_Price_List_ID__c`` =
                                       ``Billing: NAME``
CONTRACTITEMPRICELIST (its entry       PricebookEntry of the item's product
detail's VALUE)
=====================================  ============================================

Order Entry markup and discount entries are formulas over a base price that Salesforce cannot
hold, so they are not copied. Prices stay Decimal; in a multi-currency org
(``crm_multi_currency``) each entry keeps its ``CurrencyIsoCode``.

Salesforce requires a product's standard price book entry (in the same currency) before any
other: when it is missing it is created first, at the item's base price (BASEPRICE) or,
without one, at the entry's price. The item's product is the one linked to it, else the
product whose ``Intacct_Item_ID__c`` or ProductCode is its ITEMID; entries of items with no
product are left for a later run (the product sync brings them).

Incremental from WHENMODIFIED like the mirrors: an entry changed twice between runs is written
once, with its latest price; an entry waiting for its product keeps the cursor before it, so
it is read again until the product exists. Salesforce reads are one query per kind, writes
are batches.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from shared.connectors.base import Write
from shared.connectors.intacct.connector import IntacctConnector
from shared.connectors.salesforce import soql
from shared.connectors.salesforce.connector import SalesforceConnector
from shared.errors import LedgerlinkError, PermanentError
from shared.models.events import RecordRef
from shared.models.records import SourceRecord
from shared.observability import BusinessMetric, count
from shared.pairs.plugin import PairContext
from shared.pairs.salesforce_intacct import windows
from shared.pairs.salesforce_intacct.connection import SalesforceIntacctConnection
from shared.pairs.salesforce_intacct.price_books import PriceBookExport

MIRROR_SYSTEM = "intacct-price-lists"
BILLING_VALUE = "CONTRACTITEMPRICELISTENTRIES.CONTRACTITEMPRICELISTENTRY.VALUE"


@dataclass(frozen=True)
class PriceSource:
    """One kind of Intacct price list and its entries, and how each reads."""

    list_object: str
    list_fields: tuple[str, ...]
    entry_object: str
    entry_list_field: str  # the entry's field naming its list
    entry_price_field: str
    entry_fields: tuple[str, ...]
    book_prefix: str  # Intacct_Price_List_ID__c = prefix + NAME
    sales: Callable[[Mapping[str, Any]], bool]  # a list of sales prices
    is_price: Callable[[Mapping[str, Any]], bool]  # an entry holding a price itself


ORDER_ENTRY = PriceSource(
    list_object="SOPRICELIST",
    list_fields=("NAME", "SALEPURCHASE", "STATUS"),
    entry_object="SOPRICELISTENTRY",
    entry_list_field="PRICELISTID",
    entry_price_field="VALUE",
    entry_fields=("PRICELISTID", "ITEMID", "VALUE", "VALUETYPE", "STATUS", "CURRENCY"),
    book_prefix="",
    sales=lambda row: row.get("SALEPURCHASE") != "Purchase",
    is_price=lambda row: row.get("VALUETYPE") in (None, "Actual"),
)
CONTRACT_BILLING = PriceSource(
    list_object="CONTRACTPRICELIST",
    list_fields=("NAME", "STATUS"),
    entry_object="CONTRACTITEMPRICELIST",
    entry_list_field="PRICELISTNAME",
    entry_price_field=BILLING_VALUE,
    entry_fields=("PRICELISTNAME", "ITEMID", BILLING_VALUE, "STATUS", "CURRENCY"),
    book_prefix="Billing: ",
    sales=lambda _row: True,
    is_price=lambda row: row.get(BILLING_VALUE) not in (None, ""),
)
SOURCES = (ORDER_ENTRY, CONTRACT_BILLING)


def _key(book: str, product: str, currency: str | None) -> tuple[str, str, str]:
    return (book, product, currency or "")


def sync_price_lists(ctx: PairContext) -> dict[str, int] | None:
    connection = ctx.connection
    assert isinstance(connection, SalesforceIntacctConnection)
    if not connection.price_lists.enabled:
        return None
    if connection.price_lists.direction == "from_crm":
        return PriceBookExport(ctx).run()
    return PriceListSync(ctx).run()


class PriceListSync:
    def __init__(self, ctx: PairContext) -> None:
        assert isinstance(ctx.connection, SalesforceIntacctConnection)
        assert isinstance(ctx.crm, SalesforceConnector)
        assert isinstance(ctx.erp, IntacctConnector)
        self._connection = ctx.connection
        self._multi_currency = ctx.connection.crm_multi_currency
        self._sf = ctx.crm
        self._intacct = ctx.erp
        self._links = ctx.links
        self._cursors = ctx.cursors
        self._metrics = ctx.metrics
        self._pending: dict[str, windows.Window] = {}
        self._overlap = timedelta(seconds=ctx.connection.poll_overlap_s)

    def run(self) -> dict[str, int]:
        books_written = entries_written = 0
        for source in SOURCES:
            lists = self._changed(source.list_object, source.list_fields)
            books = self._books(source, [r for r in lists if source.sales(r.fields)])
            self._advance(source.list_object)
            entries = self._changed(source.entry_object, source.entry_fields)
            written, waiting = self._entries(source, entries, books)
            self._advance(source.entry_object, waiting)
            entries_written += written
            books_written += len(books)
        count(self._metrics, BusinessMetric.MIRROR_WRITTEN, books_written + entries_written)
        return {"price_books": books_written, "price_book_entries": entries_written}

    def _changed(self, obj: str, fields: Sequence[str]) -> list[SourceRecord]:
        """Records changed since the cursor and not written yet; :meth:`_advance` moves the
        cursor past them, but not past one still waiting (read again next run)."""
        page = self._connection.poll_page_size
        window = windows.read(
            self._cursors,
            self._connection.connection_id,
            MIRROR_SYSTEM,
            obj,
            self._overlap,
            lambda since: self._intacct.changed_since(obj, since, fields, page),
        )
        self._pending[obj] = window
        return window.fresh

    def _advance(self, obj: str, held: Sequence[SourceRecord] = ()) -> None:
        window = self._pending.pop(obj)
        windows.commit(
            self._cursors, self._connection.connection_id, window, self._overlap, not_written=held
        )

    # -- price books -----------------------------------------------------------------------

    def _books(self, source: PriceSource, lists: Sequence[SourceRecord]) -> dict[str, str]:
        """Upsert the changed lists' books; price list NAME -> Pricebook2 Id."""
        writes = [
            Write(
                fields={
                    "Name": f"{source.book_prefix}{r.get('NAME')}"[:255],
                    "IsActive": r.get("STATUS") != "inactive",
                    "Description": f"Intacct price list {r.get('NAME')}"[:255],
                },
                idempotency_key=f"{source.book_prefix}{r.get('NAME')}",
                external_key=("Intacct_Price_List_ID__c", f"{source.book_prefix}{r.get('NAME')}"),
            )
            for r in lists
        ]
        books: dict[str, str] = {}
        for record, answer in zip(lists, self._sf.write_many("Pricebook2", writes), strict=True):
            if not isinstance(answer, LedgerlinkError):
                books[str(record.get("NAME"))] = answer.key
        return books

    def _book_ids(
        self, source: PriceSource, names: set[str], known: Mapping[str, str]
    ) -> dict[str, str]:
        missing = sorted(names - set(known))
        found = dict(known)
        if missing:
            keys = [f"{source.book_prefix}{name}" for name in missing]
            rows = self._sf.query(
                soql.select(
                    "Pricebook2",
                    ["Id", "Intacct_Price_List_ID__c"],
                    f"Intacct_Price_List_ID__c IN {soql.in_list(keys)}",
                )
            )
            prefix = len(source.book_prefix)
            found.update({str(r["Intacct_Price_List_ID__c"])[prefix:]: str(r["Id"]) for r in rows})
        return found

    # -- entries ---------------------------------------------------------------------------

    def _entries(
        self,
        source: PriceSource,
        entries: Sequence[SourceRecord],
        known_books: Mapping[str, str],
    ) -> tuple[int, list[SourceRecord]]:
        """Write the entries' prices; how many, and the entries still waiting for their
        list or product in Salesforce."""
        priced = [e for e in entries if source.is_price(e.fields) and e.get("ITEMID")]
        if not priced:
            return 0, []
        listed = {str(e.get(source.entry_list_field)) for e in priced}
        books = self._book_ids(source, listed, known_books)
        products = self._products({str(e.get("ITEMID")) for e in priced})
        standard = self._standard_book()
        wanted: dict[tuple[str, str, str], tuple[Decimal, bool]] = {}
        waiting: list[SourceRecord] = []
        for entry in priced:
            book = books.get(str(entry.get(source.entry_list_field)))
            product = products.get(str(entry.get("ITEMID")))
            if book is None or product is None:
                waiting.append(entry)  # the list or the product is not in Salesforce yet
                continue
            currency = str(entry.get("CURRENCY") or "") if self._multi_currency else ""
            price = Decimal(str(entry.get(source.entry_price_field)))
            wanted[_key(book, product, currency)] = (price, entry.get("STATUS") != "inactive")
        if not wanted:
            return 0, waiting
        existing = self._existing(
            {key[1] for key in wanted}, {key[0] for key in wanted} | {standard}
        )
        self._standard_first(wanted, existing, standard, products)
        writes = []
        for (book, product, currency), (price, active) in wanted.items():
            fields: dict[str, Any] = {"UnitPrice": price, "IsActive": active}
            found = existing.get((book, product, currency))
            if found is not None:
                writes.append(Write(fields=fields, idempotency_key="-", key=found))
                continue
            fields.update({"Pricebook2Id": book, "Product2Id": product})
            if currency:
                fields["CurrencyIsoCode"] = currency
            writes.append(Write(fields=fields, idempotency_key=f"{book}|{product}|{currency}"))
        self._sf.write_many("PricebookEntry", writes)
        return len(writes), waiting

    def _standard_book(self) -> str:
        rows = self._sf.query(soql.select("Pricebook2", ["Id"], "IsStandard = true"))
        for row in rows:
            return str(row["Id"])
        raise PermanentError("Salesforce has no standard price book")

    def _products(self, item_ids: set[str]) -> dict[str, str]:
        """ITEMID -> Product2 Id: the product's link, else Intacct_Item_ID__c or ProductCode."""
        found: dict[str, str] = {}
        for item in sorted(item_ids):
            link = self._links.get(
                self._connection.connection_id,
                RecordRef(system="intacct", object="ITEM", record_id=item),
            )
            if link is not None and link.crm is not None:
                found[item] = link.crm.ref.record_id
        rest = sorted(item_ids - set(found))
        if rest:
            rows = self._sf.query(
                soql.select(
                    "Product2",
                    ["Id", "ProductCode", "Intacct_Item_ID__c"],
                    f"Intacct_Item_ID__c IN {soql.in_list(rest)} OR ProductCode IN "
                    f"{soql.in_list(rest)}",
                )
            )
            for row in rows:
                code = str(row.get("Intacct_Item_ID__c") or row.get("ProductCode") or "")
                if code in rest:
                    found.setdefault(code, str(row["Id"]))
        return found

    def _existing(self, products: set[str], books: set[str]) -> dict[tuple[str, str, str], str]:
        fields = ["Id", "Pricebook2Id", "Product2Id"] + (
            ["CurrencyIsoCode"] if self._multi_currency else []
        )
        rows = self._sf.query(
            soql.select(
                "PricebookEntry",
                fields,
                f"Product2Id IN {soql.in_list(sorted(products))} AND Pricebook2Id IN "
                f"{soql.in_list(sorted(books))}",
            )
        )
        return {
            _key(str(r["Pricebook2Id"]), str(r["Product2Id"]), r.get("CurrencyIsoCode")): str(
                r["Id"]
            )
            for r in rows
        }

    def _standard_first(
        self,
        wanted: Mapping[tuple[str, str, str], tuple[Decimal, bool]],
        existing: dict[tuple[str, str, str], str],
        standard: str,
        products: Mapping[str, str],
    ) -> None:
        """Create the standard price book entries Salesforce requires before the others."""
        missing: dict[tuple[str, str, str], Decimal] = {}
        for (book, product, currency), (price, _active) in wanted.items():
            key = _key(standard, product, currency)
            if book != standard and key not in existing and key not in wanted:
                missing.setdefault(key, price)
        if not missing:
            return
        base = self._base_prices({p for _, p, _ in missing}, products)
        writes = []
        keys = list(missing)
        for key in keys:
            _, product, currency = key
            fields: dict[str, Any] = {
                "Pricebook2Id": standard,
                "Product2Id": product,
                "UnitPrice": base.get(product, missing[key]),
                "IsActive": True,
            }
            if currency:
                fields["CurrencyIsoCode"] = currency
            writes.append(Write(fields=fields, idempotency_key=f"{standard}|{product}|{currency}"))
        for key, answer in zip(keys, self._sf.write_many("PricebookEntry", writes), strict=True):
            if not isinstance(answer, LedgerlinkError):
                existing[key] = answer.key

    def _base_prices(self, products: set[str], by_item: Mapping[str, str]) -> dict[str, Decimal]:
        items = {product: item for item, product in by_item.items() if product in products}
        rows = self._intacct.fetch_many("ITEM", sorted(items.values()), ["BASEPRICE"])
        prices = {r.key: r.get("BASEPRICE") for r in rows}
        return {
            product: Decimal(str(prices[item]))
            for product, item in items.items()
            if prices.get(item) not in (None, "")
        }
