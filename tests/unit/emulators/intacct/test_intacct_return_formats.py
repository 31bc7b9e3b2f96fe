"""returnFormat json and csv on read, readByName, readByQuery, readMore and query.

developer.intacct.com "Queries" ("Response data format"): "CSV and JSON responses do not
include any surrounding XML elements such as <control> and <authentication>; they only
include the response data", with the documented JSON and CSV of a three-field query.
"""

from __future__ import annotations

import json

import httpx
import pytest
from defusedxml.ElementTree import fromstring

from tests.unit.emulators.intacct.conftest import XmlClient, customer_xml, fn

GATEWAY = "/ia/xml/xmlgw.phtml"


@pytest.fixture
def customers(gw: XmlClient) -> None:
    gw.one(customer_xml("C-1", "Ackman, Alice", "<CREDITLIMIT>3797</CREDITLIMIT>"))
    gw.one(customer_xml("C-2", "Halpert, Jim", "<CREDITLIMIT>2987.50</CREDITLIMIT>"))


def post(gw: XmlClient, *bodies: str) -> httpx.Response:
    functions = [fn(f"f{i}", body) for i, body in enumerate(bodies, 1)]
    return gw.http.post(GATEWAY, content=gw.envelope(*functions))


def query(fmt: str) -> str:
    return (
        "<query><object>CUSTOMER</object><select><field>RECORDNO</field>"
        "<field>DISPLAYCONTACT.PRINTAS</field><field>CREDITLIMIT</field></select>"
        f"<options><returnformat>{fmt}</returnformat></options></query>"
    )


@pytest.mark.usefixtures("customers")
def test_query_json_is_the_data_alone(gw: XmlClient) -> None:
    # Given the documented query options
    # When a query asks for json
    response = post(gw, query("json"))
    # Then the body is a JSON array of flat records with string values, no XML around it
    assert response.headers["content-type"].startswith("application/json")
    assert json.loads(response.text) == [
        {"RECORDNO": "1", "DISPLAYCONTACT.PRINTAS": "Ackman, Alice", "CREDITLIMIT": "3797"},
        {"RECORDNO": "2", "DISPLAYCONTACT.PRINTAS": "Halpert, Jim", "CREDITLIMIT": "2987.5"},
    ]


@pytest.mark.usefixtures("customers")
def test_query_csv_is_a_header_and_one_row_per_record(gw: XmlClient) -> None:
    # Given the documented query options
    # When a query asks for csv
    response = post(gw, query("csv"))
    # Then the body is the header row and quoted values where they hold commas
    assert response.headers["content-type"].startswith("text/csv")
    assert response.text == (
        "RECORDNO,DISPLAYCONTACT.PRINTAS,CREDITLIMIT\n"
        '1,"Ackman, Alice",3797\n'
        '2,"Halpert, Jim",2987.5\n'
    )


@pytest.mark.usefixtures("customers")
def test_read_by_query_json_pages_on_with_read_more(gw: XmlClient) -> None:
    # Given two customers and a readByQuery of one per page in json
    first = post(
        gw,
        "<readByQuery><object>CUSTOMER</object><fields>CUSTOMERID,DISPLAYCONTACT.PRINTAS"
        "</fields><query></query><pagesize>1</pagesize><returnFormat>json</returnFormat>"
        "</readByQuery>",
    )
    # When readMore continues by object, as the legacy toolkit does
    second = post(gw, "<readMore><object>CUSTOMER</object></readMore>")
    # Then each page is JSON, owned objects nested as the read functions write them
    assert json.loads(first.text) == [
        {"CUSTOMERID": "C-1", "DISPLAYCONTACT": {"PRINTAS": "Ackman, Alice"}}
    ]
    assert json.loads(second.text) == [
        {"CUSTOMERID": "C-2", "DISPLAYCONTACT": {"PRINTAS": "Halpert, Jim"}}
    ]


@pytest.mark.usefixtures("customers")
@pytest.mark.parametrize(
    "body",
    [
        "<read><object>CUSTOMER</object><keys>2</keys><fields>CUSTOMERID,NAME</fields>"
        "<returnFormat>json</returnFormat></read>",
        "<readByName><object>CUSTOMER</object><keys>C-2</keys><fields>CUSTOMERID,NAME</fields>"
        "<returnFormat>json</returnFormat></readByName>",
    ],
)
def test_read_and_read_by_name_json(gw: XmlClient, body: str) -> None:
    # Given the documented returnFormat parameter of read and readByName
    # When the customer is read in json
    response = post(gw, body)
    # Then the body is its record as JSON
    assert json.loads(response.text) == [{"CUSTOMERID": "C-2", "NAME": "Halpert, Jim"}]


@pytest.mark.usefixtures("customers")
def test_a_failed_json_read_still_answers_xml_errors(gw: XmlClient) -> None:
    # Given a json readByQuery naming a field CUSTOMER does not have
    response = post(
        gw,
        "<readByQuery><object>CUSTOMER</object><fields>NOPE</fields><query></query>"
        "<returnFormat>json</returnFormat></readByQuery>",
    )
    # Then the answer is the usual XML with the function's error
    root = fromstring(response.content)
    assert root.findtext("operation/result/status") == "failure"
    assert root.findtext("operation/result/errormessage/error/errorno") == "XL03000010"


@pytest.mark.usefixtures("customers")
def test_json_beside_other_functions_rides_in_its_data_element(gw: XmlClient) -> None:
    # Given a request with a json query and an XML read
    response = post(
        gw,
        query("json"),
        "<readByName><object>CUSTOMER</object><keys>C-1</keys><fields>NAME</fields></readByName>",
    )
    # Then the XML answer carries the JSON text in the query's <data>
    root = fromstring(response.content)
    results = root.findall("operation/result")
    assert json.loads(results[0].findtext("data") or "")[0]["RECORDNO"] == "1"
    assert results[1].findtext("data/CUSTOMER/NAME") == "Ackman, Alice"


def test_an_unknown_return_format_fails(gw: XmlClient) -> None:
    # Given a format the gateway does not offer
    result = gw.one(
        "<readByQuery><object>CUSTOMER</object><query></query>"
        "<returnFormat>yaml</returnFormat></readByQuery>"
    )
    # Then the function fails
    assert result.status == "failure"
