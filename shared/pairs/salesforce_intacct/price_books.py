"""Salesforce price books -> Intacct order-entry price lists, when the connection turns the
price list sync around (``price_lists.direction: from_crm``).

Each changed PricebookEntry of a custom price book (the standard book has no Intacct
counterpart) becomes the ``Actual`` SOPRICELISTENTRY of its product's item in the
SOPRICELIST named like the book (its ``Intacct_Price_List_ID__c`` when set, else its Name;
created as a sales list when missing). The item is the product's link, its
``Intacct_Item_ID__c``, else its ProductCode. An entry that already exists for that list,
item (and currency) is updated; Intacct refusing one (an item it does not have) keeps the
cursor, so the next run tries again.

Incremental from SystemModstamp with the pollers' overlap: one query of the changed
entries, one of the lists and one of the existing Intacct entries per run; writes in
batches. Nothing flows back: in this direction Salesforce is the source of prices.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from decimal import Decimal
from typing import Any

from shared.connectors.base import Write
from shared.connectors.intacct.connector import Filter, IntacctConnector
from shared.connectors.salesforce.connector import SalesforceConnector
from shared.errors import LedgerlinkError
from shared.models.events import RecordRef
from shared.models.records import SourceRecord
from shared.observability import BusinessMetric, count
from shared.pairs.plugin import PairContext
from shared.pairs.salesforce_intacct import windows
from shared.pairs.salesforce_intacct.connection import SalesforceIntacctConnection

CURSOR_SYSTEM = "salesforce-pricebooks"
ENTRY_FIELDS = (
    "Id",
    "Pricebook2Id",
    "Pricebook2.Name",
    "Pricebook2.IsStandard",
    "Pricebook2.Intacct_Price_List_ID__c",
    "Product2Id",
    "Product2.ProductCode",
    "Product2.Intacct_Item_ID__c",
    "UnitPrice",
    "IsActive",
)


def _digest(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


class PriceBookExport:
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

    def run(self) -> dict[str, int]:
        conn_id = self._connection.connection_id
        overlap = timedelta(seconds=self._connection.poll_overlap_s)
        fields = ENTRY_FIELDS + (("CurrencyIsoCode",) if self._multi_currency else ())
        page = self._connection.poll_page_size
        window = windows.read(
            self._cursors,
            conn_id,
            CURSOR_SYSTEM,
            "PricebookEntry",
            overlap,
            lambda since: self._sf.changed_since("PricebookEntry", since, fields, page),
        )
        custom = [r for r in window.fresh if not r.get("Pricebook2.IsStandard")]
        written, refused = self._export(custom) if custom else (0, False)
        windows.commit(
            self._cursors, conn_id, window, overlap, not_written=custom if refused else ()
        )
        count(self._metrics, BusinessMetric.RECORD_SYNCED, written)
        return {"price_list_entries": written}

    def _list_name(self, entry: SourceRecord) -> str:
        named = entry.get("Pricebook2.Intacct_Price_List_ID__c") or entry.get("Pricebook2.Name")
        return str(named)

    def _item(self, entry: SourceRecord) -> str | None:
        ref = RecordRef(
            system="salesforce", object="Product2", record_id=str(entry.get("Product2Id"))
        )
        link = self._links.get(self._connection.connection_id, ref)
        if link is not None and link.erp is not None:
            return link.erp.ref.record_id
        code = entry.get("Product2.Intacct_Item_ID__c") or entry.get("Product2.ProductCode")
        return str(code) if code else None

    def _export(self, entries: list[SourceRecord]) -> tuple[int, bool]:
        names = sorted({self._list_name(e) for e in entries})
        refused = self._ensure_lists(names)
        wanted: dict[tuple[str, str, str], SourceRecord] = {}
        for entry in entries:
            item = self._item(entry)
            if item is None:
                continue  # a product with no item: nothing to price in Intacct
            currency = str(entry.get("CurrencyIsoCode") or "") if self._multi_currency else ""
            wanted[(self._list_name(entry), item, currency)] = entry  # the latest wins
        if not wanted:
            return 0, refused
        existing: dict[tuple[str, str, str], str] = {}
        rows = self._intacct.query(
            "SOPRICELISTENTRY",
            ["PRICELISTID", "ITEMID", "CURRENCY", "VALUETYPE"],
            [
                Filter("in", "PRICELISTID", tuple(names)),
                Filter("in", "ITEMID", tuple(sorted({k[1] for k in wanted}))),
            ],
            page_size=1000,
        )
        for row in rows:
            if row.get("VALUETYPE") in (None, "Actual"):
                currency = str(row.get("CURRENCY") or "") if self._multi_currency else ""
                existing[(str(row["PRICELISTID"]), str(row["ITEMID"]), currency)] = str(
                    row["RECORDNO"]
                )
        writes = []
        for (name, item, currency), entry in wanted.items():
            fields: dict[str, Any] = {
                "VALUE": Decimal(str(entry.get("UnitPrice"))),
                "STATUS": "active" if entry.get("IsActive") else "inactive",
            }
            found = existing.get((name, item, currency))
            if found is not None:
                key = _digest(self._connection.connection_id, found, str(entry.modified_at))
                writes.append(Write(fields=fields, idempotency_key=key, key=found))
                continue
            fields.update({"PRICELISTID": name, "ITEMID": item, "VALUETYPE": "Actual"})
            if currency:
                fields["CURRENCY"] = currency
            key = _digest(self._connection.connection_id, entry.key, "create")
            writes.append(Write(fields=fields, idempotency_key=key))
        answers = self._intacct.write_many("SOPRICELISTENTRY", writes)
        refused = refused or any(isinstance(a, LedgerlinkError) for a in answers)
        return sum(1 for a in answers if not isinstance(a, LedgerlinkError)), refused

    def _ensure_lists(self, names: list[str]) -> bool:
        """Create the sales price lists Intacct lacks; whether Intacct refused one."""
        have = {
            str(r["NAME"])
            for r in self._intacct.query(
                "SOPRICELIST", ["NAME"], [Filter("in", "NAME", tuple(names))]
            )
        }
        writes = [
            Write(
                fields={"NAME": name, "SALEPURCHASE": "Sales"},
                idempotency_key=_digest(self._connection.connection_id, "SOPRICELIST", name),
            )
            for name in names
            if name not in have
        ]
        if not writes:
            return False
        answers = self._intacct.write_many("SOPRICELIST", writes)
        return any(isinstance(a, LedgerlinkError) for a in answers)
