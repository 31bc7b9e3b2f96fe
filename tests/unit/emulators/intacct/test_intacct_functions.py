"""The generic write and read functions, required fields, audit fields, sequences."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sandbox.emulators.intacct import IntacctEmulator
from tests.unit.emulators.intacct.conftest import XmlClient, customer_xml, fn


def test_create_returns_lowercase_object_with_recordno_and_id(
    gw: XmlClient, emu: IntacctEmulator
) -> None:
    # Given a customer with a display contact
    extra = (
        "<DISPLAYCONTACT><PRINTAS>Globex Corp</PRINTAS><EMAIL1>hank@globex.example</EMAIL1>"
        "<MAILADDRESS><CITY>Springfield</CITY></MAILADDRESS></DISPLAYCONTACT>"
        "<CREDITLIMIT>2500.50</CREDITLIMIT><TERMNAME>Net 30</TERMNAME>"
    )
    # When it is created
    result = gw.one(customer_xml("C-100", extra=extra))
    # Then the data lists <customer> with RECORDNO and CUSTOMERID
    assert result.data is not None
    assert result.data.attrib == {"listtype": "objects", "count": "1"}
    [node] = result.records()
    assert node.tag == "customer"
    assert (node.findtext("RECORDNO"), node.findtext("CUSTOMERID")) == ("1", "C-100")
    # And the record is stored typed, with its display contact as a CONTACT record
    stored = emu.get("CUSTOMER", "C-100")
    assert stored is not None
    assert stored["CREDITLIMIT"] == Decimal("2500.50")
    assert stored["DISPLAYCONTACT.MAILADDRESS.CITY"] == "Springfield"
    assert stored["DISPLAYCONTACT.CONTACTNAME"] == "Globex(CC-100)"
    contact = emu.get("CONTACT", "Globex(CC-100)")
    assert contact is not None
    assert contact["EMAIL1"] == "hank@globex.example"


def test_create_many_objects_in_one_function(gw: XmlClient, emu: IntacctEmulator) -> None:
    # Given two customers in one create
    body = (
        "<create><CUSTOMER><CUSTOMERID>C-1</CUSTOMERID><NAME>One</NAME></CUSTOMER>"
        "<CUSTOMER><CUSTOMERID>C-2</CUSTOMERID><NAME>Two</NAME></CUSTOMER></create>"
    )
    # When it runs
    result = gw.one(body)
    # Then both are listed and one Call is recorded for the function
    assert result.values("CUSTOMERID") == ["C-1", "C-2"]
    assert emu.calls.count(op="create", target="CUSTOMER") == 1


def test_failed_create_keeps_nothing_of_the_function(gw: XmlClient, emu: IntacctEmulator) -> None:
    # Given a create whose second object is a duplicate of the first
    body = (
        "<create><CUSTOMER><CUSTOMERID>C-1</CUSTOMERID><NAME>One</NAME></CUSTOMER>"
        "<CUSTOMER><CUSTOMERID>C-1</CUSTOMERID><NAME>Again</NAME></CUSTOMER></create>"
    )
    # When it runs
    result = gw.one(body)
    # Then it fails with the duplicate error, shows count 0 and stores nothing
    assert result.status == "failure"
    assert result.errornos == ["BL34000061", "BL01001973"]
    assert result.errors[0][1] == "Another Customer with the given value(s) C-1  already exists"
    assert result.data is not None
    assert result.data.attrib == {"listtype": "objects", "count": "0"}
    assert emu.records("CUSTOMER") == []
    assert emu.records("CONTACT") == []
    assert emu.calls.writes() == []


def test_duplicate_customer_id(gw: XmlClient) -> None:
    # Given an existing customer
    gw.one(customer_xml("C-1"))
    # When another with the same CUSTOMERID is created
    result = gw.one(customer_xml("C-1", name="Other"))
    # Then the duplicate-value error comes back
    assert result.errornos[0] == "BL34000061"


def test_required_fields(gw: XmlClient) -> None:
    # Given creates missing a required field each
    cases = {
        "<create><CUSTOMER><CUSTOMERID>C-1</CUSTOMERID></CUSTOMER></create>": "NAME",
        "<create><CUSTOMER><NAME>No id</NAME></CUSTOMER></create>": "CUSTOMERID",
        "<create><CONTACT><CONTACTNAME>Jane</CONTACTNAME></CONTACT></create>": "PRINTAS",
        "<create><ITEM><ITEMID>I-1</ITEMID><NAME>Item</NAME></ITEM></create>": "ITEMTYPE",
    }
    for body, missing in cases.items():
        # When each runs
        result = gw.one(body)
        # Then it fails naming the missing field
        assert result.status == "failure"
        assert result.errornos[0] == "BL01001973"
        assert f"Required field {missing} is missing" in result.errors[0][1]


def test_unknown_object_and_unknown_field(gw: XmlClient) -> None:
    # Given a create of an unknown object and one with an unknown field
    unknown_object = gw.one("<create><WIDGET><NAME>x</NAME></WIDGET></create>")
    unknown_field = gw.one(customer_xml(extra="<FAVOURITECOLOUR>red</FAVOURITECOLOUR>"))
    # Then both fail at function level
    assert unknown_object.errors[0] == ("BL01001973", "Object definition WIDGET not found")
    assert "FAVOURITECOLOUR is not a valid field" in unknown_field.errors[0][1]


def test_bad_values_are_refused(gw: XmlClient) -> None:
    # Given values that do not fit their fields
    bad_number = gw.one(customer_xml(extra="<CREDITLIMIT>lots</CREDITLIMIT>"))
    bad_choice = gw.one(customer_xml(extra="<STATUS>sleeping</STATUS>"))
    # Then each fails with an invalid-value error
    assert "a number" in bad_number.errors[0][1]
    assert "one of active, active non-posting, inactive" in bad_choice.errors[0][1]


def test_update_by_id_changes_only_given_fields(gw: XmlClient, emu: IntacctEmulator) -> None:
    # Given a customer created at 12:00:00
    gw.one(customer_xml("C-1", extra="<COMMENTS>first</COMMENTS><CREDITLIMIT>10</CREDITLIMIT>"))
    created = emu.get("CUSTOMER", "C-1")
    assert created is not None
    # When it is updated by CUSTOMERID 90 seconds later
    emu.advance_clock(timedelta(seconds=90))
    result = gw.one(
        "<update><CUSTOMER><CUSTOMERID>C-1</CUSTOMERID><COMMENTS>second</COMMENTS></CUSTOMER></update>"
    )
    # Then the answer lists the record, only COMMENTS changed and WHENMODIFIED moved
    assert result.values("RECORDNO") == ["1"]
    updated = emu.get("CUSTOMER", "C-1")
    assert updated is not None
    assert updated["COMMENTS"] == "second"
    assert updated["CREDITLIMIT"] == Decimal("10")
    assert updated["WHENCREATED"] == created["WHENCREATED"]
    assert (updated["WHENMODIFIED"] - created["WHENMODIFIED"]).total_seconds() == 90


def test_update_by_recordno_and_clearing_a_field(gw: XmlClient, emu: IntacctEmulator) -> None:
    # Given a customer with comments
    gw.one(customer_xml("C-1", extra="<COMMENTS>first</COMMENTS>"))
    # When it is updated by RECORDNO with an empty COMMENTS element
    gw.one("<update><CUSTOMER><RECORDNO>1</RECORDNO><COMMENTS></COMMENTS></CUSTOMER></update>")
    # Then the field is cleared
    record = emu.get("CUSTOMER", 1)
    assert record is not None
    assert record["COMMENTS"] is None


def test_update_of_missing_record(gw: XmlClient) -> None:
    # Given no customer C-9
    # When it is updated
    result = gw.one(
        "<update><CUSTOMER><CUSTOMERID>C-9</CUSTOMERID><NAME>x</NAME></CUSTOMER></update>"
    )
    # Then it fails naming the key
    assert result.status == "failure"
    assert "Cannot update non-existing CUSTOMER with CUSTOMERID=C-9." in result.errors[0][1]


def test_update_of_display_contact_reaches_the_contact(gw: XmlClient, emu: IntacctEmulator) -> None:
    # Given a customer and its display contact
    gw.one(customer_xml("C-1"))
    # When the customer's display contact email changes
    gw.one(
        "<update><CUSTOMER><CUSTOMERID>C-1</CUSTOMERID><DISPLAYCONTACT>"
        "<EMAIL1>new@globex.example</EMAIL1></DISPLAYCONTACT></CUSTOMER></update>"
    )
    # Then the CONTACT record changes too
    contact = emu.get("CONTACT", "Globex(CC-1)")
    assert contact is not None
    assert contact["EMAIL1"] == "new@globex.example"


def test_delete_by_recordno(gw: XmlClient, emu: IntacctEmulator) -> None:
    # Given two contacts
    for name in ("Jane", "John"):
        gw.one(
            f"<create><CONTACT><CONTACTNAME>{name}</CONTACTNAME><PRINTAS>{name}</PRINTAS></CONTACT></create>"
        )
    # When both are deleted in one function
    result = gw.one("<delete><object>CONTACT</object><keys>1,2</keys></delete>")
    # Then it succeeds without data and they are gone
    assert result.status == "success"
    assert result.data is None
    assert emu.records("CONTACT") == []
    assert [c.record_id for c in emu.calls.writes("CONTACT")][-1] == "1,2"


def test_delete_of_missing_or_used_record(gw: XmlClient) -> None:
    # Given a customer whose display contact is in use
    gw.one(customer_xml("C-1"))
    # When a missing contact and the used contact are deleted
    missing = gw.one("<delete><object>CONTACT</object><keys>99</keys></delete>")
    used = gw.one("<delete><object>CONTACT</object><keys>1</keys></delete>")
    # Then both fail
    assert missing.errors[0] == ("BL01001973", "Cannot find contact with key '99' to delete.")
    assert "it is used by customer C-1" in used.errors[0][1]


def test_read_returns_uppercase_objects_with_requested_fields(gw: XmlClient) -> None:
    # Given two customers
    gw.one(customer_xml("C-1", name="One"))
    gw.one(customer_xml("C-2", name="Two"))
    # When both are read by RECORDNO with two fields
    result = gw.one(
        "<read><object>CUSTOMER</object><keys>1,2,77</keys><fields>CUSTOMERID,NAME</fields></read>"
    )
    # Then data is listtype CUSTOMER with <CUSTOMER> elements holding just those fields
    assert result.data is not None
    assert result.data.attrib == {"listtype": "CUSTOMER", "count": "2"}
    assert [n.tag for n in result.records()] == ["CUSTOMER", "CUSTOMER"]
    assert [child.tag for child in result.records()[0]] == ["CUSTOMERID", "NAME"]
    assert result.values("NAME") == ["One", "Two"]


def test_read_all_fields_nests_owned_objects(gw: XmlClient) -> None:
    # Given a customer
    gw.one(customer_xml("C-1", extra="<DISPLAYCONTACT><PHONE1>555</PHONE1></DISPLAYCONTACT>"))
    # When it is read with fields *
    result = gw.one("<read><object>customer</object><keys>1</keys><fields>*</fields></read>")
    # Then owned objects are nested and audit fields use mm/dd/yyyy hh:mm:ss
    [record] = result.records()
    assert record.findtext("DISPLAYCONTACT/PHONE1") == "555"
    assert record.findtext("DISPLAYCONTACT/MAILADDRESS/CITY") == ""
    assert record.findtext("WHENCREATED") == "05/01/2024 12:00:00"
    assert record.findtext("WHENMODIFIED") == "05/01/2024 12:00:00"
    assert record.findtext("ONHOLD") == "false"
    assert record.findtext("TOTALDUE") == "0"


def test_read_by_name_uses_the_id_field(gw: XmlClient) -> None:
    # Given a customer
    gw.one(customer_xml("C-1"))
    # When it is read by CUSTOMERID
    result = gw.one(
        "<readByName><object>CUSTOMER</object><keys>C-1,C-404</keys><fields>RECORDNO</fields></readByName>"
    )
    # Then the existing one comes back
    assert result.values("RECORDNO") == ["1"]


def test_sequence_numbers_ids_when_omitted(gw: XmlClient, emu: IntacctEmulator) -> None:
    # Given customer document sequencing starting at 7
    emu.set_sequence("CUSTOMER", "CUST-", 7, width=5)
    # When two customers are created without CUSTOMERID
    first = gw.one("<create><CUSTOMER><NAME>A</NAME></CUSTOMER></create>")
    second = gw.one(
        "<create><CUSTOMER><NAME>B</NAME><CUSTOMERID>MANUAL</CUSTOMERID></CUSTOMER></create>"
    )
    third = gw.one("<create><CUSTOMER><NAME>C</NAME></CUSTOMER></create>")
    # Then the sequence fills the ID, a given ID wins, and numbers do not repeat
    assert first.values("CUSTOMERID") == ["CUST-00007"]
    assert second.values("CUSTOMERID") == ["MANUAL"]
    assert third.values("CUSTOMERID") == ["CUST-00008"]


def test_seed_and_get_bypass_the_wire(emu: IntacctEmulator) -> None:
    # Given a record seeded directly with a read-only field and nested fields
    recordno = emu.seed(
        "CUSTOMER",
        {
            "CUSTOMERID": "C-9",
            "NAME": "Seeded",
            "TOTALDUE": "12.5",
            "DISPLAYCONTACT": {"EMAIL1": "x@y.z"},
        },
    )
    # When it is fetched by ID and by RECORDNO
    by_id, by_number = emu.get("CUSTOMER", "C-9"), emu.get("CUSTOMER", recordno)
    # Then both find it, with audit fields maintained
    assert by_id == by_number
    assert by_id is not None
    assert by_id["TOTALDUE"] == Decimal("12.5")
    assert by_id["DISPLAYCONTACT.EMAIL1"] == "x@y.z"
    assert by_id["WHENCREATED"] == by_id["WHENMODIFIED"] == emu.now()


def test_every_function_is_one_call(gw: XmlClient, emu: IntacctEmulator) -> None:
    # Given a request with three functions
    gw.post(
        fn("a", customer_xml("C-1")),
        fn("b", "<readByName><object>CUSTOMER</object><keys>C-1</keys></readByName>"),
        fn("c", "<update><CUSTOMER><CUSTOMERID>C-1</CUSTOMERID><NAME>N</NAME></CUSTOMER></update>"),
    )
    # Then the log has one Call per function with op and target
    assert [(c.op, c.target, c.record_id) for c in emu.calls.all()] == [
        ("create", "CUSTOMER", "1"),
        ("readByName", "CUSTOMER", None),
        ("update", "CUSTOMER", "1"),
    ]
    assert len(emu.calls.writes("CUSTOMER")) == 2


def test_company_wide_sequence_survives_reset_and_new_companies(emu: IntacctEmulator) -> None:
    # Given a company-wide contract sequence, used once
    emu.set_sequence("CONTRACT", "CON-", 1)
    emu.seed("CUSTOMER", {"CUSTOMERID": "C-1", "NAME": "One"})
    emu.seed("CONTRACT", {"CUSTOMERID": "C-1", "NAME": "x"})
    # When the emulator is reset and another company is added
    emu.reset()
    emu.add_company("SECOND")
    # Then both number from the start again
    emu.seed("CONTRACT", {"CUSTOMERID": "C-1", "NAME": "y"})
    emu.seed("CONTRACT", {"CUSTOMERID": "C-1", "NAME": "z"}, company_id="SECOND")
    assert [r["CONTRACTID"] for r in emu.records("CONTRACT")] == ["CON-0001"]
    assert [r["CONTRACTID"] for r in emu.records("CONTRACT", company_id="SECOND")] == ["CON-0001"]
