"""Contract billing: the invoices an invoice run produces, as the API then shows them.

How Intacct does it (developer.intacct.com "Contract Billing Schedules", "Contract
Invoices", "Order Entry Transactions"): each contract line has a billing schedule built
"based on the contract line billing template and the billing template start and end dates"
or on "the contract billing frequency, contract line start and end dates, and the contract
line flat/fixed amount frequency". An invoice run (GENINVOICEPREVIEW / GENINVOICERUN,
``DOCPARID`` ``Contract Invoice``, default ``INVOICEBY`` ``CUSTOMER#~#CONTRACT``: one
invoice per contract) bills the schedule entries due by the as-of date. The invoices are
Order Entry transactions (``SODOCUMENT`` with ``DOCPARID = 'Contract Invoice'``, lines in
``SODOCUMENTENTRY``) that "create corresponding invoices in the Accounts Receivable
application" (``ARINVOICE``/``ARINVOICEITEM``); the OE document's ``PRRECORDKEY`` is the AR
invoice's ``RECORDNO``.

What this emulator bills, per in-progress line of an in-progress contract:

* Fixed price, ``One-time``: ``FLATAMOUNT`` once, on the line start date;
* Fixed price with a ``BILLINGTEMPLATENAME``: ``FLATAMOUNT`` x each template entry's
  ``PERCENTBILLED``, ``PERIODOFFSET`` months after ``BILLINGSTARTDATE`` (or the line
  start), the last entry taking the rounding remainder;
* other Fixed price lines: ``FLATAMOUNT`` per period of the line's ``BILLINGFREQUENCY``
  (Monthly/Quarterly/Annually, inherited from the contract; Monthly if neither says);
* Quantity based: ``QUANTITY`` x ``PRICE`` per period (Intacct bills usage records and
  price lists here; the emulator takes the line's own quantity and price).

Periods start on the line start date and every 1/3/12 months after it, up to the line end
date; a period is invoiced, billed in advance, on its start date once that date is on or
before ``as_of``. Each (line, period) is billed once, however often billing runs. Entries
due the same day for the same contract make one invoice.

Created records carry ``WHENCREATED`` = invoice date (a date) and ``AUWHENCREATED`` /
``WHENMODIFIED`` = the run's timestamp, so pollers find them by ``WHENMODIFIED``.
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sandbox.emulators.intacct import objects
from sandbox.emulators.intacct.schema import Record
from sandbox.emulators.intacct.store import Company, Sequence

DOCPARID = "Contract Invoice"
STEP_MONTHS = {"Monthly": 1, "Quarterly": 3, "Annually": 12}
CENT = Decimal("0.01")
DEFAULT_SEQUENCE = Sequence("CINV-", 1, 4)


@dataclass(frozen=True)
class ScheduleEntry:
    bill_on: date
    amount: Decimal
    period_start: date
    period_end: date
    quantity: Decimal
    price: Decimal


def add_months(start: date, months: int) -> date:
    month0 = start.month - 1 + months
    year, month = start.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(start.day, monthrange(year, month)[1]))


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _periods(begin: date, end: date, frequency: str, until: date) -> list[tuple[date, date]]:
    step = STEP_MONTHS.get(frequency, 1)
    found: list[tuple[date, date]] = []
    n = 0
    while True:
        start = add_months(begin, step * n)
        if start > end or start > until:
            return found
        found.append((start, min(add_months(begin, step * (n + 1)) - timedelta(days=1), end)))
        n += 1


def schedule(company: Company, contract: Record, line: Record, until: date) -> list[ScheduleEntry]:
    """The line's billing schedule entries dated on or before ``until``."""
    begin: date | None = line.get("BEGINDATE")
    if begin is None:
        return []
    end: date = line.get("ENDDATE") or contract.get("ENDDATE") or until
    frequency = line.get("BILLINGFREQUENCY") or contract.get("BILLINGFREQUENCY") or "Monthly"
    if line.get("BILLINGMETHOD") == "Quantity based":
        quantity = line.get("QUANTITY") or Decimal(0)
        price = line.get("PRICE") or Decimal(0)
        amount = _money(quantity * price)
        return [
            ScheduleEntry(start, amount, start, stop, quantity, price)
            for start, stop in _periods(begin, end, frequency, until)
        ]
    flat: Decimal = line.get("FLATAMOUNT") or Decimal(0)
    options = line.get("BILLINGOPTIONS")
    if options == "One-time":
        entry = ScheduleEntry(begin, _money(flat), begin, end, Decimal(1), _money(flat))
        return [entry] if begin <= until else []
    template = line.get("BILLINGTEMPLATENAME")
    if options == "Use billing template" and template:
        return _template_entries(company, line, str(template), begin, end, flat, until)
    return [
        ScheduleEntry(start, _money(flat), start, stop, Decimal(1), _money(flat))
        for start, stop in _periods(begin, end, frequency, until)
    ]


def _template_entries(
    company: Company,
    line: Record,
    template: str,
    begin: date,
    end: date,
    flat: Decimal,
    until: date,
) -> list[ScheduleEntry]:
    rows = sorted(
        (
            r
            for r in company.rows(objects.CONTRACTBILLINGTEMPLATEENTRY)
            if r.get("TEMPLATENAME") == template
        ),
        key=lambda r: int(r.get("PERIODOFFSET") or 0),
    )
    start: date = line.get("BILLINGSTARTDATE") or begin
    entries: list[ScheduleEntry] = []
    billed = Decimal(0)
    for index, row in enumerate(rows):
        bill_on = add_months(start, int(row.get("PERIODOFFSET") or 0))
        if index == len(rows) - 1:
            amount = _money(flat) - billed
        else:
            amount = _money(flat * Decimal(row.get("PERCENTBILLED") or 0) / Decimal(100))
        billed += amount
        if bill_on <= until:
            entries.append(ScheduleEntry(bill_on, amount, bill_on, end, Decimal(1), amount))
    return entries


@dataclass(frozen=True)
class _Due:
    line: Record
    entry: ScheduleEntry


def run_billing(company: Company, as_of: date, user_key: int) -> list[str]:
    """Invoice everything due by ``as_of``; the new SODOCUMENTs' RECORDNOs, oldest first."""
    due: dict[tuple[str, date], list[_Due]] = {}
    for contract in company.rows(objects.CONTRACT):
        if contract.get("STATE") != "In progress":
            continue
        for line in company.rows(objects.CONTRACTDETAIL):
            if line.get("CONTRACTID") != contract["CONTRACTID"]:
                continue
            if line.get("STATE") != "In progress":
                continue
            for entry in schedule(company, contract, line, as_of):
                if (int(line["RECORDNO"]), entry.bill_on) in company.data.billed:
                    continue
                due.setdefault((str(contract["CONTRACTID"]), entry.bill_on), []).append(
                    _Due(line, entry)
                )
    created: list[str] = []
    for (contract_id, bill_on), parts in sorted(due.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        found = company.by_id(objects.CONTRACT, contract_id)
        if found is None:
            continue
        created.append(_invoice(company, found, bill_on, parts, user_key))
        for part in parts:
            company.data.billed.add((int(part.line["RECORDNO"]), bill_on))
    return created


def _invoice(
    company: Company, contract: Record, bill_on: date, parts: list[_Due], user_key: int
) -> str:
    sequence = company.data.sequences.setdefault(
        objects.SODOCUMENT.name,
        Sequence(DEFAULT_SEQUENCE.prefix, DEFAULT_SEQUENCE.next_number, DEFAULT_SEQUENCE.width),
    )
    docno = sequence.take()
    docid = f"{DOCPARID}-{docno}"
    total = sum((p.entry.amount for p in parts), Decimal(0))
    term = company.by_id(objects.ARTERM, str(contract.get("TERMNAME") or ""))
    due_days = int(term.get("DUEDATE") or 0) if term else 0
    customer = company.by_id(objects.CUSTOMER, str(contract["CUSTOMERID"]))
    currency = contract.get("CURRENCY") or "USD"
    ar = company.insert(
        objects.ARINVOICE,
        {
            "RECORDID": docno,
            "DOCNUMBER": docid,
            "CUSTOMERID": contract["CUSTOMERID"],
            "CUSTOMERNAME": contract.get("CUSTOMERNAME"),
            "STATE": "Posted",
            "WHENCREATED": bill_on,
            "WHENPOSTED": bill_on,
            "WHENDUE": bill_on + timedelta(days=due_days),
            "TERMNAME": contract.get("TERMNAME"),
            "DESCRIPTION": f"Contract {contract['CONTRACTID']}",
            "CURRENCY": currency,
            "BASECURR": "USD",
            "BILLTO.CONTACTNAME": contract.get("BILLTOCONTACTNAME"),
            "TOTALENTERED": total,
            "TOTALPAID": Decimal(0),
            "TOTALDUE": total,
            "TRX_TOTALENTERED": total,
            "TRX_TOTALDUE": total,
        },
        user_key,
    )
    document = company.insert(
        objects.SODOCUMENT,
        {
            "DOCID": docid,
            "DOCNO": docno,
            "DOCPARID": DOCPARID,
            "STATE": "Pending",
            "WHENCREATED": bill_on,
            "WHENDUE": bill_on + timedelta(days=due_days),
            "CUSTVENDID": contract["CUSTOMERID"],
            "CUSTVENDNAME": contract.get("CUSTOMERNAME"),
            "CONTRACTID": contract["CONTRACTID"],
            "CONTRACTKEY": contract["RECORDNO"],
            "BILLTO.CONTACTNAME": contract.get("BILLTOCONTACTNAME"),
            "SHIPTO.CONTACTNAME": contract.get("SHIPTOCONTACTNAME"),
            "TERM.NAME": contract.get("TERMNAME"),
            "CURRENCY": currency,
            "BASECURR": "USD",
            "SUBTOTAL": total,
            "TOTAL": total,
            "TRX_TOTAL": total,
            "PRRECORDKEY": ar["RECORDNO"],
        },
        user_key,
    )
    for index, part in enumerate(parts):
        line, entry = part.line, part.entry
        description = line.get("ITEMDESC") or line.get("ITEMNAME")
        company.insert(
            objects.SODOCUMENTENTRY,
            {
                "DOCHDRNO": document["RECORDNO"],
                "DOCHDRID": docid,
                "DOCPARID": DOCPARID,
                "LINE_NO": index,  # generic read numbers OE lines from 0 ("XML Functions")
                "ITEMID": line.get("ITEMID"),
                "ITEMDESC": description,
                "QUANTITY": entry.quantity,
                "PRICE": entry.price,
                "TOTAL": entry.amount,
                "CONTRACTID": contract["CONTRACTID"],
                "CONTRACTDETAILKEY": line["RECORDNO"],
                "REVRECSTARTDATE": entry.period_start,
                "REVRECENDDATE": entry.period_end,
                "MEMO": line.get("MEMO"),
            },
            user_key,
        )
        company.insert(
            objects.ARINVOICEITEM,
            {
                "RECORDKEY": ar["RECORDNO"],
                "LINE_NO": index + 1,
                "ITEMID": line.get("ITEMID"),
                "ENTRYDESCRIPTION": description,
                "AMOUNT": entry.amount,
                "TRX_AMOUNT": entry.amount,
                "CONTRACTID": contract["CONTRACTID"],
                "CONTRACTDETAILKEY": line["RECORDNO"],
            },
            user_key,
        )
    if customer is not None:
        customer["TOTALDUE"] = (customer.get("TOTALDUE") or Decimal(0)) + total
    return str(document["RECORDNO"])
