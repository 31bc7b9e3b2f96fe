"""Reading request envelopes and writing response envelopes.

Request (developer.intacct.com "XML Requests")::

    <request>
      <control><senderid/><password/><controlid/><uniqueid/><dtdversion>3.0</dtdversion>
               <includewhitespace/></control>
      <operation transaction="false">
        <authentication><login><userid/><companyid/><password/><locationid/></login>
                        | <sessionid/></authentication>
        <content><function controlid="…"><create>…</create></function>…</content>
      </operation>
    </request>

``uniqueid`` defaults to true when absent ("When set to true, which is the default") and
``includewhitespace`` to true. The body is parsed with defusedxml: a DTD, an entity
declaration or an external reference is refused like any other unreadable request.

Response ("XML Responses", intacct-sdk fixtures)::

    <response>
      <control><status/><senderid/><controlid/><uniqueid/><dtdversion/></control>
      [<errormessage/>]                                  control-level failure only
      <operation>
        <authentication><status/><userid/><companyid/><locationid/>
                        <sessiontimestamp/><sessiontimeout/></authentication>
        [<errormessage/>]                                authentication failure only
        <result><status/><function/><controlid/>[<data …/>][<errormessage/>]</result>…
      </operation>
    </response>
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, SubElement, indent, tostring

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from sandbox.emulators.intacct import errors
from sandbox.emulators.intacct.errors import ControlError, ErrorDetail

DTD_VERSION = "3.0"
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
FUNCTIONS = (
    "create",
    "update",
    "delete",
    "read",
    "readByName",
    "readByQuery",
    "readMore",
    "query",
    "lookup",
    "inspect",
    "getAPISession",
    "create_sotransaction",
    "update_sotransaction",
    "create_recursotransaction",
)


@dataclass(frozen=True)
class Control:
    senderid: str
    password: str
    controlid: str
    uniqueid: bool
    dtdversion: str
    includewhitespace: bool = True


@dataclass(frozen=True)
class Login:
    userid: str
    companyid: str
    password: str
    locationid: str = ""


@dataclass(frozen=True)
class FunctionRequest:
    controlid: str
    body: Element

    @property
    def name(self) -> str:
        return self.body.tag


@dataclass(frozen=True)
class ParsedRequest:
    control: Control
    login: Login | None
    sessionid: str | None
    transaction: bool
    functions: list[FunctionRequest]


class RejectedRequestError(Exception):
    """A control-level failure, with the control block when it could be read."""

    def __init__(self, failure: ControlError, control: Control | None) -> None:
        super().__init__(str(failure))
        self.failure = failure
        self.control = control


def _text(node: Element | None, tag: str) -> str:
    child = node.find(tag) if node is not None else None
    return (child.text or "").strip() if child is not None else ""


def _flag(node: Element, tag: str, default: bool) -> bool:
    child = node.find(tag)
    if child is None or not (child.text or "").strip():
        return default
    return (child.text or "").strip().lower() == "true"


def parse_request(body: bytes) -> ParsedRequest:
    try:
        root = fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise RejectedRequestError(
            errors.xml_parse_error(f"DTDs and entities are not allowed ({type(exc).__name__})"),
            None,
        ) from exc
    except ParseError as exc:
        raise RejectedRequestError(errors.xml_parse_error(str(exc)), None) from exc
    if root.tag != "request":
        raise RejectedRequestError(
            errors.xml_parse_error("the root element must be <request>"), None
        )
    control_node = root.find("control")
    if control_node is None:
        raise RejectedRequestError(errors.xml_parse_error("<request> lacks <control>"), None)
    control = Control(
        senderid=_text(control_node, "senderid"),
        password=_text(control_node, "password"),
        controlid=_text(control_node, "controlid"),
        uniqueid=_flag(control_node, "uniqueid", True),
        dtdversion=_text(control_node, "dtdversion"),
        includewhitespace=_flag(control_node, "includewhitespace", True),
    )
    for required in ("senderid", "password", "controlid", "dtdversion"):
        if control_node.find(required) is None:
            raise RejectedRequestError(
                errors.xml_parse_error(f"<control> lacks the required element <{required}>"),
                control,
            )
    try:
        return _parse_operation(root, control)
    except ControlError as failure:
        raise RejectedRequestError(failure, control) from failure


def _parse_operation(root: Element, control: Control) -> ParsedRequest:
    operation = root.find("operation")
    if operation is None:
        raise errors.xml_parse_error("<request> lacks <operation>")
    authentication = operation.find("authentication")
    if authentication is None:
        raise errors.xml_parse_error("<operation> lacks <authentication>")
    login_node = authentication.find("login")
    login = (
        Login(
            userid=_text(login_node, "userid"),
            companyid=_text(login_node, "companyid"),
            password=_text(login_node, "password"),
            locationid=_text(login_node, "locationid"),
        )
        if login_node is not None
        else None
    )
    session_node = authentication.find("sessionid")
    sessionid = (session_node.text or "").strip() if session_node is not None else None
    if login is None and sessionid is None:
        raise errors.xml_parse_error("<authentication> needs <login> or <sessionid>")
    content = operation.find("content")
    if content is None or len(content) == 0:
        raise errors.xml_parse_error("<operation> lacks <content> with at least one <function>")
    functions: list[FunctionRequest] = []
    for node in content:
        if node.tag != "function":
            raise errors.xml_parse_error(f"<content> may only hold <function>, not <{node.tag}>")
        controlid = node.get("controlid")
        if controlid is None:
            raise errors.xml_parse_error("<function> lacks the required attribute controlid")
        children = list(node)
        if len(children) != 1:
            raise errors.xml_parse_error("each <function> holds exactly one function element")
        if children[0].tag not in FUNCTIONS:
            raise errors.xml_parse_error(
                f"Element '{children[0].tag}' is not a function this gateway supports"
            )
        functions.append(FunctionRequest(controlid, children[0]))
    transaction = operation.get("transaction", "false").strip().lower() == "true"
    return ParsedRequest(control, login, sessionid, transaction, functions)


# -- responses -----------------------------------------------------------------------------


@dataclass(frozen=True)
class AuthInfo:
    userid: str = ""
    companyid: str = ""
    locationid: str = ""
    sessiontimestamp: str = ""
    sessiontimeout: str = ""


@dataclass
class FunctionResult:
    function: str
    controlid: str
    status: str  # success | failure | aborted
    data: Element | None = None
    errors: list[ErrorDetail] = field(default_factory=list)
    body: tuple[str, str] | None = None  # (text, content type) of a json/csv answer
    key: str | None = None  # what a legacy (2.1) create answers instead of <data>


def data_only(results: list[FunctionResult]) -> tuple[bytes, str] | None:
    """A lone function that succeeded with returnFormat json/csv is answered with its data
    alone, no XML around it (developer.intacct.com "Queries", "Response data format")."""
    if len(results) != 1 or results[0].status != "success" or results[0].body is None:
        return None
    text, content_type = results[0].body
    return text.encode("utf-8"), content_type


def _control_block(root: Element, control: Control | None, status: str) -> None:
    node = SubElement(root, "control")
    SubElement(node, "status").text = status
    SubElement(node, "senderid").text = control.senderid if control else ""
    SubElement(node, "controlid").text = control.controlid if control else ""
    SubElement(node, "uniqueid").text = "true" if control and control.uniqueid else "false"
    SubElement(node, "dtdversion").text = control.dtdversion if control else DTD_VERSION


def error_block(parent: Element, details: list[ErrorDetail]) -> None:
    message = SubElement(parent, "errormessage")
    for detail in details:
        error = SubElement(message, "error")
        SubElement(error, "errorno").text = detail.errorno
        SubElement(error, "description").text = detail.description
        SubElement(error, "description2").text = detail.description2
        SubElement(error, "correction").text = detail.correction


def _auth_block(operation: Element, status: str, auth: AuthInfo) -> None:
    node = SubElement(operation, "authentication")
    SubElement(node, "status").text = status
    SubElement(node, "userid").text = auth.userid
    SubElement(node, "companyid").text = auth.companyid
    SubElement(node, "locationid").text = auth.locationid
    if status == "success":
        SubElement(node, "sessiontimestamp").text = auth.sessiontimestamp
        SubElement(node, "sessiontimeout").text = auth.sessiontimeout


def control_failure(control: Control | None, failure: ControlError) -> Element:
    root = Element("response")
    _control_block(root, control, "failure")
    error_block(root, failure.errors)
    return root


def auth_failure(control: Control, auth: AuthInfo, failure: errors.AuthError) -> Element:
    root = Element("response")
    _control_block(root, control, "success")
    operation = SubElement(root, "operation")
    _auth_block(operation, "failure", auth)
    error_block(operation, failure.errors)
    return root


def success(control: Control, auth: AuthInfo, results: list[FunctionResult]) -> Element:
    root = Element("response")
    _control_block(root, control, "success")
    operation = SubElement(root, "operation")
    _auth_block(operation, "success", auth)
    for result in results:
        node = SubElement(operation, "result")
        SubElement(node, "status").text = result.status
        SubElement(node, "function").text = result.function
        SubElement(node, "controlid").text = result.controlid
        if result.key is not None:
            SubElement(node, "key").text = result.key
        if result.data is not None:
            node.append(result.data)
        if result.errors:
            error_block(node, result.errors)
    return root


def gateway_error(errorno: str, description: str) -> Element:
    """The short body the gateway itself answers with (``GW-0010`` on HTTP 429)."""
    root = Element("response")
    SubElement(SubElement(root, "control"), "status").text = "failure"
    error = SubElement(SubElement(root, "errormessage"), "error")
    SubElement(error, "errorno").text = errorno
    SubElement(error, "description").text = description
    return root


def serialize(root: Element, *, whitespace: bool = True) -> bytes:
    if whitespace:
        indent(root, space="    ")
    body = tostring(root, encoding="unicode", short_empty_elements=False)
    return (XML_DECLARATION + body).encode("utf-8")
