"""Books' invoices, estimates, sales orders and purchase orders mirrored into the CRM's
finance modules, with a receivables / payables summary per account (and vendor) and the
invoiced and received totals on each deal (:mod:`finance_modules`; README "Zoho finance in
the CRM").

==========================  =====================================  ========================
Books (list rows)           CRM module (upserted on Zoho_Books_ID)  attached to
==========================  =====================================  ========================
invoices                    Books_Invoices                          Account, Deal, Contact
estimates                   Books_Estimates                         Account, Deal, Contact
salesorders                 Books_Sales_Orders                      Account, Deal, Contact
purchaseorders              Books_Purchase_Orders                   Vendor
a customer's invoices       Books_Summaries (Receivables,           Account
                            Payments_Received)
a vendor's purchase orders  Books_Summaries (Payables)              Vendor
a deal's invoices           Deals.Books_Invoiced,
                            Deals.Books_Payments_Received
==========================  =====================================  ========================

Each run reads, per module switched on, the Books list filtered by ``last_modified_time`` at
or after its cursor (one request per 200 documents; a payment changes its invoices' balance
and stamp, so payments arrive as their invoices), upserts the documents into their CRM module
100 a request, then recomputes the summaries of the customers and vendors touched (one COQL
read per 50 of them, one upsert per 100) and the totals of their deals. The cursors move only
once all of that is written: a run that fails half-way, or a CRM refusal, leaves them where
they were, so the window is read and upserted again next run (upserts: never twice).

Amounts: ``Total`` / ``Balance`` / ``Payments_Received`` in the document's currency;
``Home_*`` in the home currency at the document's own Books rate (``Books_Exchange_Rate``, 1
foreign = N home), 9 decimals half-up (:mod:`currencies`); ``Exchange_Rate`` is that rate the
CRM's way (1 home = N foreign). A document's party is the CRM account (vendor) whose
``Zoho_Books_ID`` is its customer (vendor) id; its deal is the CRM deal its
``reference_number`` names (:func:`deal_reference`), as the deal triggers write it, and its
contact the deal's ``Contact_Name``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

from shared.connectors.base import Write
from shared.connectors.zoho_books import finance as books_finance
from shared.connectors.zoho_books.connector import ZohoBooksConnector
from shared.connectors.zoho_crm import module_records
from shared.connectors.zoho_crm.connector import ZohoCrmConnector
from shared.errors import ConfigurationError, LedgerlinkError, TransportError
from shared.jsonutil import dumps
from shared.observability import BusinessMetric, count
from shared.pairs.plugin import PairContext
from shared.pairs.zoho_crm_books.currencies import crm_rate_from_books, home_at_books_rate
from shared.pairs.zoho_crm_books.finance_modules import (
    CLOSED,
    DEAL_INVOICED,
    DEAL_PAID,
    FINANCE,
    SUMMARY_MODULE,
    FinanceModule,
    FinanceSwitches,
)
from shared.pairs.zoho_crm_books.finance_state import (
    load_state,
    mark_mirrored,
    mirrored_until,
    save_state,
)

KEY = "Zoho_Books_ID"
_DEAL_REFERENCE = re.compile(r"^CRM-DEAL-(\d+)(?:-[0-9a-f]+)?$")


def sides(ctx: PairContext) -> tuple[ZohoCrmConnector, ZohoBooksConnector]:
    crm, books = ctx.crm, ctx.erp
    if not isinstance(crm, ZohoCrmConnector) or not isinstance(books, ZohoBooksConnector):
        raise ConfigurationError("zoho_crm_books needs a Zoho CRM and a Zoho Books side")
    return crm, books


def switches_of(ctx: PairContext) -> FinanceSwitches:
    switches = getattr(ctx.connection, "modules", None)
    return switches if isinstance(switches, FinanceSwitches) else FinanceSwitches()


def deal_reference(reference: Any) -> str | None:
    """The CRM deal id a document's ``reference_number`` names (``CRM-DEAL-<deal id>``, or
    ``CRM-DEAL-<deal id>-<press>`` for one a CRM user's button made, as the deal triggers and
    actions write them); None when it names none."""
    found = _DEAL_REFERENCE.match(str(reference or "").strip())
    return found.group(1) if found else None


def money(value: Any) -> Decimal:
    try:
        number = Decimal(str(value)) if value not in (None, "") else Decimal(0)
    except InvalidOperation:
        return Decimal(0)
    return number if number.is_finite() else Decimal(0)


def document_fields(
    module: FinanceModule,
    row: Mapping[str, Any],
    party: str | None,
    deal: str | None,
    contact: str | None = None,
) -> dict[str, Any]:
    """One Books document as its CRM finance record (``contact``: its deal's contact)."""
    rate = money(row.get("exchange_rate")) or Decimal(1)
    total = money(row.get("total"))
    fields: dict[str, Any] = {
        "Name": str(row.get(module.number_field) or row[module.id_field]),
        "Status": str(row.get("status") or ""),
        "Books_Party_ID": str(row.get(module.party_field) or ""),
        "Document_Date": row.get("date") or None,
        "Due_Date": row.get(module.later_date) or None,
        "Currency": str(row.get("currency_code") or ""),
        "Books_Exchange_Rate": rate,
        "Exchange_Rate": crm_rate_from_books(rate),
        "Total": total,
        "Home_Total": home_at_books_rate(total, rate),
        "Books_Modified_Time": _crm_time(row.get("last_modified_time")),
    }
    if module.has_balance:
        balance = money(row.get("balance"))
        paid = Decimal(0) if row.get("status") == "void" else max(total - balance, Decimal(0))
        fields.update(
            {
                "Balance": balance,
                "Home_Balance": home_at_books_rate(balance, rate),
                "Payments_Received": paid,
                "Home_Payments_Received": home_at_books_rate(paid, rate),
            }
        )
    if party is not None:
        fields[f"{module.crm_party}.id"] = party
    if deal is not None:
        fields["Deal_Name.id"] = deal
    if contact is not None:
        fields["Contact_Name.id"] = contact
    return fields


def _crm_time(value: Any) -> str | None:
    moment = books_finance.parse_time(value)
    return moment.isoformat() if moment is not None else None


@dataclass
class Totals:
    receivables: Decimal = Decimal(0)
    paid: Decimal = Decimal(0)
    invoiced: Decimal = Decimal(0)
    payables: Decimal = Decimal(0)
    crm_party: str | None = None


@dataclass
class FinanceMirror:
    ctx: PairContext
    crm: ZohoCrmConnector
    books: ZohoBooksConnector
    home: str = ""
    report: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, ctx: PairContext) -> FinanceMirror:
        crm, books = sides(ctx)
        return cls(ctx, crm, books)

    # -- the run ---------------------------------------------------------------------------

    def run(self, switches: FinanceSwitches) -> dict[str, int]:
        state = load_state(self.ctx)
        on = switches.on()
        gone = [s for s in state.mirrored if s not in on]
        if gone:
            self.report["removed"] = purge(self.ctx, gone, keep=on)
        customers: set[str] = set()
        vendors: set[str] = set()
        done: list[Callable[[], None]] = []
        for switch in on:
            touched = self._module(FINANCE[switch], done)
            if switch == "purchaseorders":
                vendors |= touched
            else:  # any customer document: its account shows its receivables, 0 included
                customers |= touched
        if customers and "invoices" in on:
            self.report["receivables"] = self._receivables(customers)
        if vendors:
            self.report["payables"] = self._payables(vendors)
        # The cursors move only now: a run that fails before its summaries are written reads
        # its window again next time, and writes the summaries then
        for advance in done:
            advance()
        if set(on) != set(state.mirrored):
            save_state(self.ctx, state.model_copy(update={"mirrored": on}))
        count(self.ctx.metrics, BusinessMetric.MIRROR_WRITTEN, sum(self.report.values()))
        return self.report

    def _module(self, module: FinanceModule, done: list[Callable[[], None]]) -> set[str]:
        """Mirror one module's changed documents; the parties they belong to. How to move
        its cursor past them is added to ``done`` (unless the CRM refused one)."""
        cursor = mirrored_until(self.ctx, module.switch)
        read = books_finance.changed_documents(self.books.client, module.switch, cursor.since)
        rows = [r for r in read if cursor.recent.get(str(r[module.id_field])) != _digest(r)]
        if not rows:
            return set()
        parties = self._crm_ids(
            module.party_module, {str(r.get(module.party_field) or "") for r in rows}
        )
        deals = self._deals({deal_reference(r.get("reference_number")) for r in rows})
        writes = []
        for row in rows:
            books_id = str(row[module.id_field])
            party = parties.get(str(row.get(module.party_field) or ""))
            deal = deal_reference(row.get("reference_number"))
            if deal not in deals:
                deal = None
            fields = document_fields(module, row, party, deal, deals.get(deal or ""))
            writes.append(
                Write(fields, f"{module.switch}:{books_id}", external_key=(KEY, books_id))
            )
        written = self._write(module.crm_module, writes)
        self.report[module.switch] = written
        if written == len(writes):
            done.append(partial(self._advance, module, rows, cursor.since))
        return {str(r.get(module.party_field) or "") for r in rows} - {""}

    def _advance(
        self, module: FinanceModule, rows: Sequence[Mapping[str, Any]], since: datetime | None
    ) -> None:
        """Move the cursor to the latest stamp written, remembering what the documents at
        it said (Books stamps are whole seconds: one changed again in that second is read
        again and differs)."""
        stamped = [(books_finance.parse_time(r.get("last_modified_time")), r) for r in rows]
        latest = max((s for s, _ in stamped if s is not None), default=since)
        recent = {
            str(r[module.id_field]): _digest(r) for s, r in stamped if s is not None and s == latest
        }
        mark_mirrored(self.ctx, module.switch, latest, recent)

    # -- summaries -------------------------------------------------------------------------

    def _receivables(self, customers: set[str]) -> int:
        module = FINANCE["invoices"]
        fields = ("Books_Party_ID", "Status", "Home_Total", "Home_Balance",
                  "Home_Payments_Received", "Account_Name", "Deal_Name")  # fmt: skip
        by_party: dict[str, Totals] = {c: Totals() for c in customers}
        by_deal: dict[str, Totals] = {}
        for record in self._records_of(module.crm_module, "Books_Party_ID", customers, fields):
            totals = by_party[str(record.get("Books_Party_ID"))]
            totals.crm_party = totals.crm_party or _lookup_id(record.get("Account_Name"))
            deal = _lookup_id(record.get("Deal_Name"))
            for target in (totals, by_deal.setdefault(deal, Totals()) if deal else None):
                if target is None:
                    continue
                status = str(record.get("Status") or "")
                if status not in CLOSED:
                    target.receivables += money(record.get("Home_Balance"))
                    target.invoiced += money(record.get("Home_Total"))
                target.paid += money(record.get("Home_Payments_Received"))
        unknown = {party for party, t in by_party.items() if t.crm_party is None}
        parties = self._crm_ids("Accounts", unknown) if unknown else {}
        writes = [
            Write(
                {
                    "Name": f"Receivables of {party}",
                    "Currency": self._home(),
                    "Receivables": t.receivables,
                    "Payments_Received": t.paid,
                    **_party_lookup("Account_Name", t.crm_party or parties.get(party)),
                },
                f"summary:{party}",
                external_key=(KEY, party),
            )
            for party, t in sorted(by_party.items())
        ]
        written = self._write(SUMMARY_MODULE, writes)
        deal_writes = [
            Write(
                {DEAL_INVOICED: t.invoiced, DEAL_PAID: t.paid},
                f"deal-totals:{deal}",
                key=deal,
            )
            for deal, t in sorted(by_deal.items())
        ]
        self.report["deals"] = self._write("Deals", deal_writes)
        return written

    def _payables(self, vendors: set[str]) -> int:
        module = FINANCE["purchaseorders"]
        fields = ("Books_Party_ID", "Status", "Home_Total", "Vendor_Name")
        by_party: dict[str, Totals] = {v: Totals() for v in vendors}
        for record in self._records_of(module.crm_module, "Books_Party_ID", vendors, fields):
            totals = by_party[str(record.get("Books_Party_ID"))]
            totals.crm_party = totals.crm_party or _lookup_id(record.get("Vendor_Name"))
            if str(record.get("Status") or "") not in CLOSED:
                totals.payables += money(record.get("Home_Total"))
        writes = [
            Write(
                {
                    "Name": f"Payables of {party}",
                    "Currency": self._home(),
                    "Payables": t.payables,
                    **_party_lookup("Vendor_Name", t.crm_party),
                },
                f"summary:{party}",
                external_key=(KEY, party),
            )
            for party, t in sorted(by_party.items())
        ]
        return self._write(SUMMARY_MODULE, writes)

    # -- the CRM ---------------------------------------------------------------------------

    def _home(self) -> str:
        if not self.home:
            self.home = str(self.crm.org().get("iso_code") or "")
        return self.home

    def _records_of(
        self, module: str, field_name: str, values: Iterable[str], fields: Sequence[str]
    ) -> list[dict[str, Any]]:
        wanted = sorted(v for v in values if v)
        found: list[dict[str, Any]] = []
        for start in range(0, len(wanted), module_records.IN_VALUES):
            chunk = wanted[start : start + module_records.IN_VALUES]
            where = module_records.quoted_in(field_name, chunk)
            found.extend(module_records.select_all(self.crm.client, module, fields, where))
        return found

    def _crm_ids(self, module: str, books_ids: Iterable[str]) -> dict[str, str]:
        """Books id -> CRM id of the ``module`` records that carry it in Zoho_Books_ID."""
        records = self._records_of(module, KEY, books_ids, (KEY,))
        return {str(r[KEY]): str(r["id"]) for r in records if r.get(KEY)}

    def _deals(self, ids: Iterable[str | None]) -> dict[str, str | None]:
        """The deals named that exist, each with its contact (None: the deal has none)."""
        wanted = sorted({i for i in ids if i})
        found: dict[str, str | None] = {}
        for start in range(0, len(wanted), module_records.IN_VALUES):
            chunk = wanted[start : start + module_records.IN_VALUES]
            where = f"(id in ({', '.join(chunk)}))"
            rows = module_records.select_all(self.crm.client, "Deals", ("Contact_Name",), where)
            for record in rows:
                found[str(record["id"])] = _lookup_id(record.get("Contact_Name"))
        return found

    def _write(self, module: str, writes: Sequence[Write]) -> int:
        """Write in the CRM's batches; how many it took. A transient failure raises (the
        run is retried whole); a refused record is counted out (its cursor stays)."""
        if not writes:
            return 0
        written = 0
        for answer in self.crm.write_many(module, writes):
            if isinstance(answer, TransportError):
                raise answer
            if isinstance(answer, LedgerlinkError):
                self.report["refused"] = self.report.get("refused", 0) + 1
                continue
            written += 1
        return written


def _digest(row: Mapping[str, Any]) -> str:
    """What a listed document says, in short: a change within its stamp's second shows."""
    return hashlib.sha256(dumps(dict(sorted(row.items()))).encode()).hexdigest()[:20]


def _lookup_id(value: Any) -> str | None:
    if isinstance(value, Mapping):
        found = value.get("id")
        return str(found) if found else None
    return None


def _party_lookup(crm_field: str, crm_id: str | None) -> dict[str, Any]:
    return {f"{crm_field}.id": crm_id} if crm_id else {}


# -- removing what a switch no longer shows ------------------------------------------------


def purge(ctx: PairContext, switches: Sequence[str], *, keep: Sequence[str] = ()) -> int:
    """Delete the CRM data of ``switches`` (their documents; the summary figures and deal
    totals derived from them), and forget their cursors; what ``keep`` shows stays."""
    crm, _ = sides(ctx)
    removed = 0
    for switch in switches:
        module = FINANCE[switch]
        ids = [str(r["id"]) for r in module_records.select_all(crm.client, module.crm_module, ())]
        removed += module_records.delete_many(crm.client, module.crm_module, ids)
        mark_mirrored(ctx, switch, None)
    if "invoices" in switches and "invoices" not in keep:
        removed += _drop_summaries(crm, "Receivables")
        removed += _clear_deals(crm)
    if "purchaseorders" in switches and "purchaseorders" not in keep:
        removed += _drop_summaries(crm, "Payables")
    return removed


def _drop_summaries(crm: ZohoCrmConnector, figure: str) -> int:
    where = f"({figure} is not null)"
    rows = module_records.select_all(crm.client, SUMMARY_MODULE, (), where)
    return module_records.delete_many(crm.client, SUMMARY_MODULE, [str(r["id"]) for r in rows])


def _clear_deals(crm: ZohoCrmConnector) -> int:
    where = f"(({DEAL_INVOICED} is not null) or ({DEAL_PAID} is not null))"
    ids = [str(r["id"]) for r in module_records.select_all(crm.client, "Deals", (), where)]
    writes = [
        Write({DEAL_INVOICED: None, DEAL_PAID: None}, f"deal-totals-off:{i}", key=i) for i in ids
    ]
    answers = crm.write_many("Deals", writes) if writes else []
    return sum(1 for a in answers if not isinstance(a, LedgerlinkError))


def mirror_finance(ctx: PairContext) -> dict[str, int]:
    """The job's finance part: mirror the modules switched on, remove those switched off."""
    return FinanceMirror.of(ctx).run(switches_of(ctx))
