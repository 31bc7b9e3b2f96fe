"""Object definitions: every documented field selectable, lookup and inspect answers.

Examples from developer.intacct.com "Objects" (``<lookup><object>CUSTOMER</object>``,
``<inspect detail="1"><object>…``, ``<inspect><object>*</object>``), "Queries"
("Finding an object's queryable fields and values") and the "Customers" page, checked
against the shapes of recorded gateway answers (see
``sandbox/emulators/intacct/object_definitions.py``).
"""

from __future__ import annotations

import pytest

from sandbox.emulators.intacct import IntacctEmulator, objects
from sandbox.emulators.intacct.schema import ObjectSpec
from tests.unit.emulators.intacct.conftest import XmlClient, customer_xml

SERVED = [pytest.param(spec, id=spec.name) for spec in objects.ALL]


def select_all(spec: ObjectSpec) -> str:
    fields = "".join(f"<field>{name}</field>" for name in spec.names())
    return f"<query><object>{spec.name}</object><select>{fields}</select></query>"


def flat_tags(node: object) -> list[str]:
    """``<DISPLAYCONTACT><MAILADDRESS><CITY>`` -> ``DISPLAYCONTACT.MAILADDRESS.CITY``."""
    names: list[str] = []

    def walk(element: object, prefix: str) -> None:
        for child in element:  # type: ignore[attr-defined]
            name = prefix + child.tag
            if len(child):
                walk(child, name + ".")
            else:
                names.append(name)

    walk(node, "")
    return names


@pytest.mark.parametrize("spec", SERVED)
def test_query_selects_every_field_of_the_object_by_name(gw: XmlClient, spec: ObjectSpec) -> None:
    # Given a company (with its managed lists) and one customer
    gw.one(customer_xml())
    # When a query selects every field the object's definition lists, by name
    result = gw.one(select_all(spec))
    # Then it succeeds, and each record answers every selected field in order
    assert result.status == "success", result.errors
    for record in result.records():
        assert [child.tag for child in record] == spec.names()


@pytest.mark.parametrize("spec", SERVED)
def test_read_by_query_names_every_field_of_the_object(gw: XmlClient, spec: ObjectSpec) -> None:
    # Given a company and one customer
    gw.one(customer_xml())
    # When readByQuery names every field of the object in <fields>
    body = (
        f"<readByQuery><object>{spec.name}</object><fields>{','.join(spec.names())}</fields>"
        "<query></query><pagesize>5</pagesize></readByQuery>"
    )
    result = gw.one(body)
    # Then it succeeds and every field is in each record (owned objects nested, so a
    # group's fields sit together)
    assert result.status == "success", result.errors
    for record in result.records():
        assert sorted(flat_tags(record)) == sorted(spec.names())


def test_fields_a_client_selects_by_default_answer_empty_when_unset(gw: XmlClient) -> None:
    # Given a customer created with only an ID and a name
    gw.one(customer_xml("C-7", "Initech"))
    # When a query selects read-only and system fields nobody set
    fields = ["CUSTOMERID", "ENTITY", "PARENTKEY", "PARENTNAME", "CUSTREPNAME", "GLGRPKEY"]
    select = "".join(f"<field>{f}</field>" for f in [*fields, "OBJECTRESTRICTION"])
    result = gw.one(f"<query><object>CUSTOMER</object><select>{select}</select></query>")
    # Then each is there, empty, beside the ID
    record = result.records()[0]
    assert record.findtext("CUSTOMERID") == "C-7"
    assert [record.findtext(f) for f in fields[1:]] == ["", "", "", "", ""]


@pytest.mark.parametrize(
    ("object_name", "field"),
    [
        ("CUSTOMER", "ENTITY"),
        ("CUSTOMER", "PARENTKEY"),
        ("CUSTOMER", "PARENTNAME"),
        ("CUSTOMER", "CUSTREPNAME"),
        ("CUSTOMER", "GLGRPKEY"),
        ("CUSTOMER", "OBJECTRESTRICTION"),
        ("ITEM", "MRR"),
        ("CONTRACTDETAIL", "BILLTOSOURCE"),
        ("CONTRACTDETAIL", "SHIPTOSOURCE"),
        ("CONTRACTDETAIL", "TASKID"),
        ("CONTRACTDETAIL", "REVENUE2STARTDATE"),
        ("CONTRACTDETAIL", "USAGEQTYRESETPERIOD"),
    ],
)
def test_fields_missing_before_are_selectable(gw: XmlClient, object_name: str, field: str) -> None:
    # Given a documented field the emulator used not to know
    # When a query selects it
    result = gw.one(
        f"<query><object>{object_name}</object><select><field>RECORDNO</field>"
        f"<field>{field}</field></select></query>"
    )
    # Then the query succeeds
    assert result.status == "success", result.errors


@pytest.mark.parametrize(
    "body",
    [
        "<query><object>CUSTOMER</object><select><field>NOPE</field></select></query>",
        "<query><object>CUSTOMER</object><select><field>RECORDNO</field></select>"
        "<filter><equalto><field>NOPE</field><value>x</value></equalto></filter></query>",
        "<query><object>CUSTOMER</object><select><field>RECORDNO</field></select>"
        "<orderby><order><field>NOPE</field><ascending/></order></orderby></query>",
        "<readByQuery><object>CUSTOMER</object><fields>RECORDNO,NOPE</fields>"
        "<query></query></readByQuery>",
        "<readByQuery><object>CUSTOMER</object><fields>*</fields>"
        "<query>NOPE = 'x'</query></readByQuery>",
        "<read><object>CUSTOMER</object><keys>1</keys><fields>NOPE</fields></read>",
        "<readByName><object>CUSTOMER</object><keys>C-100</keys><fields>NOPE</fields></readByName>",
    ],
)
def test_an_undocumented_field_fails_as_the_gateway_fails_it(gw: XmlClient, body: str) -> None:
    # Given a customer
    gw.one(customer_xml())
    # When a function names a field CUSTOMER does not have
    result = gw.one(body)
    # Then that function fails with XL03000010 naming object and field
    assert result.status == "failure"
    assert result.errors == [("XL03000010", "Field requested is not valid: customer.NOPE")]


# -- lookup --------------------------------------------------------------------------------


def test_lookup_answers_the_customer_definition(gw: XmlClient) -> None:
    # Given the documented request
    # When lookup runs on CUSTOMER
    result = gw.one("<lookup><object>CUSTOMER</object></lookup>")
    # Then <data listtype="All" count="1"> holds one Type with every field and relationship
    assert result.status == "success", result.errors
    assert result.data is not None
    assert (result.data.get("listtype"), result.data.get("count")) == ("All", "1")
    node = result.data.find("Type")
    assert node is not None
    assert node.attrib == {"Name": "CUSTOMER", "DocumentType": ""}
    fields = node.findall("Fields/Field")
    assert [f.findtext("ID") for f in fields] == objects.CUSTOMER.names()
    first = fields[0]
    assert [child.tag for child in first] == [
        "ID",
        "LABEL",
        "DESCRIPTION",
        "REQUIRED",
        "READONLY",
        "DATATYPE",
        "ISCUSTOM",
    ]
    assert [child.text for child in first] == [
        "RECORDNO",
        "Record number",
        "Record number",
        "false",
        "true",
        "INTEGER",
        "false",
    ]
    by_id = {f.findtext("ID"): f for f in fields}
    status = by_id["STATUS"]
    assert [v.text for v in status.findall("VALIDVALUES/VALIDVALUE")] == [
        "active",
        "active non-posting",
        "inactive",
    ]
    assert by_id["ENTITY"].findtext("READONLY") == "true"
    assert by_id["CREDITLIMIT"].findtext("DATATYPE") in ("DECIMAL", "CURRENCY")
    # and the relationships the "Objects" page shows for CUSTOMER
    relationships = {
        r.findtext("OBJECTPATH"): [child.text or "" for child in r]
        for r in node.findall("Relationships/Relationship")
    }
    assert relationships["ACCOUNTLABEL"] == [
        "ACCOUNTLABEL",
        "ARACCOUNTLABEL",
        "",
        "MANY2ONE",
        "ACCOUNTLABEL",
    ]
    assert relationships["PRIMARYCONTACT"][1:] == [
        "CONTACT",
        "Primary contact",
        "MANY2ONE",
        "CONTACTINFO.CONTACTNAME",
    ]
    assert relationships["PARENT"][3:] == ["MANY2ONE", "PARENTID"]


@pytest.mark.parametrize("spec", SERVED)
def test_lookup_lists_every_field_each_served_object_answers(
    gw: XmlClient, spec: ObjectSpec
) -> None:
    # Given a served object, named in lower case
    # When lookup runs on it
    result = gw.one(f"<lookup><object>{spec.name.lower()}</object></lookup>")
    # Then its fields are exactly the ones reads answer, each fully described
    assert result.status == "success", result.errors
    assert result.data is not None
    fields = result.data.findall("Type/Fields/Field")
    assert [f.findtext("ID") for f in fields] == spec.names()
    for field in fields:
        assert field.findtext("DATATYPE") in {
            "TEXT",
            "INTEGER",
            "DECIMAL",
            "CURRENCY",
            "PERCENT",
            "DATE",
            "TIMESTAMP",
            "BOOLEAN",
            "ENUM",
        }
        assert field.find("LABEL") is not None
        assert field.findtext("ISCUSTOM") == "false"


def test_lookup_values_drive_a_query(gw: XmlClient) -> None:
    # Given the documented flow: lookup, then query on one of a field's valid values
    gw.one(customer_xml("C-1", "Active one"))
    gw.one(customer_xml("C-2", "Gone", extra="<STATUS>inactive</STATUS>"))
    definition = gw.one("<lookup><object>CUSTOMER</object></lookup>")
    assert definition.data is not None
    status = next(
        f for f in definition.data.findall("Type/Fields/Field") if f.findtext("ID") == "STATUS"
    )
    inactive = status.findall("VALIDVALUES/VALIDVALUE")[-1].text
    # When a query filters on that value
    result = gw.one(
        "<query><object>CUSTOMER</object><filter><equalto><field>STATUS</field>"
        f"<value>{inactive}</value></equalto></filter><select><field>CUSTOMERID</field>"
        "</select></query>"
    )
    # Then it finds the customer with that status
    assert result.values("CUSTOMERID") == ["C-2"]


def test_lookup_by_name_and_document_type(gw: XmlClient) -> None:
    # Given the printable name and a transaction definition
    # When lookup runs with <name> and with <docparid>
    by_name = gw.one("<lookup><name>Contract Line</name></lookup>")
    by_docpar = gw.one(
        "<lookup><object>SODOCUMENT</object><docparid>Contract Invoice</docparid></lookup>"
    )
    # Then each answers its object, the second with its document type
    assert by_name.data is not None
    assert by_docpar.data is not None
    assert by_name.data.find("Type").attrib["Name"] == "CONTRACTDETAIL"  # type: ignore[union-attr]
    assert by_docpar.data.find("Type").attrib == {  # type: ignore[union-attr]
        "Name": "SODOCUMENT",
        "DocumentType": "Contract Invoice",
    }


def test_lookup_of_an_object_without_a_recorded_definition(gw: XmlClient) -> None:
    # Given an object described only by the emulator's own fields
    # When lookup runs on it
    result = gw.one("<lookup><object>ARINVOICEITEM</object></lookup>")
    # Then its fields carry the gateway's texts for unlabelled fields and their types
    assert result.data is not None
    fields = {f.findtext("ID"): f for f in result.data.findall("Type/Fields/Field")}
    assert list(fields) == objects.ARINVOICEITEM.names()
    assert fields["AMOUNT"].findtext("DATATYPE") == "DECIMAL"
    assert fields["AMOUNT"].findtext("LABEL") == "No label specified"


def test_lookup_of_an_unknown_object_fails_only_that_function(gw: XmlClient) -> None:
    # Given a request with an unknown object's lookup and a good one
    reply = gw.post(
        '<function controlid="bad"><lookup><object>WIDGET</object></lookup></function>',
        '<function controlid="good"><lookup><object>ARTERM</object></lookup></function>',
    )
    # Then the request is read (no control-level failure) and only the first fails
    assert reply.control_status == "success"
    assert [r.status for r in reply.results] == ["failure", "success"]


# -- inspect -------------------------------------------------------------------------------


def test_inspect_star_lists_the_objects(gw: XmlClient) -> None:
    # Given the documented "Query and List Objects" request
    # When inspect runs on *
    result = gw.one("<inspect><object>*</object></inspect>")
    # Then each served object is a <type typename=…> with its printable name
    assert result.data is not None
    types = {t.get("typename"): t.text for t in result.data.findall("type")}
    assert set(types) == {spec.name for spec in objects.ALL}
    assert types["CUSTOMER"] == "Customer"


def test_inspect_summary_lists_field_names(gw: XmlClient) -> None:
    # Given the summary form (detail 0, the default)
    # When inspect runs on CONTACT
    result = gw.one('<inspect detail="0"><object>CONTACT</object></inspect>')
    # Then <Type Name="CONTACT"><Fields> holds each field's name
    assert result.data is not None
    node = result.data.find("Type")
    assert node is not None
    assert node.get("Name") == "CONTACT"
    assert [f.text for f in node.findall("Fields/Field")] == objects.CONTACT.names()


def test_inspect_detail_describes_each_field(gw: XmlClient) -> None:
    # Given the documented "Get Object Definition (Legacy)" request
    # When inspect runs with detail="1" on CUSTOMER
    result = gw.one('<inspect detail="1"><object>CUSTOMER</object></inspect>')
    # Then the Type has Attributes and one described Field per field
    assert result.data is not None
    node = result.data.find("Type")
    assert node is not None
    assert node.findtext("Attributes/SingularName") == "Customer"
    assert node.findtext("Attributes/PluralName") == "Customers"
    fields = node.findall("Fields/Field")
    assert [f.findtext("Name") for f in fields] == objects.CUSTOMER.names()
    first = fields[0]
    assert [child.tag for child in first] == [
        "Name",
        "GroupName",
        "dataName",
        "externalDataName",
        "isRequired",
        "isReadOnly",
        "maxLength",
        "DisplayLabel",
        "Description",
        "id",
    ]
    assert first.findtext("dataName") == "Pt_FieldInt"
    assert first.findtext("isReadOnly") == "true"
    assert first.findtext("DisplayLabel") == "Record number"


def test_inspect_by_printable_name(gw: XmlClient) -> None:
    # Given the printable-name form
    # When inspect runs with <name>
    result = gw.one('<inspect detail="1"><name>Contract</name></inspect>')
    # Then it describes that object
    assert result.data is not None
    assert result.data.find("Type").get("Name") == "CONTRACT"  # type: ignore[union-attr]


# -- fields of related objects ---------------------------------------------------------------


def test_customers_page_query_example_with_a_related_field(
    gw: XmlClient, emu: IntacctEmulator
) -> None:
    # Given two customers, one owing more than 100
    emu.seed("CUSTOMER", {"CUSTOMERID": "C-1", "NAME": "Owes", "TOTALDUE": "250.50"})
    emu.seed("CUSTOMER", {"CUSTOMERID": "C-2", "NAME": "Paid up", "TOTALDUE": "0"})
    # When the "Customers" page's query runs (total due > 100, ship-to contact's name)
    result = gw.one(
        "<query><object>CUSTOMER</object><filter><greaterthan><field>TOTALDUE</field>"
        "<value>100</value></greaterthan></filter><select><field>RECORDNO</field>"
        "<field>SHIPTOCONTACT.CONTACTNAME</field><field>TOTALDUE</field></select></query>"
    )
    # Then the one customer answers with its ship-to contact's name, flat and dotted
    assert result.status == "success", result.errors
    record = result.records()[0]
    assert [child.tag for child in record] == [
        "RECORDNO",
        "SHIPTOCONTACT.CONTACTNAME",
        "TOTALDUE",
    ]
    assert record.findtext("SHIPTOCONTACT.CONTACTNAME") == "Owes(CC-1)"
    assert record.findtext("TOTALDUE") == "250.5"


def test_related_fields_filter_and_order(gw: XmlClient) -> None:
    # Given a parent customer and two children
    gw.one(customer_xml("P-1", "Holding"))
    gw.one(customer_xml("K-2", "Second", "<PARENTID>P-1</PARENTID>"))
    gw.one(customer_xml("K-1", "First", "<PARENTID>P-1</PARENTID>"))
    # When a query filters on the parent's name and orders by a related field
    result = gw.one(
        "<query><object>CUSTOMER</object><select><field>CUSTOMERID</field>"
        "<field>PARENT.NAME</field></select><filter><equalto><field>PARENT.NAME</field>"
        "<value>Holding</value></equalto></filter><orderby><order>"
        "<field>PARENT.CUSTOMERID</field><ascending/></order><order><field>NAME</field>"
        "<ascending/></order></orderby></query>"
    )
    # Then the children come back with their parent's name, in name order
    assert result.values("CUSTOMERID") == ["K-1", "K-2"]
    assert result.values("PARENT.NAME") == ["Holding", "Holding"]
