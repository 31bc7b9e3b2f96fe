"""What finance knows, flowing back read-only: Intacct's sales documents with their lines,
AR invoices and AR payments become Salesforce custom objects, and each account gets an AR
summary, so a rep sees the customer unpaid for 120 days before selling more.

==============================  ================================================
Intacct                          Salesforce (upserted on their external-id field)
==============================  ================================================
SODOCUMENT Sales Quote           Intacct_Sales_Quote__c (Intacct_Document_ID__c)
SODOCUMENT Sales Order           Intacct_Sales_Order__c
SODOCUMENT Sales Invoice         Intacct_Sales_Invoice__c
SODOCUMENT any other definition  Intacct_Other_Sales_Document__c
SODOCUMENTENTRY                  Intacct_Sales_Document_Line__c (Intacct_Line_Key__c)
SORECURDOCUMENT                  on its source document's mirror: Recurring_Schedule__c,
                                 Next_Invoice_Date__c, Invoices_Generated__c
ARINVOICE                        Intacct_AR_Invoice__c (Intacct_Invoice_Key__c)
ARPYMT (+ ARPYMTDETAIL)          Intacct_AR_Payment__c (Intacct_Payment_Key__c)
the customer's open ARINVOICEs   Account.Intacct_AR_Balance__c, Intacct_AR_Overdue__c,
                                 Intacct_Oldest_Unpaid_Days__c, Intacct_AR_As_Of__c
==============================  ================================================

"Contract Invoice" documents stay in the contract invoice mirror (:mod:`mirrors`). Only
records of customers linked to a Salesforce account are mirrored, whoever made them (a
document ledgerlink created, one finance created or converted); a document whose reference
names an opportunity (:func:`transaction_fields.opportunity_of`) is linked to it.

Incremental from Intacct's WHENMODIFIED (overlapping, as the poller): one query per object
per run, so a document changed twice between runs is read, and written, once with its
latest state; when Salesforce refuses a record the cursor stays, so the next run tries the
window again (upserts: what was written is written again, never twice). Writes go in
batches (``write_many``). Edits to the mirrors never reach Intacct, but for the
non-required fields the connection's mapping makes Salesforce's
(:mod:`sales_mirror_fields`, :mod:`sales_mirror_edits`): those the mirror leaves alone and
sends their edits to Intacct.

Ages and overdue amounts change with the calendar, not with an Intacct stamp: once a day
(the first run of each day) every linked customer with something open is recomputed,
besides the customers whose invoices or payments changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from shared.connectors.base import Write
from shared.connectors.intacct.connector import Filter, IntacctConnector
from shared.connectors.salesforce.connector import SalesforceConnector, format_timestamp
from shared.errors import LedgerlinkError
from shared.mapping.transforms import date_to_iso
from shared.models.events import RecordRef
from shared.models.records import SourceRecord
from shared.observability import BusinessMetric, count
from shared.pairs.catalog import mirror_mapping
from shared.pairs.plugin import PairContext
from shared.pairs.salesforce_intacct import transaction_fields as tf
from shared.pairs.salesforce_intacct import windows
from shared.pairs.salesforce_intacct.mirrors import mirror_to_crm
from shared.pairs.salesforce_intacct.price_lists import sync_price_lists
from shared.pairs.salesforce_intacct.sales_mirror_edits import MirrorEdits
from shared.pairs.salesforce_intacct.sales_mirror_fields import MIRROR, crm_owned
from shared.runtime import get_runtime
from shared.state.cursors import PollCursor

MIRROR_SYSTEM = "intacct-sales-mirror"  # its own cursors (the contract mirror has its own)
AR_SUMMARY = "AR-SUMMARY"  # cursor: the day of the last full recompute
CONTRACT_INVOICE = "Contract Invoice"
DOCUMENT_OBJECTS = {
    "Sales Quote": "Intacct_Sales_Quote__c",
    "Sales Order": "Intacct_Sales_Order__c",
    "Sales Invoice": "Intacct_Sales_Invoice__c",
}
OTHER_DOCUMENTS = "Intacct_Other_Sales_Document__c"
LINE_PARENT = {
    "Intacct_Sales_Quote__c": "Sales_Quote__c",
    "Intacct_Sales_Order__c": "Sales_Order__c",
    "Intacct_Sales_Invoice__c": "Sales_Invoice__c",
    OTHER_DOCUMENTS: "Other_Sales_Document__c",
}
DOCUMENT_FIELDS = (
    "RECORDNO",
    "DOCID",
    "DOCNO",
    "DOCPARID",
    "STATE",
    "WHENCREATED",
    "WHENDUE",
    "CUSTVENDID",
    "CURRENCY",
    "TOTAL",
    "PONUMBER",
    "CREATEDFROM",
    "MESSAGE",
)
LINE_FIELDS = (
    "RECORDNO",
    "DOCHDRNO",
    "LINE_NO",
    "ITEMID",
    "ITEMDESC",
    "QUANTITY",
    "PRICE",
    "TOTAL",
)
INVOICE_FIELDS = (
    "RECORDNO",
    "DOCNUMBER",
    "RECORDID",
    "CUSTOMERID",
    "STATE",
    "WHENCREATED",
    "WHENDUE",
    "TOTALENTERED",
    "TOTALPAID",
    "TOTALDUE",
)
RECURRING_FIELDS = (
    "RECORDNO",
    "DOCID",
    "DOCPARID",
    "CUSTVENDID",
    "SOURCEDOCUMENT",
    "STATUS",
    "DOCSTATUS",
    "REPEATBY",
    "REPEATINTERVAL",
    "REPEATCOUNT",
    "EXECCOUNT",
    "STARTDATE",
    "NEXTEXECDATE",
)
RECURRING_SHOWN = ("Recurring_Schedule__c", "Next_Invoice_Date__c", "Invoices_Generated__c")
PAYMENT_FIELDS = ("RECORDNO", "CUSTOMERID", "STATE", "WHENPAID", "PAYMENTMETHOD", "TOTALENTERED")
ZERO = Decimal(0)


def _money(value: Any) -> Decimal:
    return Decimal(str(value)) if value not in (None, "") else ZERO


def _day(value: Any) -> date | None:
    iso = date_to_iso(value)  # Intacct answers mm/dd/yyyy
    return date.fromisoformat(iso) if iso else None


@dataclass(frozen=True)
class InvoiceStanding:
    """An AR invoice on a given day: what is due and how it stands."""

    due: Decimal
    paid: Decimal
    due_on: date | None
    invoiced_on: date | None

    def status(self, today: date) -> str:
        if self.due <= 0:
            return "Paid"
        if self.due_on is not None and self.due_on < today:
            return "Overdue"
        return "Partially paid" if self.paid > 0 else "Open"

    def days_overdue(self, today: date) -> int:
        if self.due <= 0 or self.due_on is None:
            return 0
        return max((today - self.due_on).days, 0)

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> InvoiceStanding:
        return cls(
            due=_money(row.get("TOTALDUE")),
            paid=_money(row.get("TOTALPAID")),
            due_on=_day(row.get("WHENDUE")),
            invoiced_on=_day(row.get("WHENCREATED")),
        )


def ar_summary(invoices: Iterable[Mapping[str, Any]], today: date) -> dict[str, Any]:
    """The account's AR fields from its customer's invoices."""
    open_ones = [s for s in map(InvoiceStanding.of, invoices) if s.due > 0]
    overdue = sum((s.due for s in open_ones if s.status(today) == "Overdue"), ZERO)
    dates = [s.invoiced_on for s in open_ones if s.invoiced_on is not None]
    return {
        "Intacct_AR_Balance__c": sum((s.due for s in open_ones), ZERO),
        "Intacct_AR_Overdue__c": overdue,
        "Intacct_Oldest_Unpaid_Days__c": (today - min(dates)).days if dates else 0,
        "Intacct_AR_As_Of__c": today.isoformat(),
    }


AR_FIELDS = (
    "Intacct_AR_Balance__c",
    "Intacct_AR_Overdue__c",
    "Intacct_Oldest_Unpaid_Days__c",
    "Intacct_AR_As_Of__c",
)


def _same(summary: Mapping[str, Any], shown: Mapping[str, Any]) -> bool:
    def norm(value: Any) -> str:
        if value in (None, ""):
            return ""
        if isinstance(value, (int, float, Decimal)):
            return str(Decimal(str(value)).normalize())
        return str(value)

    return all(norm(summary[name]) == norm(shown.get(name)) for name in AR_FIELDS)


def recurring_row(fields: Mapping[str, Any]) -> dict[str, Any]:
    """What a document's mirror shows of the recurring schedule made from it."""
    mode = str(fields.get("REPEATBY") or "None")
    every = int(fields.get("REPEATINTERVAL") or 1)
    count = fields.get("REPEATCOUNT")
    if mode == "None":
        schedule = "Once"
    else:
        unit = mode.lower() if every != 1 else mode.lower().rstrip("s")
        schedule = f"Every {every} {unit}" if every != 1 else f"Every {unit}"
    start = date_to_iso(fields.get("STARTDATE"))
    schedule += f" from {start}" if start else ""
    schedule += f", {count} times" if count not in (None, "") and mode != "None" else ""
    status = str(fields.get("DOCSTATUS") or "Active")
    if str(fields.get("STATUS") or "active") != "active":
        status = "Inactive"
    return {
        "Recurring_Schedule__c": f"{schedule} ({status})"[:255],
        "Next_Invoice_Date__c": date_to_iso(fields.get("NEXTEXECDATE")),
        "Invoices_Generated__c": int(fields.get("EXECCOUNT") or 0),
    }


def mirror_sales_to_crm(ctx: PairContext, today: date) -> dict[str, int]:
    return SalesMirror(ctx, today).run()


def mirror_finance_to_crm(ctx: PairContext) -> dict[str, int]:
    """The pair's ``mirror_to_crm`` job: the contract mirrors, price lists, then the sales
    documents, receivables and AR summaries (today by the runtime's clock)."""
    contracts = mirror_to_crm(ctx) or {}
    prices = sync_price_lists(ctx) or {}
    return {**contracts, **prices, **mirror_sales_to_crm(ctx, get_runtime().clock().date())}


class SalesMirror:
    def __init__(self, ctx: PairContext, today: date) -> None:
        assert isinstance(ctx.crm, SalesforceConnector)
        assert isinstance(ctx.erp, IntacctConnector)
        self._connection = ctx.connection
        self._sf = ctx.crm
        self._intacct = ctx.erp
        self._links = ctx.links
        self._cursors = ctx.cursors
        self._metrics = ctx.metrics
        self._today = today
        self._accounts: dict[str, str | None] = {}
        self._touched: set[str] = set()  # customers whose AR changed this run
        self._refused = False  # Salesforce refused a record of the current object
        # the connection's choice of source for the non-required mirror fields
        self._mapping = mirror_mapping(ctx.connection, MIRROR)
        self._crm_owned = crm_owned(self._mapping)

    def run(self) -> dict[str, int]:
        edits = MirrorEdits(self._connection, self._sf, self._intacct, self._cursors, self._mapping)
        report = {
            "edits_to_intacct": edits.run((*DOCUMENT_OBJECTS.values(), OTHER_DOCUMENTS)),
            "documents": self._changed("SODOCUMENT", DOCUMENT_FIELDS, self._documents),
            "schedules": self._changed("SORECURDOCUMENT", RECURRING_FIELDS, self._schedules),
            "invoices": self._changed("ARINVOICE", INVOICE_FIELDS, self._invoices),
            "payments": self._changed("ARPYMT", PAYMENT_FIELDS, self._payments),
        }
        report["accounts"] = self._summaries()
        count(self._metrics, BusinessMetric.MIRROR_WRITTEN, sum(report.values()))
        return report

    # -- reading what changed --------------------------------------------------------------

    def _changed(self, obj: str, fields: Sequence[str], write: Any) -> int:
        conn_id = self._connection.connection_id
        overlap = timedelta(seconds=self._connection.poll_overlap_s)
        where = (
            (Filter("notequalto", "DOCPARID", (CONTRACT_INVOICE,)),) if obj == "SODOCUMENT" else ()
        )
        page = self._connection.poll_page_size
        window = windows.read(
            self._cursors,
            conn_id,
            MIRROR_SYSTEM,
            obj,
            overlap,
            lambda since: self._intacct.changed_since(obj, since, fields, page, where=where),
        )
        ours = [r for r in window.fresh if self._account(self._customer_of(obj, r)) is not None]
        self._refused = False
        written = int(write(ours)) if ours else 0
        # Salesforce refused a record: the window is read, and written, again next run
        windows.commit(
            self._cursors, conn_id, window, overlap, not_written=ours if self._refused else ()
        )
        return written

    @staticmethod
    def _customer_of(obj: str, record: SourceRecord) -> str:
        by_document = obj in ("SODOCUMENT", "SORECURDOCUMENT")
        return str(record.get("CUSTVENDID" if by_document else "CUSTOMERID") or "")

    def _account(self, customer_id: str) -> str | None:
        """The Salesforce account linked to an Intacct customer (None: not ours)."""
        if not customer_id:
            return None
        if customer_id not in self._accounts:
            ref = RecordRef(system="intacct", object="CUSTOMER", record_id=customer_id)
            link = self._links.get(self._connection.connection_id, ref)
            found = link.crm.ref.record_id if link is not None and link.crm is not None else None
            self._accounts[customer_id] = found
        return self._accounts[customer_id]

    def _upsert(
        self, sobject: str, external_field: str, rows: Sequence[tuple[str, dict[str, Any]]]
    ) -> list[str | None]:
        """Upsert ``rows`` (external key, fields) in one batch; the Salesforce ids (None
        where Salesforce refused one: that record is tried again on a later run)."""
        writes = [
            Write(fields=body, idempotency_key=key, external_key=(external_field, key))
            for key, body in rows
        ]
        answers = self._sf.write_many(sobject, writes)
        ids: list[str | None] = []
        for answer in answers:
            if isinstance(answer, LedgerlinkError):
                self._refused = True
                ids.append(None)
            else:
                ids.append(answer.key)
        return ids

    # -- sales documents and their lines ---------------------------------------------------

    def _documents(self, records: Sequence[SourceRecord]) -> int:
        now = format_timestamp(datetime.now(UTC))
        by_object: dict[str, list[SourceRecord]] = {}
        for record in records:
            sobject = DOCUMENT_OBJECTS.get(str(record.get("DOCPARID")), OTHER_DOCUMENTS)
            by_object.setdefault(sobject, []).append(record)
        parents: dict[str, tuple[str, str]] = {}  # DOCHDRNO -> (sobject, Salesforce id)
        for sobject, group in by_object.items():
            rows = [(str(r.get("DOCID")), self._document_row(r, now)) for r in group]
            for record, sf_id in zip(
                group, self._upsert(sobject, "Intacct_Document_ID__c", rows), strict=True
            ):
                if sf_id is not None:
                    parents[str(record.get("RECORDNO"))] = (sobject, sf_id)
        if parents:
            self._lines(parents)
        return len(records)

    def _document_row(self, record: SourceRecord, now: str) -> dict[str, Any]:
        f = record.fields
        row = {
            "Name": str(f.get("DOCID"))[:80],
            "Account__c": self._account(str(f.get("CUSTVENDID") or "")),
            "Opportunity__c": tf.opportunity_of(f.get("PONUMBER")),
            "Document_Type__c": f.get("DOCPARID"),
            "Document_Number__c": f.get("DOCNO"),
            "Document_Date__c": date_to_iso(f.get("WHENCREATED")),
            "Due_Date__c": date_to_iso(f.get("WHENDUE")),
            "State__c": f.get("STATE"),
            "Currency__c": f.get("CURRENCY"),
            "Total__c": _money(f.get("TOTAL")),
            "Reference_Number__c": f.get("PONUMBER"),
            "Created_From__c": f.get("CREATEDFROM"),
            "Message__c": (str(f.get("MESSAGE") or "")[:4000] or None),
            "Last_Synced__c": now,
        }
        for name in self._crm_owned:  # Salesforce is their source: left as people set them
            row.pop(name, None)
        return row

    def _lines(self, parents: Mapping[str, tuple[str, str]]) -> None:
        rows = self._intacct.query(
            "SODOCUMENTENTRY",
            LINE_FIELDS,
            [Filter("in", "DOCHDRNO", tuple(sorted(parents)))],
            page_size=1000,
        )
        writes = []
        for row in rows:
            sobject, parent_id = parents[str(row["DOCHDRNO"])]
            writes.append(
                (
                    str(row["RECORDNO"]),
                    {
                        "Name": f"{row.get('ITEMID')} line {int(row.get('LINE_NO') or 0) + 1}"[:80],
                        LINE_PARENT[sobject]: parent_id,
                        "Line_Number__c": int(row.get("LINE_NO") or 0) + 1,
                        "Item_ID__c": row.get("ITEMID"),
                        "Description__c": (row.get("ITEMDESC") or "")[:255] or None,
                        "Quantity__c": _money(row.get("QUANTITY")),
                        "Price__c": _money(row.get("PRICE")),
                        "Amount__c": _money(row.get("TOTAL")),
                    },
                )
            )
        if writes:
            self._upsert("Intacct_Sales_Document_Line__c", "Intacct_Line_Key__c", writes)

    # -- recurring schedules -----------------------------------------------------------------

    def _schedules(self, records: Sequence[SourceRecord]) -> int:
        """A document finance converted to a recurring schedule shows it on its mirror: how
        it repeats, the next invoice's date and how many it generated (the generated
        documents arrive as any other, linked to the opportunity by the reference they
        carry). One batch of updates of the source documents' mirrors, upserted by their
        Intacct ids."""
        by_object: dict[str, list[tuple[str, dict[str, Any]]]] = {}
        for record in records:
            source = str(record.get("SOURCEDOCUMENT") or "")
            if not source:
                continue  # a schedule made from nothing in Salesforce's mirrors
            docparid = source.rpartition("-")[0]
            sobject = DOCUMENT_OBJECTS.get(docparid, OTHER_DOCUMENTS)
            by_object.setdefault(sobject, []).append((source, recurring_row(record.fields)))
        for sobject, rows in by_object.items():
            self._upsert(sobject, "Intacct_Document_ID__c", rows)
        return sum(len(rows) for rows in by_object.values())

    # -- receivables -----------------------------------------------------------------------

    def _invoices(self, records: Sequence[SourceRecord]) -> int:
        rows = [(str(r.get("RECORDNO")), self._invoice_row(r.fields)) for r in records]
        self._upsert("Intacct_AR_Invoice__c", "Intacct_Invoice_Key__c", rows)
        self._touched.update(str(r.get("CUSTOMERID")) for r in records)
        count(self._metrics, BusinessMetric.INVOICE_PUSHED, len(rows))
        return len(rows)

    def _invoice_row(self, f: Mapping[str, Any]) -> dict[str, Any]:
        standing = InvoiceStanding.of(f)
        return {
            "Name": str(f.get("DOCNUMBER") or f.get("RECORDID") or f.get("RECORDNO"))[:80],
            "Account__c": self._account(str(f.get("CUSTOMERID") or "")),
            "Invoice_Number__c": f.get("DOCNUMBER") or f.get("RECORDID"),
            "Invoice_Date__c": date_to_iso(f.get("WHENCREATED")),
            "Due_Date__c": date_to_iso(f.get("WHENDUE")),
            "Total_Amount__c": _money(f.get("TOTALENTERED")),
            "Amount_Paid__c": standing.paid,
            "Amount_Due__c": standing.due,
            "Status__c": standing.status(self._today),
            "Days_Overdue__c": standing.days_overdue(self._today),
            "Last_Synced__c": format_timestamp(datetime.now(UTC)),
        }

    def _payments(self, records: Sequence[SourceRecord]) -> int:
        keys = tuple(str(r.get("RECORDNO")) for r in records)
        applied: dict[str, list[str]] = {}
        details = list(
            self._intacct.query(
                "ARPYMTDETAIL", ["PAYMENTKEY", "RECORDKEY"], [Filter("in", "PAYMENTKEY", keys)]
            )
        )
        invoice_keys = sorted({str(d["RECORDKEY"]) for d in details if d.get("RECORDKEY")})
        numbers = {
            inv.key: str(inv.get("DOCNUMBER") or inv.key)
            for inv in self._intacct.fetch_many("ARINVOICE", invoice_keys, ["DOCNUMBER"])
        }
        for d in details:
            key = str(d.get("RECORDKEY"))
            applied.setdefault(str(d["PAYMENTKEY"]), []).append(numbers.get(key, key))
        rows = []
        for r in records:
            f = r.fields
            key = str(f.get("RECORDNO"))
            rows.append(
                (
                    key,
                    {
                        "Name": f"Payment {key}",
                        "Account__c": self._account(str(f.get("CUSTOMERID") or "")),
                        "Payment_Date__c": date_to_iso(f.get("WHENPAID")),
                        "Amount__c": _money(f.get("TOTALENTERED")),
                        "Payment_Method__c": f.get("PAYMENTMETHOD"),
                        "State__c": f.get("STATE"),
                        "Applied_To__c": ", ".join(sorted(applied.get(key, [])))[:255] or None,
                    },
                )
            )
        self._upsert("Intacct_AR_Payment__c", "Intacct_Payment_Key__c", rows)
        self._touched.update(str(r.get("CUSTOMERID")) for r in records)
        return len(rows)

    # -- the accounts' AR summary ----------------------------------------------------------

    def _summaries(self) -> int:
        """Customers whose AR changed, and once a day every customer with anything open:
        one query for their open invoices, one batch of account updates."""
        conn_id = self._connection.connection_id
        cursor = self._cursors.get(conn_id, MIRROR_SYSTEM, AR_SUMMARY)
        daily = cursor.since is None or cursor.since.date() < self._today
        customers = set(self._touched)
        open_rows: list[dict[str, Any]] = []
        if daily:
            open_rows = list(
                self._intacct.query(
                    "ARINVOICE",
                    INVOICE_FIELDS,
                    [Filter("greaterthan", "TOTALDUE", ("0",))],
                    page_size=1000,
                )
            )
            customers.update(str(r.get("CUSTOMERID")) for r in open_rows)
        customers = {c for c in customers if self._account(c) is not None}
        if daily:  # overdue status and days move with the calendar: rewrite open invoices
            ours = [r for r in open_rows if str(r.get("CUSTOMERID")) in customers]
            rows = [(str(r.get("RECORDNO")), self._invoice_row(r)) for r in ours]
            if rows:
                self._upsert("Intacct_AR_Invoice__c", "Intacct_Invoice_Key__c", rows)
        if customers and not daily:
            open_rows = list(
                self._intacct.query(
                    "ARINVOICE",
                    INVOICE_FIELDS,
                    [
                        Filter("in", "CUSTOMERID", tuple(sorted(customers))),
                        Filter("greaterthan", "TOTALDUE", ("0",)),
                    ],
                    page_size=1000,
                )
            )
        by_customer: dict[str, list[dict[str, Any]]] = {c: [] for c in customers}
        for row in open_rows:
            by_customer.setdefault(str(row.get("CUSTOMERID")), []).append(row)
        accounts = {c: str(self._account(c)) for c in customers}
        shown = {
            a.key: a.fields
            for a in self._sf.fetch_many("Account", sorted(set(accounts.values())), AR_FIELDS)
        }
        writes = []
        for customer in sorted(customers):
            account = accounts[customer]
            summary = ar_summary(by_customer.get(customer, []), self._today)
            if account in shown and _same(summary, shown[account]):
                continue  # already shows this (a run in the poll overlap, a quiet day)
            writes.append(Write(fields=summary, idempotency_key="-", key=account))
        if writes:
            self._sf.write_many("Account", writes)
        if daily:
            stamp = datetime(self._today.year, self._today.month, self._today.day, tzinfo=UTC)
            self._cursors.put(conn_id, MIRROR_SYSTEM, AR_SUMMARY, PollCursor(since=stamp))
        return len(writes)
