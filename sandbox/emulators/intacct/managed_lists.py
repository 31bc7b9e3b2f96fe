"""The managed lists a new company starts with, which contracts and lines refer to.

Payment terms (``ARTERM``), billing templates (``CONTRACTBILLINGTEMPLATE`` and their
``CONTRACTBILLINGTEMPLATEENTRY`` rows: ``PERIODOFFSET`` months, ``PERCENTBILLED``),
renewal templates (``RENEWALMACRO``), revenue templates (``CONTRACTREVENUETEMPLATE``) and
billing price lists (``CONTRACTPRICELIST``). Names reuse the developer.intacct.com
examples (``Net 30``, ``40-30-20-10``, ``12-months, equal``, ``SL Man (Rev)``,
``Daily rate``). Billing frequencies are a fixed value list (``Monthly``, ``Quarterly``,
``Annually``), not an object. All of them can be read with read/readByName/readByQuery/
query like any other object.
"""

from __future__ import annotations

from decimal import Decimal

from sandbox.emulators.intacct import objects
from sandbox.emulators.intacct.store import Company

SYSTEM_USER = 1

TERMS = (
    ("Net 30", "Net 30 days", 30),
    ("Net 15", "Net 15 days", 15),
    ("Net 45", "Net 45 days", 45),
    ("Net 60", "Net 60 days", 60),
    ("Due on receipt", "Due on receipt", 0),
)

BILLING_TEMPLATES: tuple[tuple[str, str, tuple[tuple[int, str], ...]], ...] = (
    ("40-30-20-10", "40/30/20/10 percent, quarterly", ((0, "40"), (3, "30"), (6, "20"), (9, "10"))),
    (
        "Quarterly, equal",
        "Four equal quarterly parts",
        ((0, "25"), (3, "25"), (6, "25"), (9, "25")),
    ),
    (
        "12-months, equal",
        "Twelve equal monthly parts",
        (*((m, "8.33") for m in range(11)), (11, "8.37")),
    ),
)

RENEWAL_TEMPLATES = (
    ("Annual renewal", "Renew for 12 months", 12, "Months"),
    ("Monthly renewal", "Renew for 1 month", 1, "Months"),
)

REVENUE_TEMPLATES = (
    ("Daily rate", "Daily rate, straight line", "Daily rate"),
    ("SL Man (Rev)", "Straight line, manual posting", "Straight line"),
    ("Straight line", "Straight line, monthly", "Straight line"),
)

PRICE_LISTS = (("Standard", "Standard billing price list"),)


def seed(company: Company) -> None:
    insert = company.insert
    for name, description, days in TERMS:
        insert(
            objects.ARTERM, {"NAME": name, "DESCRIPTION": description, "DUEDATE": days}, SYSTEM_USER
        )
    for name, description, entries in BILLING_TEMPLATES:
        template = insert(
            objects.CONTRACTBILLINGTEMPLATE,
            {"NAME": name, "DESCRIPTION": description},
            SYSTEM_USER,
        )
        for offset, percent in entries:
            insert(
                objects.CONTRACTBILLINGTEMPLATEENTRY,
                {
                    "TEMPLATEKEY": template["RECORDNO"],
                    "TEMPLATENAME": name,
                    "PERIODOFFSET": offset,
                    "PERCENTBILLED": Decimal(percent),
                },
                SYSTEM_USER,
            )
    for name, description, length, period in RENEWAL_TEMPLATES:
        insert(
            objects.RENEWALMACRO,
            {
                "NAME": name,
                "DESCRIPTION": description,
                "RENEWALTERMLENGTH": length,
                "RENEWALTERMPERIOD": period,
            },
            SYSTEM_USER,
        )
    for name, description, method in REVENUE_TEMPLATES:
        insert(
            objects.CONTRACTREVENUETEMPLATE,
            {"NAME": name, "DESCRIPTION": description, "METHOD": method},
            SYSTEM_USER,
        )
    for name, description in PRICE_LISTS:
        insert(objects.CONTRACTPRICELIST, {"NAME": name, "DESCRIPTION": description}, SYSTEM_USER)
