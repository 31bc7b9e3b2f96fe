"""Recurring Order Entry transactions: the template (``SORECURDOCUMENT``) and its lines.

Fields of ``SORECURDOCUMENT`` as published: developer.intacct.com "Recurring Order Entry
Transactions" (``lookup``/``query``/``read`` of ``SORECURDOCUMENT``, ``RECORDNO``, ``TOTAL``)
and the column list of the object in the CData Sage Intacct provider ("SORecurDocument":
``RECORDNO``, ``STATUS``, ``PONUMBER``, ``WHENMODIFIED``, ``MESSAGE``, ``CONTRACTID``,
``SUBTOTAL``, ``TOTAL``, ``SCHOPKEY``, ``SOURCEDOCUMENT``, ``DOCID``, ``STARTDATE``,
``ENDDATE``, ``NEXTEXECDATE`` …); the schedule's counters (``LASTEXECDATE``, ``EXECCOUNT``,
``REPEATCOUNT``, ``REPEATBY``, ``REPEATINTERVAL``) carry the names of its sibling
``APRECURBILL``. ``DOCPARID``, ``CUSTVENDID``, ``DOCSTATUS`` (the create's ``docstatus``:
Active, Inactive, Ended) and the line object ``SORECURDOCUMENTENTRY`` are this emulator's
names (UNVERIFIED): the published pages do not list them.
"""

from __future__ import annotations

from sandbox.emulators.intacct.schema import Field, Kind, ObjectSpec

T, INT, D, B, DT = Kind.TEXT, Kind.INTEGER, Kind.DECIMAL, Kind.BOOLEAN, Kind.DATE
REPEAT_MODES = ("None", "Days", "Weeks", "Months", "Years")
DOC_STATUSES = ("Active", "Inactive", "Ended")


def _audit() -> tuple[Field, ...]:
    return (
        Field("WHENCREATED", Kind.TIMESTAMP, readonly=True),
        Field("WHENMODIFIED", Kind.TIMESTAMP, readonly=True),
        Field("CREATEDBY", INT, readonly=True),
        Field("MODIFIEDBY", INT, readonly=True),
    )


SORECURDOCUMENT = ObjectSpec(
    name="SORECURDOCUMENT",
    label="Recurring Order Entry Transaction",
    id_field=None,
    writable=False,
    fields=(
        Field("RECORDNO", INT, readonly=True),
        Field("DOCID"),
        Field("DOCPARID"),
        Field("STATUS", Kind.ENUM, choices=("active", "inactive"), default="active"),
        Field("DOCSTATUS", Kind.ENUM, choices=DOC_STATUSES, default="Active"),
        Field("CUSTVENDID"),
        Field("CUSTVENDNAME"),
        Field("PONUMBER"),
        Field("MESSAGE"),
        Field("CONTRACTID"),
        Field("TERM.NAME"),
        Field("BILLTO.CONTACTNAME"),
        Field("SHIPTO.CONTACTNAME"),
        Field("CURRENCY"),
        Field("SUBTOTAL", D),
        Field("TOTAL", D),
        Field("SCHOPKEY", INT),
        Field("SOURCEDOCUMENT"),
        Field("STARTDATE", DT),
        Field("ENDDATE", DT),
        Field("NEXTEXECDATE", DT),
        Field("LASTEXECDATE", DT),
        Field("REPEATBY", Kind.ENUM, choices=REPEAT_MODES, default="None"),
        Field("REPEATINTERVAL", INT),
        Field("REPEATCOUNT", INT),
        Field("EXECCOUNT", INT, default=0),
        Field("EOM", B, default=False),
        *_audit(),
    ),
)

SORECURDOCUMENTENTRY = ObjectSpec(
    name="SORECURDOCUMENTENTRY",
    label="Recurring Order Entry Transaction Line",
    id_field=None,
    writable=False,
    fields=(
        Field("RECORDNO", INT, readonly=True),
        Field("DOCHDRNO", INT),
        Field("LINE_NO", INT),
        Field("ITEMID"),
        Field("ITEMDESC"),
        Field("QUANTITY", D),
        Field("UNIT"),
        Field("PRICE", D),
        Field("DISCOUNTPERCENT", D),
        Field("TOTAL", D),
        Field("MEMO"),
        *_audit(),
    ),
)

ALL = (SORECURDOCUMENT, SORECURDOCUMENTENTRY)
