"""Contract billing: each in-progress contract line is billed per period of its billing
frequency, from its begin date, for periods starting on or before the as-of date; one
invoice per contract and invoice date (Contracts: "Generate invoices")."""

from __future__ import annotations

from calendar import monthrange
from datetime import date, timedelta
from decimal import Decimal

from sandbox.emulators.intacct_gw.store import Company

STEP_MONTHS = {"Monthly": 1, "Quarterly": 3, "Annually": 12}


def _add_months(start: date, months: int) -> date:
    month0 = start.month - 1 + months
    year, month = start.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(start.day, monthrange(year, month)[1]))


def periods(begin: date, end: date, frequency: str, as_of: date) -> list[date]:
    if frequency == "One-time":
        return [begin] if begin <= as_of else []
    step = STEP_MONTHS.get(frequency, 1)
    found: list[date] = []
    n = 0
    while True:
        start = _add_months(begin, step * n)
        if start > end or start > as_of:
            return found
        found.append(start)
        n += 1


def run_billing(
    company: Company, as_of: date, billed: set[tuple[int, date]], user: str
) -> list[str]:
    """Bill every due period not yet billed; returns the created invoices' RECORDIDs."""
    invoices: dict[tuple[str, date], list[tuple[int, Decimal]]] = {}
    for line in company.rows("CONTRACTDETAIL"):
        if line.get("STATE") != "In progress":
            continue
        for start in periods(
            line["BEGINDATE"], line["ENDDATE"], line["BILLINGFREQUENCY"] or "Monthly", as_of
        ):
            if (line["RECORDNO"], start) in billed:
                continue
            if line["BILLINGMETHOD"] == "Fixed price":
                amount = Decimal(line["FLATAMOUNT"] or 0)
            else:
                amount = Decimal(line["QUANTITY"] or 0) * Decimal(line["PRICE"] or 0)
            invoices.setdefault((line["CONTRACTID"], start), []).append((line["RECORDNO"], amount))
    created = []
    for (contract_id, start), parts in sorted(invoices.items()):
        contract = company.by_key("CONTRACT", contract_id)
        assert contract is not None
        term = company.by_key("ARTERM", str(contract.get("TERMNAME") or ""))
        due_days = int(term["DUEDATE"]) if term and term.get("DUEDATE") is not None else 30
        total = sum((a for _, a in parts), Decimal(0))
        number = f"INV-{len(company.rows('ARINVOICE')) + 1:05d}"
        company.create(
            "ARINVOICE",
            {
                "RECORDID": number,
                "CUSTOMERID": contract["CUSTOMERID"],
                "CONTRACTID": contract_id,
                "WHENPOSTED": start.strftime("%m/%d/%Y"),
                "WHENDUE": (start + timedelta(days=due_days)).strftime("%m/%d/%Y"),
                "TOTALENTERED": str(total),
                "TOTALDUE": str(total),
                "TOTALPAID": "0",
                "STATE": "Posted",
                "CURRENCY": contract.get("CURRENCY") or "USD",
                "DESCRIPTION": f"Contract {contract_id} billing {start.isoformat()}",
            },
            user,
        )
        for recordno, amount in parts:
            billed.add((recordno, start))
            billed_line = company.by_recordno("CONTRACTDETAIL", str(recordno))
            if billed_line is not None:
                billed_line["TOTALBILLED"] = Decimal(billed_line.get("TOTALBILLED") or 0) + amount
                company.touch(billed_line)
        created.append(number)
    return created
