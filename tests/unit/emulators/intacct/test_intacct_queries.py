"""readByQuery + readMore paging, query filters/order/offset, WHENMODIFIED polling."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sandbox.emulators.intacct import IntacctEmulator
from tests.unit.emulators.intacct.conftest import XmlClient, customer_xml, fn


@pytest.fixture
def customers(gw: XmlClient, emu: IntacctEmulator) -> None:
    """Five customers, created one minute apart; C-3 inactive, C-4 with a credit limit."""
    for n in range(1, 6):
        extra = "<STATUS>inactive</STATUS>" if n == 3 else ""
        extra += "<CREDITLIMIT>5000</CREDITLIMIT>" if n == 4 else ""
        gw.one(customer_xml(f"C-{n}", name=f"Customer {n}", extra=extra), f"create-{n}")
        emu.advance_clock(timedelta(seconds=60))


def rbq(query: str, fields: str = "CUSTOMERID", pagesize: int = 100) -> str:
    return (
        f"<readByQuery><object>CUSTOMER</object><fields>{fields}</fields>"
        f"<query>{query}</query><pagesize>{pagesize}</pagesize></readByQuery>"
    )


@pytest.mark.usefixtures("customers")
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["C-1", "C-2", "C-3", "C-4", "C-5"]),
        ("CUSTOMERID = 'C-2'", ["C-2"]),
        ("CUSTOMERID != 'C-2' AND STATUS = 'active'", ["C-1", "C-4", "C-5"]),
        ("STATUS = 'F'", ["C-3"]),
        ("CUSTOMERID IN ('C-1','C-5')", ["C-1", "C-5"]),
        ("CUSTOMERID NOT IN ('C-1','C-5')", ["C-2", "C-3", "C-4"]),
        ("NAME LIKE 'Customer _'", ["C-1", "C-2", "C-3", "C-4", "C-5"]),
        ("NAME NOT LIKE '%3'", ["C-1", "C-2", "C-4", "C-5"]),
        ("CREDITLIMIT IS NOT NULL", ["C-4"]),
        ("CREDITLIMIT IS NULL AND (CUSTOMERID = 'C-1' OR CUSTOMERID = 'C-2')", ["C-1", "C-2"]),
        ("CREDITLIMIT &gt;= 1000", ["C-4"]),
        ("NOT CUSTOMERID = 'C-1' AND CUSTOMERID &lt; 'C-3'", ["C-2"]),
        ("WHENMODIFIED &gt; '05/01/2024 12:02:00'", ["C-4", "C-5"]),
        ("WHENCREATED &lt;= '05/01/2024 12:01:00'", ["C-1", "C-2"]),
        ("customerid = 'c-1'", []),
    ],
)
def test_read_by_query_operators(gw: XmlClient, query: str, expected: list[str]) -> None:
    # Given five customers
    # When readByQuery runs the query
    result = gw.one(rbq(query))
    # Then exactly the matching ones come back, in RECORDNO order
    assert result.status == "success", result.errors
    assert result.values("CUSTOMERID") == expected


@pytest.mark.usefixtures("customers")
def test_read_by_query_pages_with_read_more(gw: XmlClient) -> None:
    # Given five customers and a page size of 2
    first = gw.one(rbq("", pagesize=2))
    # Then the first page reports the totals and a result ID, lower-case element names
    assert first.data is not None
    attrs = first.data.attrib
    assert (attrs["listtype"], attrs["count"], attrs["totalcount"], attrs["numremaining"]) == (
        "customer",
        "2",
        "5",
        "3",
    )
    assert [n.tag for n in first.records()] == ["customer", "customer"]
    result_id = attrs["resultId"]
    assert result_id
    # When readMore follows the result ID until nothing remains
    second = gw.one(f"<readMore><resultId>{result_id}</resultId></readMore>", "more-1")
    third = gw.one(f"<readMore><resultId>{result_id}</resultId></readMore>", "more-2")
    # Then every record came back once, and the last page closes the result
    assert second.values("CUSTOMERID") == ["C-3", "C-4"]
    assert third.values("CUSTOMERID") == ["C-5"]
    assert third.data is not None
    assert (third.data.attrib["numremaining"], third.data.attrib["resultId"]) == ("0", "")
    done = gw.one(f"<readMore><resultId>{result_id}</resultId></readMore>", "more-3")
    assert done.status == "failure"


@pytest.mark.usefixtures("customers")
def test_read_more_by_object_and_stable_result(gw: XmlClient) -> None:
    # Given a first page of 3
    gw.one(rbq("", pagesize=3))
    # When a new customer appears before readMore by object
    gw.one(customer_xml("C-6"))
    more = gw.one("<readMore><object>CUSTOMER</object></readMore>", "more")
    # Then the result is the one matched at query time
    assert more.values("CUSTOMERID") == ["C-4", "C-5"]


def test_read_by_query_errors(gw: XmlClient) -> None:
    # Given bad queries
    cases = [
        (rbq("CUSTOMERID = "), "BL01001973"),
        (rbq("FAVOURITE = 'x'"), "XL03000010"),
        (rbq("", pagesize=1001), "BL01001973"),
        (rbq("", fields="CUSTOMERID,NOPE"), "XL03000010"),
        ("<readByQuery><object>NOPE</object><query></query></readByQuery>", "BL01001973"),
    ]
    for body, errorno in cases:
        # When each runs
        result = gw.one(body)
        # Then it fails at function level; a field the object lacks is "not valid"
        assert result.status == "failure", body
        assert result.errornos[0] == errorno, body


def q(filter_xml: str = "", extra: str = "", select: str = "<field>CUSTOMERID</field>") -> str:
    filter_part = f"<filter>{filter_xml}</filter>" if filter_xml else ""
    return f"<query><object>CUSTOMER</object><select>{select}</select>{filter_part}{extra}</query>"


def cond(op: str, field: str, *values: str) -> str:
    return (
        f"<{op}><field>{field}</field>"
        + "".join(f"<value>{v}</value>" for v in values)
        + f"</{op}>"
    )


@pytest.mark.usefixtures("customers")
@pytest.mark.parametrize(
    ("filter_xml", "expected"),
    [
        (cond("equalto", "CUSTOMERID", "C-2"), ["C-2"]),
        (cond("notequalto", "STATUS", "active"), ["C-3"]),
        (cond("lessthan", "CUSTOMERID", "C-3"), ["C-1", "C-2"]),
        (cond("lessthanorequalto", "CUSTOMERID", "C-3"), ["C-1", "C-2", "C-3"]),
        (cond("greaterthan", "WHENMODIFIED", "05/01/2024 12:03:00"), ["C-5"]),
        (cond("greaterthanorequalto", "WHENMODIFIED", "05/01/2024 12:03:00"), ["C-4", "C-5"]),
        (cond("between", "CUSTOMERID", "C-2", "C-4"), ["C-2", "C-3", "C-4"]),
        (cond("in", "CUSTOMERID", "C-1", "C-4"), ["C-1", "C-4"]),
        (cond("notin", "CUSTOMERID", "C-1", "C-4"), ["C-2", "C-3", "C-5"]),
        (cond("like", "NAME", "%r 5"), ["C-5"]),
        (cond("notlike", "NAME", "%r 5"), ["C-1", "C-2", "C-3", "C-4"]),
        (cond("isnull", "CREDITLIMIT"), ["C-1", "C-2", "C-3", "C-5"]),
        (cond("isnotnull", "CREDITLIMIT"), ["C-4"]),
        (
            "<and>"
            + cond("equalto", "STATUS", "active")
            + "<or>"
            + cond("equalto", "CUSTOMERID", "C-1")
            + cond("equalto", "CUSTOMERID", "C-3")
            + "</or></and>",
            ["C-1"],
        ),
    ],
)
def test_query_filters(gw: XmlClient, filter_xml: str, expected: list[str]) -> None:
    # Given five customers
    # When query runs the filter
    result = gw.one(q(filter_xml))
    # Then exactly the matching ones come back
    assert result.status == "success", result.errors
    assert result.values("CUSTOMERID") == expected


@pytest.mark.usefixtures("customers")
def test_query_envelope_paging_by_offset_and_order(gw: XmlClient) -> None:
    # Given five customers ordered by CUSTOMERID descending, two per page
    extra = (
        "<orderby><order><field>CUSTOMERID</field><descending/></order></orderby>"
        "<pagesize>2</pagesize><offset>2</offset>"
    )
    # When the second page is asked for
    result = gw.one(
        q(extra=extra, select="<field>CUSTOMERID</field><field>DISPLAYCONTACT.PRINTAS</field>")
    )
    # Then the data attributes describe the page and records are flat, upper case
    assert result.data is not None
    assert result.data.attrib == {
        "listtype": "CUSTOMER",
        "totalcount": "5",
        "offset": "2",
        "count": "2",
        "numremaining": "1",
    }
    assert result.values("CUSTOMERID") == ["C-3", "C-2"]
    assert [c.tag for c in result.records()[0]] == ["CUSTOMERID", "DISPLAYCONTACT.PRINTAS"]
    assert result.values("DISPLAYCONTACT.PRINTAS") == ["Customer 3", "Customer 2"]


@pytest.mark.usefixtures("customers")
def test_query_case_insensitive_option(gw: XmlClient) -> None:
    # Given a filter in the wrong case
    filter_xml = cond("equalto", "NAME", "CUSTOMER 1")
    # When it runs with and without caseinsensitive
    sensitive = gw.one(q(filter_xml))
    insensitive = gw.one(
        q(filter_xml, extra="<options><caseinsensitive>true</caseinsensitive></options>")
    )
    # Then only the case-insensitive one matches
    assert sensitive.values("CUSTOMERID") == []
    assert insensitive.values("CUSTOMERID") == ["C-1"]


@pytest.mark.usefixtures("customers")
def test_query_aggregates(gw: XmlClient) -> None:
    # Given customers grouped by status
    select = "<field>STATUS</field><count>RECORDNO</count>"
    # When query counts per status
    result = gw.one(
        q(select=select, extra="<orderby><order><field>STATUS</field></order></orderby>")
    )
    # Then one row per group with COUNT.RECORDNO
    assert result.values("STATUS") == ["active", "inactive"]
    assert result.values("COUNT.RECORDNO") == ["4", "1"]


def test_query_errors(gw: XmlClient) -> None:
    # Given malformed queries
    cases = [
        q(cond("equalto", "NOPE", "x")),
        q(cond("equalto", "CUSTOMERID", "a") + cond("equalto", "CUSTOMERID", "b")),
        q("<and>" + cond("equalto", "CUSTOMERID", "a") + "</and>"),
        q(cond("between", "CUSTOMERID", "a")),
        q(extra="<pagesize>2001</pagesize>"),
        q(extra="<options><returnformat>yaml</returnformat></options>"),
        "<query><object>CUSTOMER</object></query>",
    ]
    for body in cases:
        # When each runs
        result = gw.one(body)
        # Then it fails at function level
        assert result.status == "failure", body


@pytest.mark.usefixtures("customers")
def test_whenmodified_polling_finds_only_changed_records(
    gw: XmlClient, emu: IntacctEmulator
) -> None:
    # Given a poll mark taken after the five creates
    mark = "05/01/2024 12:05:00"
    # When one customer is updated later
    emu.advance_clock(timedelta(seconds=30))
    gw.one(
        "<update><CUSTOMER><CUSTOMERID>C-2</CUSTOMERID><COMMENTS>changed</COMMENTS></CUSTOMER></update>"
    )
    # Then a WHENMODIFIED query from the mark finds just it, with its new timestamp
    result = gw.one(
        q(
            cond("greaterthanorequalto", "WHENMODIFIED", mark),
            select="<field>CUSTOMERID</field><field>WHENMODIFIED</field>",
        )
    )
    assert result.values("CUSTOMERID") == ["C-2"]
    assert result.values("WHENMODIFIED") == ["05/01/2024 12:05:30"]


def test_managed_lists_are_readable(gw: XmlClient) -> None:
    # Given a fresh company
    # When the managed lists are queried
    terms = gw.one(
        "<readByQuery><object>ARTERM</object><fields>NAME,DUEDATE</fields><query></query></readByQuery>"
    )
    templates = gw.one(
        "<query><object>CONTRACTBILLINGTEMPLATE</object><select><field>NAME</field></select></query>"
    )
    entries = gw.one(
        "<query><object>CONTRACTBILLINGTEMPLATEENTRY</object><select><field>PERIODOFFSET</field>"
        "<field>PERCENTBILLED</field></select><filter><equalto><field>TEMPLATENAME</field>"
        "<value>40-30-20-10</value></equalto></filter></query>"
    )
    renewals = gw.one(
        "<query><object>RENEWALMACRO</object><select><field>NAME</field></select></query>"
    )
    # Then each list has its seeded entries
    assert "Net 30" in terms.values("NAME")
    assert "40-30-20-10" in templates.values("NAME")
    assert entries.values("PERCENTBILLED") == ["40", "30", "20", "10"]
    assert "Annual renewal" in renewals.values("NAME")


def test_query_runs_inside_a_multi_function_request(gw: XmlClient) -> None:
    # Given a create followed by a query in the same request
    reply = gw.post(fn("c", customer_xml("C-1")), fn("q", q(cond("equalto", "CUSTOMERID", "C-1"))))
    # Then the query sees the record the create just made
    assert reply.results[1].values("CUSTOMERID") == ["C-1"]
