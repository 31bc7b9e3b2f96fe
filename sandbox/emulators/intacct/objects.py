"""The objects this gateway serves and their fields, in the order responses list them.

Every object with a recorded definition (:mod:`sandbox.emulators.intacct.definitions`,
the gateway's own ``lookup`` answers) knows every standard field of it, read-only and
system fields included, in the definition's order: :func:`defined` turns each
``<Field>`` into a :class:`Field` (``DATATYPE`` INTEGER -> whole numbers, DECIMAL /
CURRENCY / PERCENT -> decimals, DATE, TIMESTAMP, BOOLEAN, and a value list -> one of
those values). The fields declared below add what the emulator does with a field:
value lists and the readByQuery database codes (``STATE = 'I'``, from the "query Fields"
tables of developer.intacct.com's Customers, Contracts, Contract Lines, Order Entry
Transactions and Invoices pages), defaults, and the fields a create must carry. A field
the definition does not list but the emulator keeps follows the defined ones: CUSTOMER
``HIDEDISPLAYCONTACT`` (a documented create parameter), CONTRACTDETAIL ``MEMO``,
SODOCUMENT ``CONTRACTKEY``, SODOCUMENTENTRY ``CONTRACTID``/``CONTRACTDETAILKEY`` (what
contract billing links by) and CONTRACTBILLINGTEMPLATEENTRY ``TEMPLATENAME`` with its
audit fields.

A field with no stored value reads as an empty element, as the gateway answers one.
``lookup`` reports ``REQUIRED`` as the definition does; a create is refused only for the
fields declared ``required`` here (and the objects' :mod:`rules`), so a client that
relies on Intacct filling in a ``DISPLAYCONTACT`` works unchanged.

Order Entry documents and AR invoices use ``WHENCREATED`` for the *document date* (a
date) and ``AUWHENCREATED`` for the audit timestamp; ``WHENMODIFIED`` is the audit
timestamp everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from sandbox.emulators.intacct import definitions
from sandbox.emulators.intacct.audit_history import AUDITHISTORY
from sandbox.emulators.intacct.list_objects import ALL as LIST_OBJECTS
from sandbox.emulators.intacct.project_objects import ALL as PROJECT_OBJECTS
from sandbox.emulators.intacct.recurring_objects import ALL as RECURRING_OBJECTS
from sandbox.emulators.intacct.schema import Field, FieldDef, Kind, ObjectSpec, Relationship

T, INT, D, B = Kind.TEXT, Kind.INTEGER, Kind.DECIMAL, Kind.BOOLEAN
DT, TS, E = Kind.DATE, Kind.TIMESTAMP, Kind.ENUM

ACTIVE = ("active", "inactive")
FREQUENCIES = ("Monthly", "Quarterly", "Annually")
ITEM_TYPES = (
    "Inventory",
    "Non-Inventory",
    "Non-Inventory (Purchase only)",
    "Non-Inventory (Sales only)",
    "Kit",
    "Stockable Kit",
)
UOM_GROUPS = ("Area", "Count", "Duration", "Length", "Numbers", "Time", "Volume", "Weight")


def status(*choices: str) -> Field:
    return Field(
        "STATUS",
        E,
        choices=choices or ACTIVE,
        default="active",
        codes=(("T", "active"), ("F", "inactive")),
    )


def texts(*names: str) -> tuple[Field, ...]:
    return tuple(Field(n) for n in names)


def audit(created: str = "WHENCREATED") -> tuple[Field, ...]:
    return (
        Field(created, TS, readonly=True),
        Field("WHENMODIFIED", TS, readonly=True),
        Field("CREATEDBY", INT, readonly=True),
        Field("MODIFIEDBY", INT, readonly=True),
    )


def mail_address(prefix: str) -> tuple[Field, ...]:
    names = ("ADDRESS1", "ADDRESS2", "ADDRESS3", "CITY", "STATE", "ZIP", "COUNTRY", "COUNTRYCODE")
    return texts(*(f"{prefix}MAILADDRESS.{n}" for n in names))


def contact_fields(prefix: str, *, printas_required: bool) -> tuple[Field, ...]:
    return (
        Field(f"{prefix}PRINTAS", required=printas_required),
        Field(f"{prefix}COMPANYNAME"),
        Field(f"{prefix}TAXABLE", B, default=True),
        *texts(
            *(
                prefix + n
                for n in (
                    "TAXGROUP",
                    "PREFIX",
                    "FIRSTNAME",
                    "LASTNAME",
                    "INITIAL",
                    "PHONE1",
                    "PHONE2",
                    "CELLPHONE",
                    "PAGER",
                    "FAX",
                    "EMAIL1",
                    "EMAIL2",
                    "URL1",
                    "URL2",
                )
            )
        ),
        *mail_address(prefix),
    )


_KINDS = {
    "INTEGER": Kind.INTEGER,
    "DECIMAL": Kind.DECIMAL,
    "CURRENCY": Kind.DECIMAL,
    "PERCENT": Kind.DECIMAL,
    "DATE": Kind.DATE,
    "TIMESTAMP": Kind.TIMESTAMP,
    "BOOLEAN": Kind.BOOLEAN,
}


def from_definition(definition: FieldDef) -> Field:
    """A field the emulator declares nothing about: its kind from ``DATATYPE``."""
    kind = _KINDS.get(definition.datatype)
    choices = tuple(v for v in definition.values if v)
    if kind is None:
        kind = Kind.ENUM if choices else Kind.TEXT
    return Field(
        definition.id,
        kind,
        readonly=definition.readonly,
        choices=choices if kind is Kind.ENUM else (),
        default=False if kind is Kind.BOOLEAN else None,
    )


def defined(name: str, *own: Field) -> tuple[Field, ...]:
    """The recorded definition's fields in its order, ``own`` declarations taking over the
    behaviour of theirs; ``own`` fields the definition lacks follow."""
    recorded = definitions.recorded(name)
    if recorded is None:
        return own
    declared = {f.name: f for f in own}
    fields = [
        replace(declared.pop(d.id) if d.id in declared else from_definition(d), definition=d)
        for d in recorded.fields
    ]
    return (*fields, *declared.values())


def relationships(name: str) -> tuple[Relationship, ...]:
    recorded = definitions.recorded(name)
    return recorded.relationships if recorded is not None else ()


RECORDNO = Field("RECORDNO", INT, readonly=True)

CUSTOMER = ObjectSpec(
    name="CUSTOMER",
    label="Customer",
    id_field="CUSTOMERID",
    sequenced=True,
    relationships=relationships("CUSTOMER"),
    fields=defined(
        "CUSTOMER",
        RECORDNO,
        Field("CUSTOMERID"),
        Field("NAME", required=True),
        Field("PARENTID"),
        status("active", "active non-posting", "inactive"),
        Field("ONETIME", B, default=False),
        Field("HIDEDISPLAYCONTACT", B, default=False),
        *texts("CUSTTYPE", "CUSTREPID", "TERRITORYID", "TERMNAME", "GLGROUP"),
        *texts("OFFSETGLACCOUNTNO", "ARACCOUNT", "SHIPPINGMETHOD", "RESALENO", "TAXID"),
        Field("CREDITLIMIT", D),
        Field("TOTALDUE", D, readonly=True, default=0),
        Field("ONHOLD", B, default=False),
        *texts("DELIVERY_OPTIONS", "CUSTMESSAGEID", "COMMENTS", "CURRENCY"),
        Field("ADVBILLBY", INT),
        Field("ADVBILLBYTYPE", E, choices=("days", "months")),
        Field("DISPLAYCONTACT.CONTACTNAME"),
        *contact_fields("DISPLAYCONTACT.", printas_required=False),
        Field("CONTACTINFO.CONTACTNAME"),
        Field("BILLTO.CONTACTNAME"),
        Field("SHIPTO.CONTACTNAME"),
        *audit(),
    ),
)

CONTACT = ObjectSpec(
    name="CONTACT",
    label="Contact",
    id_field="CONTACTNAME",
    relationships=relationships("CONTACT"),
    fields=defined(
        "CONTACT",
        RECORDNO,
        Field("CONTACTNAME", required=True),
        *contact_fields("", printas_required=True),
        status(),
        *audit(),
    ),
)

ITEM = ObjectSpec(
    name="ITEM",
    label="Item",
    id_field="ITEMID",
    relationships=relationships("ITEM"),
    fields=defined(
        "ITEM",
        RECORDNO,
        Field("ITEMID", required=True),
        Field("NAME", required=True),
        status(),
        Field("ITEMTYPE", E, required=True, choices=ITEM_TYPES),
        *texts("PRODUCTLINEID", "EXTENDED_DESCRIPTION", "PODESCRIPTION", "SODESCRIPTION"),
        Field("UOMGRP", E, choices=UOM_GROUPS),
        Field("GLGROUP"),
        Field("STANDARD_COST", D),
        Field("BASEPRICE", D),
        Field("TAXABLE", B, default=False),
        *texts("DEFAULTREVRECTEMPLKEY", "INCOMEACCTKEY", "DEFERREDREVACCTKEY", "RENEWALMACROID"),
        Field("HASSTARTENDDATES", B, default=False),
        Field("TERMPERIOD", E, choices=("Days", "Weeks", "Months", "Years")),
        Field("TOTALPERIODS", INT),
        *audit(),
    ),
)

CONTRACT = ObjectSpec(
    name="CONTRACT",
    label="Contract",
    id_field="CONTRACTID",
    sequenced=True,
    relationships=relationships("CONTRACT"),
    fields=defined(
        "CONTRACT",
        RECORDNO,
        Field("CONTRACTID"),
        Field("NAME", required=True),
        Field("CUSTOMERID", required=True),
        Field("CUSTOMERNAME", readonly=True),
        *texts("BILLTOCONTACTNAME", "SHIPTOCONTACTNAME", "ADDITIONALCONTACTNAME", "DESCRIPTION"),
        Field(
            "STATE",
            E,
            choices=("Draft", "In progress", "Renewed", "Cancelled", "Not renewed"),
            codes=(
                ("I", "In progress"),
                ("R", "Renewed"),
                ("C", "Cancelled"),
                ("N", "Not renewed"),
            ),
            default="In progress",
        ),
        status(),
        Field("CONTRACTTYPE"),
        Field("BEGINDATE", DT, required=True),
        Field("ENDDATE", DT),
        Field(
            "BILLINGFREQUENCY",
            E,
            choices=FREQUENCIES,
            codes=(("M", "Monthly"), ("Q", "Quarterly"), ("A", "Annually")),
        ),
        Field("TERMNAME", required=True),
        Field("TERMTYPE", E, choices=("Termed", "Evergreen"), default="Termed"),
        Field("EVERGREENMACRO"),
        *texts("PRCLIST", "MEAPRCLIST"),
        Field("ADVBILLBY", INT),
        Field("ADVBILLBYTYPE", E, choices=("days", "months")),
        Field("RENEWALADVBILLBY", INT),
        Field("RENEWALADVBILLBYTYPE", E, choices=("days", "months")),
        *texts("SUPDOCID", "LOCATIONID", "DEPARTMENTID", "PROJECTID", "VENDORID"),
        *texts("EMPLOYEEID", "CLASSID", "CURRENCY", "EXCHRATETYPE"),
        Field("RENEWAL", B, default=False),
        Field("RENEWALMACRO"),
        Field("RENEWTERMLENGTH", INT),
        Field(
            "RENEWTERMPERIOD",
            E,
            choices=("Years", "Months", "Days"),
            codes=(("Y", "Years"), ("M", "Months"), ("D", "Days")),
        ),
        *audit(),
    ),
)

CONTRACTDETAIL = ObjectSpec(
    name="CONTRACTDETAIL",
    label="Contract Line",
    id_field=None,
    relationships=relationships("CONTRACTDETAIL"),
    fields=defined(
        "CONTRACTDETAIL",
        RECORDNO,
        Field("CONTRACTID", required=True),
        Field("CONTRACTKEY", INT, readonly=True),
        Field("LINENO", INT, readonly=True),
        Field("ITEMID", required=True),
        Field("ITEMNAME", readonly=True),
        Field("ITEMDESC"),
        Field(
            "STATE",
            E,
            choices=("Draft", "In progress", "Renewal only", "Cancelled", "Not renewed"),
            codes=(
                ("P", "In progress"),
                ("O", "Renewal only"),
                ("C", "Cancelled"),
                ("N", "Not renewed"),
            ),
            default="In progress",
        ),
        Field("BEGINDATE", DT),
        Field("ENDDATE", DT),
        Field("RENEWAL", B, default=False),
        Field(
            "BILLINGMETHOD",
            E,
            choices=("Fixed price", "Quantity based"),
            codes=(("F", "Fixed price"), ("Q", "Quantity based")),
            default="Fixed price",
        ),
        Field(
            "BILLINGOPTIONS",
            E,
            choices=("One-time", "Use billing template", "Include with every invoice"),
            codes=(
                ("O", "One-time"),
                ("U", "Use billing template"),
                ("I", "Include with every invoice"),
            ),
            default="Use billing template",
        ),
        Field("BILLINGFREQUENCY", E, choices=FREQUENCIES),
        Field("RECURRING", B, default=False),
        Field("PRORATEBILLINGPERIOD", B, default=False),
        Field("BILLINGTEMPLATENAME"),
        Field("BILLINGSTARTDATE", DT),
        Field("BILLINGENDDATE", DT),
        Field("QUANTITY", D),
        Field("PRICE", D),
        Field("MULTIPLIER", D),
        Field("DISCOUNTPERCENT", D),
        Field("FLATAMOUNT", D),
        Field("USAGELINETYPE", E, choices=("Variable", "Committed")),
        Field("REVENUETEMPLATENAME"),
        Field("REVENUESTARTDATE", DT),
        Field("REVENUEENDDATE", DT),
        Field("REVENUE2TEMPLATENAME"),
        *texts("BILLTOCONTACTNAME", "SHIPTOCONTACTNAME", "MEMO"),
        *texts("LOCATIONID", "DEPARTMENTID", "PROJECTID", "CLASSID"),
        Field("GLPOSTINGDATE", DT),
        *audit(),
    ),
)

# -- managed lists contracts refer to ------------------------------------------------------

ARTERM = ObjectSpec(
    name="ARTERM",
    label="AR Term",
    id_field="NAME",
    relationships=relationships("ARTERM"),
    fields=defined(
        "ARTERM",
        RECORDNO,
        Field("NAME", required=True),
        Field("DESCRIPTION"),
        status(),
        Field("DUEDATE", INT),
        Field("DUEFROM", default="from invoice/bill date"),
        Field("DISCDATE", INT),
        Field("DISCFROM"),
        Field("DISCAMOUNT", D),
        Field("DISCPERCAMN"),
        *audit(),
    ),
)

CONTRACTBILLINGTEMPLATE = ObjectSpec(
    name="CONTRACTBILLINGTEMPLATE",
    label="Contract Billing Template",
    id_field="NAME",
    relationships=relationships("CONTRACTBILLINGTEMPLATE"),
    fields=defined(
        "CONTRACTBILLINGTEMPLATE",
        RECORDNO,
        Field("NAME", required=True),
        Field("DESCRIPTION"),
        status(),
        Field(
            "METHOD",
            E,
            choices=("Predefined percentages", "Project percent complete", "Task percent complete"),
            default="Predefined percentages",
        ),
        *audit(),
    ),
)

CONTRACTBILLINGTEMPLATEENTRY = ObjectSpec(
    name="CONTRACTBILLINGTEMPLATEENTRY",
    label="Contract Billing Template Entry",
    id_field=None,
    writable=False,
    relationships=relationships("CONTRACTBILLINGTEMPLATEENTRY"),
    fields=defined(
        "CONTRACTBILLINGTEMPLATEENTRY",
        RECORDNO,
        Field("TEMPLATEKEY", INT),
        Field("TEMPLATENAME"),
        Field("PERIODOFFSET", INT, required=True),
        Field("PERCENTBILLED", D, required=True),
        *audit(),
    ),
)

RENEWALMACRO = ObjectSpec(
    name="RENEWALMACRO",
    label="Renewal Template",
    id_field="NAME",
    relationships=relationships("RENEWALMACRO"),
    fields=defined(
        "RENEWALMACRO",
        RECORDNO,
        Field("NAME", required=True),
        Field("DESCRIPTION"),
        status(),
        Field("RENEWALTERMLENGTH", INT),
        Field("RENEWALTERMPERIOD", E, choices=("Years", "Months", "Days")),
        *audit(),
    ),
)

CONTRACTREVENUETEMPLATE = ObjectSpec(
    name="CONTRACTREVENUETEMPLATE",
    label="Contract Revenue Template",
    id_field="NAME",
    relationships=relationships("CONTRACTREVENUETEMPLATE"),
    fields=defined(
        "CONTRACTREVENUETEMPLATE",
        RECORDNO,
        Field("NAME", required=True),
        Field("DESCRIPTION"),
        status(),
        *audit(),
    ),
)

CONTRACTPRICELIST = ObjectSpec(
    name="CONTRACTPRICELIST",
    label="Contract Price List",
    id_field="NAME",
    relationships=relationships("CONTRACTPRICELIST"),
    fields=defined(
        "CONTRACTPRICELIST",
        RECORDNO,
        Field("NAME", required=True),
        Field("DESCRIPTION"),
        status(),
        *audit(),
    ),
)

# -- what contract billing produces --------------------------------------------------------

SODOCUMENT_STATES = (
    "Draft",
    "Pending",
    "Closed",
    "Partially Converted",
    "Converted",
    "In Progress",
)

SODOCUMENT = ObjectSpec(
    name="SODOCUMENT",
    label="Order Entry Transaction",
    id_field="DOCID",
    writable=False,
    docpar=True,
    relationships=relationships("SODOCUMENT"),
    fields=defined(
        "SODOCUMENT",
        RECORDNO,
        Field("DOCID"),
        Field("DOCNO"),
        Field("DOCPARID"),
        Field(
            "STATE",
            E,
            choices=SODOCUMENT_STATES,
            codes=(
                ("I", "Draft"),
                ("O", "Pending"),
                ("D", "Closed"),
                ("P", "Partially Converted"),
                ("C", "Converted"),
                ("G", "In Progress"),
            ),
        ),
        Field("WHENCREATED", DT),
        Field("WHENDUE", DT),
        *texts("CUSTVENDID", "CUSTVENDNAME", "CONTRACTID"),
        Field("CONTRACTKEY", INT),
        *texts("BILLTO.CONTACTNAME", "SHIPTO.CONTACTNAME", "TERM.NAME", "CURRENCY", "BASECURR"),
        Field("SUBTOTAL", D),
        Field("TOTAL", D),
        Field("TRX_TOTAL", D),
        Field("PRRECORDKEY", INT),
        Field("MESSAGE"),
        *audit("AUWHENCREATED"),
    ),
)

SODOCUMENTENTRY = ObjectSpec(
    name="SODOCUMENTENTRY",
    label="Order Entry Transaction Line",
    id_field=None,
    writable=False,
    docpar=True,
    relationships=relationships("SODOCUMENTENTRY"),
    fields=defined(
        "SODOCUMENTENTRY",
        RECORDNO,
        Field("DOCHDRNO", INT),
        Field("DOCHDRID"),
        Field("DOCPARID"),
        Field("LINE_NO", INT),
        Field("ITEMID"),
        Field("ITEMDESC"),
        Field("QUANTITY", D),
        Field("PRICE", D),
        Field("TOTAL", D),
        Field("CONTRACTID"),
        Field("CONTRACTDETAILKEY", INT),
        Field("REVRECSTARTDATE", DT),
        Field("REVRECENDDATE", DT),
        Field("MEMO"),
        *audit("AUWHENCREATED"),
    ),
)

ARINVOICE = ObjectSpec(
    name="ARINVOICE",
    label="AR Invoice",
    id_field=None,
    writable=False,
    relationships=relationships("ARINVOICE"),
    fields=defined(
        "ARINVOICE",
        RECORDNO,
        Field("RECORDTYPE", default="ri"),
        Field("RECORDID"),
        Field("DOCNUMBER"),
        Field("CUSTOMERID"),
        Field("CUSTOMERNAME"),
        Field(
            "STATE",
            E,
            choices=("Draft", "Posted", "Partially Paid", "Paid", "Reversed"),
            codes=(("D", "Draft"), ("A", "Posted"), ("P", "Paid")),
        ),
        Field("WHENCREATED", DT),
        Field("WHENPOSTED", DT),
        Field("WHENDUE", DT),
        Field("WHENPAID", DT),
        *texts("TERMNAME", "DESCRIPTION", "CURRENCY", "BASECURR", "BILLTO.CONTACTNAME"),
        Field("TOTALENTERED", D),
        Field("TOTALPAID", D),
        Field("TOTALDUE", D),
        Field("TRX_TOTALENTERED", D),
        Field("TRX_TOTALDUE", D),
        *audit("AUWHENCREATED"),
    ),
)

ARINVOICEITEM = ObjectSpec(
    name="ARINVOICEITEM",
    label="AR Invoice Line",
    id_field=None,
    writable=False,
    relationships=relationships("ARINVOICEITEM"),
    fields=defined(
        "ARINVOICEITEM",
        RECORDNO,
        Field("RECORDKEY", INT),
        Field("LINE_NO", INT),
        Field("ITEMID"),
        Field("ENTRYDESCRIPTION"),
        Field("AMOUNT", D),
        Field("TRX_AMOUNT", D),
        Field("CONTRACTID"),
        Field("CONTRACTDETAILKEY", INT),
        *audit("AUWHENCREATED"),
    ),
)

# Order Entry price lists (developer.intacct.com "Order Entry Price Lists" and "... Price
# List Entries"): a list by NAME, its entries per item, a VALUE of a VALUETYPE (``Actual``:
# the price itself; the others mark up or discount a base price), in a CURRENCY.
SOPRICELIST = ObjectSpec(
    name="SOPRICELIST",
    label="Order Entry Price List",
    id_field="NAME",
    fields=(
        RECORDNO,
        Field("NAME", required=True),
        Field("DATEFROM", DT),
        Field("DATETO", DT),
        Field("SALEPURCHASE", E, choices=("Sales", "Purchase"), default="Sales"),
        status(),
        *audit(),
    ),
)
PRICE_VALUE_TYPES = (
    "Actual",
    "Dollar Markup",
    "Dollar Discount",
    "Percent Markup",
    "Percent Discount",
)
SOPRICELISTENTRY = ObjectSpec(
    name="SOPRICELISTENTRY",
    label="Order Entry Price List Entry",
    id_field=None,
    fields=(
        RECORDNO,
        Field("PRICELISTID", required=True),
        Field("ITEMID", required=True),
        Field("PRODUCTLINEID"),
        Field("DATEFROM", DT),
        Field("DATETO", DT),
        Field("QTYLIMITMIN", D),
        Field("QTYLIMITMAX", D),
        Field("VALUE", D, required=True),
        Field("VALUETYPE", E, choices=PRICE_VALUE_TYPES, default="Actual"),
        Field("FIXED", B, default=False),
        status(),
        Field("CURRENCY"),
        *audit(),
    ),
)

# Contract billing price list entries (developer.intacct.com "Billing Price List Entries"):
# an item's price in a CONTRACTPRICELIST (PRICELISTNAME), created with its entry details
# nested (CONTRACTITEMPRICELISTENTRIES/CONTRACTITEMPRICELISTENTRY: STARTDATE, VALUE, the
# flat amount for INCLUDEDUNITS, and VARUNITRATE). The emulator keeps one detail per entry.
_ENTRY = "CONTRACTITEMPRICELISTENTRIES.CONTRACTITEMPRICELISTENTRY."
CONTRACTITEMPRICELIST = ObjectSpec(
    name="CONTRACTITEMPRICELIST",
    label="Billing Price List Entry",
    id_field=None,
    fields=(
        RECORDNO,
        Field("PRICELISTNAME", required=True),
        Field("ITEMID", required=True),
        Field("ITMPRCLSTTYP", E, choices=("Range", "Tiered"), default="Range"),
        Field("ISTIEREDSTEP", E, choices=("Volume", "Step", "Absolute")),
        Field("CURRENCY"),
        Field("QTYRSTPRD", E, choices=("After each renewal", "After each invoice")),
        Field("ISQTYRECUR", B, default=False),
        Field(
            "FLTAMTFREQ",
            E,
            choices=("One-time", "Use billing template", "Include with every invoice"),
        ),
        Field("VARUNITDIVSR", D),
        Field("ROUNDUP", E, choices=("Standard", "Round Up", "Round Down"), default="Standard"),
        Field(_ENTRY + "STARTDATE", DT),
        Field(_ENTRY + "VALUE", D),
        Field(_ENTRY + "INCLUDEDUNITS", D),
        Field(_ENTRY + "VARUNITRATE", D),
        status(),
        *audit(),
    ),
)

# AR payments (developer.intacct.com "AR Payments"): a header (ARPYMT, RECORDTYPE ``rp``) and
# one payment detail (ARPYMTDETAIL) per invoice it pays, ``RECORDKEY`` naming the invoice.
ARPYMT = ObjectSpec(
    name="ARPYMT",
    label="AR Payment",
    id_field=None,
    writable=False,
    fields=(
        RECORDNO,
        Field("RECORDTYPE", default="rp"),
        Field("DOCNUMBER"),
        Field("DESCRIPTION"),
        Field("CUSTOMERID"),
        Field("CUSTOMERNAME"),
        Field(
            "STATE",
            E,
            choices=("Draft", "Submitted", "Complete", "Reversed"),
            codes=(("D", "Draft"), ("S", "Submitted"), ("C", "Complete"), ("V", "Reversed")),
            default="Complete",
        ),
        Field("PAYMENTMETHOD"),
        Field("WHENCREATED", DT),
        Field("WHENPAID", DT),
        Field("CURRENCY"),
        Field("BASECURR"),
        Field("TOTALENTERED", D),
        Field("TRX_TOTALENTERED", D),
        Field("TOTALPAID", D),
        Field("TRX_TOTALPAID", D),
        *audit("AUWHENCREATED"),
    ),
)

ARPYMTDETAIL = ObjectSpec(
    name="ARPYMTDETAIL",
    label="AR Payment Detail",
    id_field=None,
    writable=False,
    fields=(
        RECORDNO,
        Field("PAYMENTKEY", INT),
        Field("RECORDKEY", INT),
        Field("ENTRYKEY", INT),
        Field("PAYMENTAMOUNT", D),
        Field("TRX_PAYMENTAMOUNT", D),
        *audit("AUWHENCREATED"),
    ),
)

ALL: tuple[ObjectSpec, ...] = (
    CUSTOMER,
    CONTACT,
    ITEM,
    CONTRACT,
    CONTRACTDETAIL,
    ARTERM,
    CONTRACTBILLINGTEMPLATE,
    CONTRACTBILLINGTEMPLATEENTRY,
    RENEWALMACRO,
    CONTRACTREVENUETEMPLATE,
    CONTRACTPRICELIST,
    SODOCUMENT,
    SODOCUMENTENTRY,
    ARINVOICE,
    ARINVOICEITEM,
    ARPYMT,
    ARPYMTDETAIL,
    SOPRICELIST,
    SOPRICELISTENTRY,
    CONTRACTITEMPRICELIST,
    *PROJECT_OBJECTS,
    *LIST_OBJECTS,
    *RECURRING_OBJECTS,
    AUDITHISTORY,
)
_BY_NAME = {spec.name: spec for spec in ALL}


def lookup(name: str) -> ObjectSpec | None:
    """Object names are case-insensitive on the way in (``<object>customer</object>``)."""
    return _BY_NAME.get(name.strip().upper())


def names() -> Iterable[str]:
    return _BY_NAME.keys()
