"""``AUDITHISTORY``: the company's audit trail, one row per record created, changed or
deleted, queryable with ``query`` like any object (developer.intacct.com, Company console,
"Audit Trails": "Query and List Audit History" returns "information about multiple types of
objects based on query parameters ... all records of a specific object type, all records
across a defined period of time"; its example selects ``OBJECTTYPE``, ``SOURCE`` and
``USERID``). Working with it needs the custom-reports View permission (Platform Services):
a company without it (:attr:`AuditTrail.permitted` off) refuses the query as the gateway
refuses an object the user may not see.

The page names ``OBJECTTYPE``, ``SOURCE`` and ``USERID``; the other fields here
(``OBJECTKEY``, ``OBJECTDESC``, ``ACCESSTIME``, ``ACCESSMODE``, ``WORKFLOWACTION``) are the
emulator's reading of the object's ``lookup`` and are marked as such: a client should
select only what it needs. ``OBJECTTYPE`` holds the object's name in lower case
(``customer``), as the audit trail's screens show it; ``ACCESSTIME`` has the company
clock's whole seconds, like ``WHENMODIFIED``. Only standard and platform object records
are logged here (user access logs and smart events are left out: nothing reads them).
"""

from __future__ import annotations

from dataclasses import dataclass

from sandbox.emulators.intacct.schema import Field, Kind, ObjectSpec

OBJECT = "AUDITHISTORY"
MODES = ("C", "M", "D")  # created, modified, deleted (emulator's reading)

AUDITHISTORY = ObjectSpec(
    name=OBJECT,
    label="Audit History",
    id_field=None,
    writable=False,
    fields=(
        Field("RECORDNO", Kind.INTEGER, readonly=True),
        Field("OBJECTTYPE", readonly=True),
        Field("OBJECTKEY", readonly=True),
        Field("OBJECTDESC", readonly=True),
        Field("USERID", readonly=True),
        Field("ACCESSTIME", Kind.TIMESTAMP, readonly=True),
        Field("ACCESSMODE", Kind.ENUM, choices=MODES, readonly=True),
        Field("SOURCE", readonly=True),
        Field("WORKFLOWACTION", readonly=True),
    ),
)


@dataclass
class AuditTrail:
    """Whether the company's API user may read the trail (the custom-reports permission)."""

    permitted: bool = True
