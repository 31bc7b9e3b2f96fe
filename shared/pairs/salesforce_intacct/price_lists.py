"""Intacct price lists -> Salesforce price books, from Intacct (the default direction of
Advanced CRM Integration's price list sync).

An Order Entry price list (SOPRICELIST, sales) becomes a Pricebook2 upserted on
``Intacct_Price_List_ID__c`` (its NAME); each of its active ``Actual`` entries
(SOPRICELISTENTRY: a price for an item, in a currency) becomes the PricebookEntry of the
item's product in that book. Markup and discount entries are formulas over a base price that
Salesforce cannot hold, so they are not copied. Prices stay Decimal; in a multi-currency org
(``price_lists.multi_currency``) each entry keeps its ``CurrencyIsoCode``.

Salesforce requires a product's standard price book entry (in the same currency) before any
other: when it is missing it is created first, at the item's base price (BASEPRICE) or,
without one, at the entry's price. The item's product is the one linked to it, else the
product whose ``Intacct_Item_ID__c`` or ProductCode is its ITEMID; entries of items with no
product are left for a later run (the product sync brings them).

Incremental from WHENMODIFIED like the mirrors: an entry changed twice between runs is written
once, with its latest price. Salesforce reads are one query per kind, writes are batches.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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
from shared.pairs.salesforce_intacct.connection import SalesforceIntacctConnection

MIRROR_SYSTEM = "intacct-mirror"
LIST_FIELDS = ("NAME", "SALEPURCHASE", "STATUS")
ENTRY_FIELDS = ("PRICELISTID", "ITEMID", "VALUE", "VALUETYPE", "STATUS", "CURRENCY")


def _key(book: str, product: str, currency: str | None) -> tuple[str, str, str]:
    return (book, product, currency or "")


def sync_price_lists(ctx: PairContext) -> dict[str, int] | None:
    connection = ctx.connection
    assert isinstance(connection, SalesforceIntacctConnection)
    if not connection.price_lists.enabled:
        return None
    return PriceListSync(ctx).run()


class PriceListSync:
    def __init__(self, ctx: PairContext) -> None:
        assert isinstance(ctx.connection, SalesforceIntacctConnection)
        assert isinstance(ctx.crm, SalesforceConnector)
        assert isinstance(ctx.erp, IntacctConnector)
        self._connection = ctx.connection
        self._multi_currency = ctx.connection.price_lists.multi_currency
        self._sf = ctx.crm
        self._intacct = ctx.erp
        self._links = ctx.links
        self._cursors = ctx.cursors
        self._metrics = ctx.metrics

    def run(self) -> dict[str, int]:
        lists = self._changed("SOPRICELIST", LIST_FIELDS)
        books = self._books([r for r in lists if r.get("SALEPURCHASE") != "Purchase"])
        entries = self._changed("SOPRICELISTENTRY", ENTRY_FIELDS)
        written = self._entries(entries, books)
        count(self._metrics, BusinessMetric.MIRROR_WRITTEN, len(lists) + written)
        return {"price_books": len(lists), "price_book_entries": written}

    def _changed(self, obj: str, fields: Sequence[str]) -> list[SourceRecord]:
        conn_id = self._connection.connection_id
        cursor = self._cursors.get(conn_id, MIRROR_SYSTEM, obj)
        overlap = timedelta(seconds=self._connection.poll_overlap_s)
        since = cursor.since - overlap if cursor.since else None
        records = list(
            self._intacct.changed_since(obj, since, fields, self._connection.poll_page_size)
        )
        stamps = [r.modified_at for r in records if r.modified_at is not None]
        if stamps and (cursor.since is None or max(stamps) > cursor.since):
            self._cursors.put(
                conn_id, MIRROR_SYSTEM, obj, cursor.model_copy(update={"since": max(stamps)})
            )
        return records

    # -- price books -----------------------------------------------------------------------

    def _books(self, lists: Sequence[SourceRecord]) -> dict[str, str]:
        """Upsert the changed lists' books; price list NAME -> Pricebook2 Id."""
        writes = [
            Write(
                fields={
                    "Name": str(r.get("NAME"))[:255],
                    "IsActive": r.get("STATUS") != "inactive",
                    "Description": f"Intacct price list {r.get('NAME')}"[:255],
                },
                idempotency_key=str(r.get("NAME")),
                external_key=("Intacct_Price_List_ID__c", str(r.get("NAME"))),
            )
            for r in lists
        ]
        books: dict[str, str] = {}
        for record, answer in zip(lists, self._sf.write_many("Pricebook2", writes), strict=True):
            if not isinstance(answer, LedgerlinkError):
                books[str(record.get("NAME"))] = answer.key
        return books

    def _book_ids(self, names: set[str], known: Mapping[str, str]) -> dict[str, str]:
        missing = sorted(names - set(known))
        found = dict(known)
        if missing:
            rows = self._sf.query(
                soql.select(
                    "Pricebook2",
                    ["Id", "Intacct_Price_List_ID__c"],
                    f"Intacct_Price_List_ID__c IN {soql.in_list(missing)}",
                )
            )
            found.update({str(r["Intacct_Price_List_ID__c"]): str(r["Id"]) for r in rows})
        return found

    # -- entries ---------------------------------------------------------------------------

    def _entries(self, entries: Sequence[SourceRecord], known_books: Mapping[str, str]) -> int:
        priced = [e for e in entries if e.get("VALUETYPE") in (None, "Actual") and e.get("ITEMID")]
        if not priced:
            return 0
        books = self._book_ids({str(e.get("PRICELISTID")) for e in priced}, known_books)
        products = self._products({str(e.get("ITEMID")) for e in priced})
        standard = self._standard_book()
        wanted: dict[tuple[str, str, str], tuple[Decimal, bool]] = {}
        for entry in priced:
            book = books.get(str(entry.get("PRICELISTID")))
            product = products.get(str(entry.get("ITEMID")))
            if book is None or product is None:
                continue  # the list or the product is not in Salesforce yet
            currency = str(entry.get("CURRENCY") or "") if self._multi_currency else ""
            price = Decimal(str(entry.get("VALUE")))
            wanted[_key(book, product, currency)] = (price, entry.get("STATUS") != "inactive")
        if not wanted:
            return 0
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
        return len(writes)

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
