"""Building request envelopes and reading response envelopes of the XML gateway.

Request: ``request/control(senderid, password, controlid, uniqueid, dtdversion 3.0)`` then
``operation/authentication(login | sessionid)`` and ``content`` with one or more ``function``
elements, each with a ``controlid``. Response: ``response/control/status`` (control-level
failures carry an ``errormessage`` there), ``operation/authentication/status`` and one
``result`` per function. Responses are parsed with defusedxml.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from xml.etree.ElementTree import Element, SubElement, tostring

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from shared.connectors.intacct.models import FunctionResult, GatewayError

DTD_VERSION = "3.0"
TIMESTAMP_FORMAT = "%m/%d/%Y %H:%M:%S"


def parse_timestamp(value: Any) -> datetime | None:
    """WHENMODIFIED: ``mm/dd/yyyy hh:mm:ss`` (company time zone; GMT for our companies)."""
    if not value:
        return None
    return datetime.strptime(str(value), TIMESTAMP_FORMAT).replace(tzinfo=UTC)


@dataclass(frozen=True)
class Credentials:
    sender_id: str
    sender_password: str
    company_id: str
    user_id: str
    user_password: str
    entity_id: str | None = None


@dataclass(frozen=True)
class Function:
    controlid: str
    body: Element  # the element inside <function>, e.g. <create>...</create>


class MalformedResponseError(ValueError):
    pass


def text_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        return value.strftime("%m/%d/%Y %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%m/%d/%Y")
    return str(value)


def element(tag: str, text: Any = None, **children: Any) -> Element:
    node = Element(tag)
    if text is not None:
        node.text = text_value(text)
    for name, value in children.items():
        if value is not None:
            SubElement(node, name).text = text_value(value)
    return node


def nested(tag: str, fields: Mapping[str, Any]) -> Element:
    """``{"DISPLAYCONTACT.PHONE1": "1"}`` -> ``<tag><DISPLAYCONTACT><PHONE1>1</...>``."""
    root = Element(tag)
    for path, value in fields.items():
        node = root
        parts = path.split(".")
        for part in parts[:-1]:
            child = node.find(part)
            node = child if child is not None else SubElement(node, part)
        SubElement(node, parts[-1]).text = text_value(value)
    return root


def request(
    creds: Credentials,
    functions: Sequence[Function],
    *,
    controlid: str,
    session_id: str | None,
    unique: bool,
    transaction: bool = False,
) -> bytes:
    root = Element("request")
    control = SubElement(root, "control")
    for tag, value in (
        ("senderid", creds.sender_id),
        ("password", creds.sender_password),
        ("controlid", controlid),
        ("uniqueid", "true" if unique else "false"),
        ("dtdversion", DTD_VERSION),
        ("includewhitespace", "false"),
    ):
        SubElement(control, tag).text = value
    operation = SubElement(root, "operation", {"transaction": "true" if transaction else "false"})
    auth = SubElement(operation, "authentication")
    if session_id:
        SubElement(auth, "sessionid").text = session_id
    else:
        login = SubElement(auth, "login")
        SubElement(login, "userid").text = creds.user_id
        SubElement(login, "companyid").text = creds.company_id
        SubElement(login, "password").text = creds.user_password
        if creds.entity_id:
            SubElement(login, "locationid").text = creds.entity_id
    content = SubElement(operation, "content")
    for fn in functions:
        SubElement(content, "function", {"controlid": fn.controlid}).append(fn.body)
    body: bytes = tostring(root, encoding="utf-8", xml_declaration=True)
    return body


@dataclass(frozen=True)
class Envelope:
    control_ok: bool
    control_errors: list[GatewayError]
    auth_ok: bool
    auth_errors: list[GatewayError]
    results: list[FunctionResult]


def parse_response(body: bytes) -> Envelope:
    try:
        root = fromstring(body)
    except (ParseError, DefusedXmlException, LookupError, ValueError) as exc:
        raise MalformedResponseError(f"unreadable gateway response: {exc}") from exc
    if root.tag != "response":
        raise MalformedResponseError("gateway response lacks <response>")
    control = root.find("control")
    control_ok = control is not None and _text(control, "status") == "success"
    control_errors = _errors(root.find("errormessage"))
    if control is not None:
        control_errors += _errors(control.find("errormessage"))
    operation = root.find("operation")
    if operation is None:
        return Envelope(control_ok, control_errors, False, [], [])
    auth = operation.find("authentication")
    auth_ok = auth is not None and _text(auth, "status") == "success"
    auth_errors = _errors(operation.find("errormessage"))
    if auth is not None:
        auth_errors += _errors(auth.find("errormessage"))
    results = [_result(r) for r in operation.findall("result")]
    return Envelope(control_ok, control_errors, auth_ok, auth_errors, results)


def _text(parent: Element, tag: str) -> str:
    child = parent.find(tag)
    return (child.text or "").strip() if child is not None else ""


def _errors(node: Element | None) -> list[GatewayError]:
    if node is None:
        return []
    return [
        GatewayError(
            errorno=_text(e, "errorno"),
            description=_text(e, "description"),
            description2=_text(e, "description2"),
            correction=_text(e, "correction"),
        )
        for e in node.findall("error")
    ]


def _result(node: Element) -> FunctionResult:
    data = node.find("data")
    records = [flatten(child) for child in data] if data is not None else []
    return FunctionResult(
        status=_text(node, "status"),
        function=_text(node, "function"),
        controlid=_text(node, "controlid"),
        records=records,
        errors=_errors(node.find("errormessage")),
        data_attributes=dict(data.attrib) if data is not None else {},
        key=_text(node, "key") or None,
    )


def flatten(node: Element, prefix: str = "") -> dict[str, Any]:
    """A record element -> dotted paths. Nested elements (``<DISPLAYCONTACT><PHONE1>``) and
    already-dotted names (``<DISPLAYCONTACT.PHONE1>``) give the same keys."""
    flat: dict[str, Any] = {}
    for child in node:
        key = f"{prefix}{child.tag}"
        if len(child):
            flat.update(flatten(child, f"{key}."))
        else:
            flat[key] = (child.text or "").strip() or None
    return flat
