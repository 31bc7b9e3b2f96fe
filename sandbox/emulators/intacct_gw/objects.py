"""The Intacct objects the emulator knows, with their fields (dotted for nested groups),
types, keys and required fields."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ObjectSpec:
    name: str
    key: str  # the ID field people use (readByName, update by ID); RECORDNO always works
    fields: dict[str, str]  # name -> type: text, date, decimal, int, bool, timestamp
    required: tuple[str, ...] = ()
    sequenced: bool = False  # the key may come from a document sequence
    max_lengths: dict[str, int] = field(default_factory=dict)
    enums: dict[str, tuple[str, ...]] = field(default_factory=dict)


def _address(prefix: str) -> dict[str, str]:
    parts = ("ADDRESS1", "ADDRESS2", "CITY", "STATE", "ZIP", "COUNTRY")
    return {f"{prefix}.{p}": "text" for p in parts}


def _contact(prefix: str) -> dict[str, str]:
    names = (
        "CONTACTNAME",
        "PRINTAS",
        "COMPANYNAME",
        "PREFIX",
        "FIRSTNAME",
        "LASTNAME",
        "PHONE1",
        "PHONE2",
        "CELLPHONE",
        "FAX",
        "EMAIL1",
        "EMAIL2",
        "URL1",
    )
    return {f"{prefix}.{n}": "text" for n in names} | _address(f"{prefix}.MAILADDRESS")


SYSTEM = {
    "RECORDNO": "int",
    "WHENCREATED": "timestamp",
    "WHENMODIFIED": "timestamp",
    "CREATEDBY": "text",
    "MODIFIEDBY": "text",
}
BILLING_FREQUENCIES = ("Monthly", "Quarterly", "Annually", "One-time")
STATUSES = ("active", "inactive")

OBJECTS: dict[str, ObjectSpec] = {
    o.name: o
    for o in (
        ObjectSpec(
            "CUSTOMER",
            key="CUSTOMERID",
            fields=SYSTEM
            | {
                "CUSTOMERID": "text",
                "NAME": "text",
                "STATUS": "text",
                "TERMNAME": "text",
                "CURRENCY": "text",
                "CUSTTYPE": "text",
                "ONHOLD": "bool",
                "CREDITLIMIT": "decimal",
                "TOTALDUE": "decimal",
                "PARENTID": "text",
            }
            | _contact("DISPLAYCONTACT"),
            required=("CUSTOMERID", "NAME"),
            max_lengths={"CUSTOMERID": 20, "NAME": 100},
            enums={"STATUS": STATUSES},
        ),
        ObjectSpec(
            "CONTACT",
            key="CONTACTNAME",
            fields=SYSTEM
            | {
                n: "text"
                for n in (
                    "CONTACTNAME",
                    "PRINTAS",
                    "COMPANYNAME",
                    "PREFIX",
                    "FIRSTNAME",
                    "LASTNAME",
                    "PHONE1",
                    "PHONE2",
                    "CELLPHONE",
                    "FAX",
                    "EMAIL1",
                    "EMAIL2",
                    "URL1",
                    "STATUS",
                )
            }
            | _address("MAILADDRESS"),
            required=("CONTACTNAME", "PRINTAS"),
            max_lengths={"CONTACTNAME": 200, "PRINTAS": 200},
            enums={"STATUS": STATUSES},
        ),
        ObjectSpec(
            "ITEM",
            key="ITEMID",
            fields=SYSTEM
            | {
                "ITEMID": "text",
                "NAME": "text",
                "STATUS": "text",
                "ITEMTYPE": "text",
                "PRODUCTLINEID": "text",
                "BASEPRICE": "decimal",
                "STANDARD_COST": "decimal",
                "UOMGRP": "text",
                "EXTENDED_DESCRIPTION": "text",
            },
            required=("ITEMID", "NAME"),
            enums={
                "ITEMTYPE": (
                    "Inventory",
                    "Non-Inventory",
                    "Non-Inventory (Purchase only)",
                    "Non-Inventory (Sales only)",
                    "Kit",
                    "Stockable Kit",
                ),
                "STATUS": STATUSES,
            },
        ),
        ObjectSpec(
            "ARTERM",
            key="NAME",
            fields=SYSTEM
            | {"NAME": "text", "DESCRIPTION": "text", "DUEDATE": "int", "STATUS": "text"},
            required=("NAME",),
        ),
        ObjectSpec(
            "CONTRACT",
            key="CONTRACTID",
            fields=SYSTEM
            | {
                "CONTRACTID": "text",
                "NAME": "text",
                "CUSTOMERID": "text",
                "CUSTOMERNAME": "text",
                "BILLTOCONTACTNAME": "text",
                "SHIPTOCONTACTNAME": "text",
                "BEGINDATE": "date",
                "ENDDATE": "date",
                "TERMNAME": "text",
                "BILLINGFREQUENCY": "text",
                "CURRENCY": "text",
                "STATE": "text",
                "STATUS": "text",
                "DESCRIPTION": "text",
                "PRCLIST": "text",
                "RENEWALTEMPLATENAME": "text",
                "TOTALCONTRACTVALUE": "decimal",
            },
            required=("CONTRACTID", "NAME", "CUSTOMERID", "BEGINDATE", "ENDDATE"),
            sequenced=True,
            max_lengths={"NAME": 100},
            enums={"BILLINGFREQUENCY": BILLING_FREQUENCIES, "STATUS": STATUSES},
        ),
        ObjectSpec(
            "CONTRACTDETAIL",
            key="RECORDNO",
            fields=SYSTEM
            | {
                "CONTRACTID": "text",
                "LINENO": "int",
                "ITEMID": "text",
                "ITEMNAME": "text",
                "BEGINDATE": "date",
                "ENDDATE": "date",
                "BILLINGMETHOD": "text",
                "FLATAMOUNT": "decimal",
                "QUANTITY": "decimal",
                "PRICE": "decimal",
                "BILLINGFREQUENCY": "text",
                "STATE": "text",
                "MEMO": "text",
                "REVENUETEMPLATENAME": "text",
                "TOTALBILLED": "decimal",
            },
            required=("CONTRACTID", "ITEMID", "BEGINDATE", "BILLINGMETHOD"),
            enums={
                "BILLINGMETHOD": ("Fixed price", "Quantity based"),
                "BILLINGFREQUENCY": BILLING_FREQUENCIES,
            },
        ),
        ObjectSpec(
            "ARINVOICE",
            key="RECORDNO",
            fields=SYSTEM
            | {
                "RECORDID": "text",
                "CUSTOMERID": "text",
                "CONTRACTID": "text",
                "WHENPOSTED": "date",
                "WHENDUE": "date",
                "TOTALENTERED": "decimal",
                "TOTALDUE": "decimal",
                "TOTALPAID": "decimal",
                "STATE": "text",
                "CURRENCY": "text",
                "DESCRIPTION": "text",
            },
            required=("CUSTOMERID",),
        ),
    )
}
