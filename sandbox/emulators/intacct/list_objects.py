"""The dimension and company lists Intacct's CRM integration mirrors into Salesforce, beyond
the contract lists (:mod:`managed_lists`) and the project lists (:mod:`project_objects`):
classes (``CLASS``: ``CLASSID``, ``NAME``), departments (``DEPARTMENT``: ``DEPARTMENTID``,
``TITLE``), employees (``EMPLOYEE``: ``EMPLOYEEID``, ``PERSONALINFO.CONTACTNAME``),
locations (``LOCATION``: ``LOCATIONID``, ``NAME``), territories (``TERRITORY``:
``TERRITORYID``, ``NAME``), exchange rate types (``EXCHANGERATETYPES``: ``ID``, ``NAME``,
``ISDEFAULT``, developer.intacct.com "Exchange Rates", which documents no change stamps, so
readers take the whole list each time; the built-in "Intacct Daily Rate" is hidden from the
API's lists) and project templates
(``PROJECTTEMPLATE``: ``NAME``, ``DESCRIPTION`` — this object's name is the emulator's
assumption). Each dimension has ``STATUS`` active/inactive and the audit stamps.
"""

from __future__ import annotations

from sandbox.emulators.intacct.project_objects import RECORDNO, audit, status
from sandbox.emulators.intacct.schema import Field, Kind, ObjectSpec
from sandbox.emulators.intacct.store import Company


def dimension(name: str, label: str, id_field: str, *fields: Field) -> ObjectSpec:
    return ObjectSpec(
        name=name,
        label=label,
        id_field=id_field,
        fields=(RECORDNO, Field(id_field, required=True), *fields, status(), *audit()),
    )


CLASS = dimension(
    "CLASS",
    "Class",
    "CLASSID",
    Field("NAME", required=True),
    Field("DESCRIPTION"),
    Field("PARENTID"),
)
DEPARTMENT = dimension(
    "DEPARTMENT", "Department", "DEPARTMENTID", Field("TITLE", required=True), Field("PARENTID")
)
EMPLOYEE = dimension(
    "EMPLOYEE",
    "Employee",
    "EMPLOYEEID",
    Field("PERSONALINFO.CONTACTNAME", required=True),
    Field("TITLE"),
    Field("DEPARTMENTID"),
    Field("LOCATIONID"),
)
LOCATION = dimension(
    "LOCATION", "Location", "LOCATIONID", Field("NAME", required=True), Field("PARENTID")
)
TERRITORY = dimension(
    "TERRITORY", "Territory", "TERRITORYID", Field("NAME", required=True), Field("PARENTID")
)
PROJECTTEMPLATE = dimension("PROJECTTEMPLATE", "Project Template", "NAME", Field("DESCRIPTION"))
EXCHANGERATETYPES = ObjectSpec(
    name="EXCHANGERATETYPES",
    label="Exchange Rate Type",
    id_field="NAME",
    fields=(
        RECORDNO,
        Field("ID", Kind.INTEGER, readonly=True),
        Field("NAME", required=True),
        Field("ISDEFAULT", Kind.BOOLEAN, default=False),
        *audit(),
    ),
)

ALL: tuple[ObjectSpec, ...] = (
    CLASS,
    DEPARTMENT,
    EMPLOYEE,
    LOCATION,
    TERRITORY,
    PROJECTTEMPLATE,
    EXCHANGERATETYPES,
)

SEED: tuple[tuple[ObjectSpec, tuple[dict[str, object], ...]], ...] = (
    (
        CLASS,
        ({"CLASSID": "ENT", "NAME": "Enterprise"}, {"CLASSID": "SMB", "NAME": "Small business"}),
    ),
    (
        DEPARTMENT,
        ({"DEPARTMENTID": "SVC", "TITLE": "Services"}, {"DEPARTMENTID": "SLS", "TITLE": "Sales"}),
    ),
    (
        EMPLOYEE,
        (
            {"EMPLOYEEID": "E-1", "PERSONALINFO.CONTACTNAME": "Rivera, Ana", "TITLE": "Consultant"},
            {"EMPLOYEEID": "E-2", "PERSONALINFO.CONTACTNAME": "Okafor, Ben", "TITLE": "Manager"},
        ),
    ),
    (
        LOCATION,
        (
            {"LOCATIONID": "US-SF", "NAME": "San Francisco"},
            {"LOCATIONID": "UK-LON", "NAME": "London"},
        ),
    ),
    (TERRITORY, ({"TERRITORYID": "WEST", "NAME": "West"}, {"TERRITORYID": "EMEA", "NAME": "EMEA"})),
    (PROJECTTEMPLATE, ({"NAME": "Implementation (8 weeks)", "DESCRIPTION": "Standard rollout"},)),
    (EXCHANGERATETYPES, ({"NAME": "Corporate rate", "ISDEFAULT": False},)),
)


def seed(company: Company, user_key: int) -> None:
    for spec, rows in SEED:
        for row in rows:
            values = dict(row)
            if spec is EXCHANGERATETYPES:
                values["ID"] = len(company.rows(spec)) + 1
            else:
                values["STATUS"] = "active"
            company.insert(spec, values, user_key)
