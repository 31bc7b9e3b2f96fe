"""Reading request envelopes and writing response envelopes (XML API "XML Requests" and
"XML Responses": control, operation/authentication, content/function, result/data)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from xml.etree.ElementTree import Element, SubElement, tostring

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from sandbox.emulators.intacct_gw import errors


@dataclass
class Control:
    senderid: str
    password: str
    controlid: str
    uniqueid: bool
    dtdversion: str


@dataclass
class ParsedRequest:
    control: Control
    login: dict[str, str] | None
    sessionid: str | None
    transaction: bool
    functions: list[tuple[str, Element]]  # controlid, the element inside <function>


def _text(node: Element | None, tag: str) -> str:
    if node is None:
        return ""
    child = node.find(tag)
    return (child.text or "").strip() if child is not None else ""


def parse_request(body: bytes) -> ParsedRequest:
    try:
        root = fromstring(body)
    except (ParseError, DefusedXmlException) as exc:
        raise errors.bad_xml(str(exc)) from exc
    control = root.find("control")
    if root.tag != "request" or control is None:
        raise errors.bad_xml("expected <request><control>")
    ctl = Control(
        senderid=_text(control, "senderid"),
        password=_text(control, "password"),
        controlid=_text(control, "controlid"),
        uniqueid=_text(control, "uniqueid").lower() == "true",
        dtdversion=_text(control, "dtdversion"),
    )
    operation = root.find("operation")
    if operation is None:
        raise errors.bad_xml("expected <operation>")
    auth = operation.find("authentication")
    login_node = auth.find("login") if auth is not None else None
    login = (
        {t: _text(login_node, t) for t in ("userid", "companyid", "password", "locationid")}
        if login_node is not None
        else None
    )
    sessionid = _text(auth, "sessionid") or None
    content = operation.find("content")
    functions = []
    for fn in content.findall("function") if content is not None else []:
        children = list(fn)
        if len(children) != 1:
            raise errors.bad_xml("each <function> holds exactly one operation")
        functions.append((fn.get("controlid", ""), children[0]))
    return ParsedRequest(
        control=ctl,
        login=login,
        sessionid=sessionid,
        transaction=operation.get("transaction", "false").lower() == "true",
        functions=functions,
    )


def text_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.strftime("%m/%d/%Y %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%m/%d/%Y")
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def add_error(parent: Element, err: errors.GatewayError) -> None:
    message = SubElement(parent, "errormessage")
    error = SubElement(message, "error")
    SubElement(error, "errorno").text = err.errorno
    SubElement(error, "description").text = err.description
    SubElement(error, "description2").text = err.description2
    SubElement(error, "correction").text = err.correction


def response_root(control: Control | None, status: str) -> Element:
    root = Element("response")
    ctl = SubElement(root, "control")
    SubElement(ctl, "status").text = status
    SubElement(ctl, "senderid").text = control.senderid if control else ""
    SubElement(ctl, "controlid").text = control.controlid if control else ""
    SubElement(ctl, "uniqueid").text = "true" if control and control.uniqueid else "false"
    SubElement(ctl, "dtdversion").text = control.dtdversion if control else "3.0"
    return root


def record_element(
    tag: str, row: dict[str, Any], fields: list[str] | None, nested: bool
) -> Element:
    """A record; ``nested`` writes DISPLAYCONTACT.PHONE1 as <DISPLAYCONTACT><PHONE1>."""
    node = Element(tag)
    names = fields if fields is not None else list(row)
    for name in names:
        value = text_value(row.get(name))
        if nested and "." in name:
            parent = node
            parts = name.split(".")
            for part in parts[:-1]:
                found = parent.find(part)
                parent = found if found is not None else SubElement(parent, part)
            SubElement(parent, parts[-1]).text = value
        else:
            SubElement(node, name).text = value
    return node


def serialize(root: Element) -> bytes:
    data: bytes = tostring(root, encoding="utf-8", xml_declaration=True)
    return data
