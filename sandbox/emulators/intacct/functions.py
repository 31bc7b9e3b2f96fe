"""The generic functions: what each reads from its element and what its result holds.

Element names and ``<data>`` attributes follow real responses (intacct-sdk-php/-net
fixtures, developer.intacct.com examples):

=============  =============================================================================
create/update  ``<data listtype="objects" count="1"><customer><RECORDNO>8346</RECORDNO>
               <CUSTOMERID>C1</CUSTOMERID></customer></data>`` (object element lower case,
               one per object written). A failure shows ``<data listtype="objects"
               count="0"/>`` and nothing of that function is kept.
delete         ``<object>``, ``<keys>`` (comma-separated RECORDNOs); no ``<data>``.
read           ``<object>``, ``<keys>`` (RECORDNOs), ``<fields>`` (``*`` or a list):
               ``<data listtype="CUSTOMER" count="1"><CUSTOMER>…`` (upper case).
readByName     same, ``<keys>`` are the object's IDs (CUSTOMERID, CONTRACTID, …).
readByQuery    ``<object>``, ``<fields>``, ``<query>``, ``<pagesize>`` (1..1000, default
               100): ``<data listtype="customer" count="100" totalcount="250"
               numremaining="150" resultId="…"><customer>…`` (lower case).
readMore       ``<resultId>`` (or ``<object>``): the next page, same attributes.
query          ``<object>``, ``<select>`` (``field``/``count``/``sum``/``avg``/``min``/
               ``max``), ``<filter>``, ``<orderby>``, ``<options>``, ``<pagesize>``
               (1..2000, default 100), ``<offset>``: ``<data listtype="CUSTOMER"
               totalcount="…" offset="0" count="…" numremaining="…"><CUSTOMER>
               <RECORDNO/>…`` with one flat element per selected field (dotted names
               stay dotted: ``<DISPLAYCONTACT.EMAIL1>``).
lookup         ``<object>`` or ``<name>``: ``<data listtype="All" count="1"><Type Name=…
               DocumentType=…><Fields><Field><ID/>…`` (:mod:`object_definitions`).
inspect        ``<object>`` (``*`` lists the objects) or ``<name>``, ``detail`` 0/1:
               ``<data listtype="All" count="1"><Type Name=…><Fields>…``.
getAPISession  ``<data><api><sessionid/><endpoint/><locationid/></api></data>``.
=============  =============================================================================

read, readByName and readByQuery write owned sub-objects nested
(``<DISPLAYCONTACT><MAILADDRESS><CITY>``); Order Entry objects take ``<docparid>``.
``returnFormat`` (read, readByName, readByQuery, readMore) and ``<options><returnformat>``
(query) ``json``/``csv`` answer the records as text (:mod:`return_formats`). A field the
object does not have, in ``<fields>``, ``<select>``, a filter or an order, fails with
``XL03000010`` "Field requested is not valid: customer.NOPE" (:mod:`errors`); every
field of the object's definition can be named and answers empty when it holds nothing.
query also takes fields of related objects (``SHIPTOCONTACT.CONTACTNAME``, :mod:`related`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from xml.etree.ElementTree import Element, SubElement

from sandbox.emulators.intacct import (
    errors,
    object_definitions,
    objects,
    recurring_documents,
    related,
    return_formats,
    sales_documents,
    transaction_updates,
    writes,
)
from sandbox.emulators.intacct.audit_history import AUDITHISTORY
from sandbox.emulators.intacct.auth import Session
from sandbox.emulators.intacct.envelope import FunctionRequest, FunctionResult
from sandbox.emulators.intacct.errors import FunctionError
from sandbox.emulators.intacct.query_filters import (
    Predicate,
    check_fields,
    fields_used,
    parse_filter,
    parse_read_by_query,
    select,
)
from sandbox.emulators.intacct.result_sets import ResultSet, ResultSets
from sandbox.emulators.intacct.rules import WriteContext
from sandbox.emulators.intacct.schema import ObjectSpec, Record, format_wire
from sandbox.emulators.intacct.store import Company

READ_BY_QUERY_MAX = 1000
QUERY_MAX = 2000
DEFAULT_PAGE = 100
WRITES = (
    "create",
    "update",
    "delete",
    "create_sotransaction",
    "update_sotransaction",
    "create_recursotransaction",
)
SESSION_TARGET = "APISESSION"


@dataclass
class FunctionContext:
    company: Company
    user_key: int
    owner: str  # company and user: who may continue a readByQuery
    result_sets: ResultSets
    open_session: Callable[[str | None], Session]  # None: the current location
    endpoint: str
    location: str = ""  # the session's entity; empty at the top level


@dataclass
class Executed:
    """A function's result plus what the call log records about it."""

    result: FunctionResult
    op: str
    target: str
    record_ids: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.result.status == "success"


# -- what a function is about, before it runs ----------------------------------------------


def target_object(fn: FunctionRequest, result_object: Callable[[str], str | None]) -> str:
    """The object a function works on: what faults match and the call log records."""
    body = fn.body
    if fn.name == "getAPISession":
        return SESSION_TARGET
    if fn.name in ("create_sotransaction", "update_sotransaction"):
        return objects.SODOCUMENT.name
    if fn.name == "create_recursotransaction":
        return "SORECURDOCUMENT"
    if fn.name in ("create", "update"):
        first = next(iter(body), None)
        return first.tag.upper() if first is not None else ""
    named = _text(body, "object").upper()
    if fn.name == "readMore" and not named:
        return result_object(_text(body, "resultId")) or ""
    return named


def fault_target(fn: FunctionRequest, result_object: Callable[[str], str | None]) -> str:
    """``create CUSTOMER``, ``query CONTRACT``; ``getAPISession`` alone."""
    if fn.name == "getAPISession":
        return "getAPISession"
    return f"{fn.name} {target_object(fn, result_object)}"


# -- running one function ------------------------------------------------------------------


def run(ctx: FunctionContext, fn: FunctionRequest) -> Executed:
    target = target_object(fn, lambda rid: _result_object(ctx, rid))
    executed = Executed(FunctionResult(fn.name, fn.controlid, "success"), fn.name, target)
    try:
        with ctx.company.transaction(enabled=fn.name in WRITES):
            executed.result.data = _HANDLERS[fn.name](ctx, fn.body, executed)
    except FunctionError as failure:
        executed.record_ids = []
        executed.result.status = "failure"
        executed.result.errors = failure.errors
        if fn.name in ("create", "update"):
            executed.result.data = _data("objects", count=0)
    return executed


def _result_object(ctx: FunctionContext, result_id: str) -> str | None:
    found = ctx.result_sets.find(ctx.owner, result_id, None)
    return found.object_name if found else None


def _text(node: Element, tag: str) -> str:
    child = node.find(tag)
    return (child.text or "").strip() if child is not None else ""


def _data(listtype: str | None = None, **attributes: Any) -> Element:
    data = Element("data")
    if listtype is not None:
        data.set("listtype", listtype)
    for name, value in attributes.items():
        data.set(name, str(value))
    return data


def _spec(name: str, *, write: str | None = None) -> ObjectSpec:
    spec = objects.lookup(name) if name else None
    if spec is None:
        raise errors.unknown_object(name or "(none)")
    if write is not None and not spec.writable:
        raise errors.rule(f"{write} is not supported for {spec.name} by this gateway.")
    return spec


def flatten(node: Element, prefix: str = "") -> dict[str, str | None]:
    """``<DISPLAYCONTACT><MAILADDRESS><CITY>x`` -> ``{"DISPLAYCONTACT.MAILADDRESS.CITY": "x"}``."""
    flat: dict[str, str | None] = {}
    for child in node:
        name = f"{prefix}{child.tag.upper()}"
        if len(child):
            flat.update(flatten(child, name + "."))
        else:
            flat[name] = child.text
    return flat


def record_element(tag: str, record: Record, names: list[str], *, nested: bool) -> Element:
    node = Element(tag)
    for name in names:
        parent = node
        leaf = name
        if nested and "." in name:
            *groups, leaf = name.split(".")
            for group in groups:
                found = parent.find(group)
                parent = found if found is not None else SubElement(parent, group)
        SubElement(parent, leaf).text = format_wire(record.get(name))
    return node


# -- writes --------------------------------------------------------------------------------


def _write_ctx(ctx: FunctionContext) -> WriteContext:
    site = ctx.endpoint.partition("/ia/")[0]
    return WriteContext(ctx.company, ctx.user_key, entity=ctx.location, site=site)


def _written(records: list[tuple[ObjectSpec, Record]], executed: Executed) -> Element:
    data = _data("objects", count=len(records))
    for spec, record in records:
        node = SubElement(data, spec.name.lower())
        SubElement(node, "RECORDNO").text = format_wire(record["RECORDNO"])
        if spec.id_field:
            SubElement(node, spec.id_field).text = format_wire(record.get(spec.id_field))
        executed.record_ids.append(str(record["RECORDNO"]))
    return data


def _create(ctx: FunctionContext, body: Element, executed: Executed) -> Element | None:
    if len(body) == 0:
        raise errors.bad_request("create needs at least one object element.")
    written = []
    for node in body:
        spec = _spec(node.tag, write="create")
        written.append((spec, writes.create(_write_ctx(ctx), spec, flatten(node))))
    return _written(written, executed)


def _update(ctx: FunctionContext, body: Element, executed: Executed) -> Element | None:
    if len(body) == 0:
        raise errors.bad_request("update needs at least one object element.")
    written = []
    for node in body:
        spec = _spec(node.tag, write="update")
        written.append((spec, writes.update(_write_ctx(ctx), spec, flatten(node))))
    return _written(written, executed)


def _keys(body: Element) -> list[str]:
    keys = [k.strip() for k in _text(body, "keys").split(",") if k.strip()]
    if not keys:
        raise errors.bad_request("keys is required.")
    return keys


def _delete(ctx: FunctionContext, body: Element, executed: Executed) -> Element | None:
    spec = _spec(_text(body, "object"), write="delete")
    for key in _keys(body):
        record = writes.delete(_write_ctx(ctx), spec, key)
        executed.record_ids.append(str(record["RECORDNO"]))
    return None


def _create_sotransaction(
    ctx: FunctionContext, body: Element, executed: Executed
) -> Element | None:
    """The legacy create (:mod:`sales_documents`): its answer is ``<key>``, no ``<data>``."""
    docid = sales_documents.create_sotransaction(ctx.company, body, ctx.user_key)
    executed.result.key = docid
    executed.record_ids.append(docid)
    return None


def _legacy(run: Callable[[Company, Element, int], str]) -> _Handler:
    """A legacy (2.1) write whose answer is the record's ``<key>``, no ``<data>``:
    ``update_sotransaction`` (:mod:`transaction_updates`), ``create_recursotransaction``
    (:mod:`recurring_documents`)."""

    def handler(ctx: FunctionContext, body: Element, executed: Executed) -> Element | None:
        key = run(ctx.company, body, ctx.user_key)
        executed.result.key = key
        executed.record_ids.append(key)
        return None

    return handler


# -- reads ---------------------------------------------------------------------------------


def _field_names(spec: ObjectSpec, text: str) -> list[str]:
    if not text.strip() or text.strip() == "*":
        return spec.names()
    names: list[str] = []
    for requested in text.split(","):
        if not requested.strip():
            continue
        expanded = spec.expand(requested)
        if not expanded:
            raise errors.field_not_valid(spec.name, requested.strip().upper())
        names.extend(n for n in expanded if n not in names)
    return names


def _format(body: Element) -> str:
    return return_formats.checked(_text(body, "returnFormat") or _text(body, "returnformat"))


def _answer(
    executed: Executed,
    data: Element,
    tag: str,
    rows: list[Record],
    names: list[str],
    *,
    fmt: str,
    nested: bool,
) -> Element:
    """``rows`` into ``data``: record elements, or the json/csv text of them."""
    if fmt == return_formats.XML:
        for row in rows:
            data.append(record_element(tag, row, names, nested=nested))
        return data
    text = return_formats.render(fmt, rows, names, nested=nested)
    data.text = text
    executed.result.body = (text, return_formats.CONTENT_TYPES[fmt])
    return data


def _rows(ctx: FunctionContext, spec: ObjectSpec, body: Element) -> list[Record]:
    rows = ctx.company.rows(spec)
    docparid = _text(body, "docparid")
    if spec.docpar and docparid:
        rows = [r for r in rows if r.get("DOCPARID") == docparid]
    return rows


def _read_rows(
    executed: Executed, spec: ObjectSpec, rows: list[Record], names: list[str], fmt: str
) -> Element:
    data = _data(spec.name, count=len(rows))
    return _answer(executed, data, spec.name, rows, names, fmt=fmt, nested=True)


def _read(ctx: FunctionContext, body: Element, executed: Executed) -> Element | None:
    spec = _spec(_text(body, "object"))
    fmt = _format(body)
    names = _field_names(spec, _text(body, "fields"))
    wanted = {int(k) for k in _keys(body) if k.isdigit()}
    rows = [r for r in _rows(ctx, spec, body) if r["RECORDNO"] in wanted]
    return _read_rows(executed, spec, rows, names, fmt)


def _read_by_name(ctx: FunctionContext, body: Element, executed: Executed) -> Element | None:
    spec = _spec(_text(body, "object"))
    fmt = _format(body)
    if spec.id_field is None:
        raise errors.bad_request(f"readByName is not supported for {spec.name}; use read.")
    names = _field_names(spec, _text(body, "fields"))
    wanted = set(_keys(body))
    rows = [r for r in _rows(ctx, spec, body) if str(r.get(spec.id_field)) in wanted]
    return _read_rows(executed, spec, rows, names, fmt)


def _page_size(body: Element, maximum: int) -> int:
    text = _text(body, "pagesize")
    if not text:
        return DEFAULT_PAGE
    if not text.isdigit() or not 1 <= int(text) <= maximum:
        raise errors.bad_request(f"pagesize must be a whole number between 1 and {maximum}.")
    return int(text)


def _read_by_query(ctx: FunctionContext, body: Element, executed: Executed) -> Element | None:
    spec = _spec(_text(body, "object"))
    fmt = _format(body)
    names = _field_names(spec, _text(body, "fields"))
    page_size = _page_size(body, READ_BY_QUERY_MAX)
    query_node = body.find("query")
    predicate = parse_read_by_query(query_node.text if query_node is not None else None)
    rows = [dict(r) for r in select(spec, predicate, _rows(ctx, spec, body))]
    result = ctx.result_sets.open(ctx.owner, spec.name, names, rows, page_size, fmt)
    return _page(ctx, spec, result, executed)


def _page(ctx: FunctionContext, spec: ObjectSpec, result: ResultSet, executed: Executed) -> Element:
    page = ctx.result_sets.next_page(result)
    remaining = len(result.rows)
    data = _data(
        spec.name.lower(),
        count=len(page),
        totalcount=result.total,
        numremaining=remaining,
        resultId=result.result_id if remaining else "",
    )
    tag = spec.name.lower()
    return _answer(executed, data, tag, page, result.fields, fmt=result.return_format, nested=True)


def _read_more(ctx: FunctionContext, body: Element, executed: Executed) -> Element | None:
    result_id = _text(body, "resultId") or None
    object_name = _text(body, "object").upper() or None
    if result_id is None and object_name is None:
        raise errors.bad_request("readMore needs a resultId or an object.")
    result = ctx.result_sets.find(ctx.owner, result_id, object_name)
    if result is None:
        raise errors.rule(
            "There is no readByQuery result to continue: the result ID is unknown or "
            "all its records were already returned.",
            "Run the readByQuery again.",
        )
    return _page(ctx, _spec(result.object_name), result, executed)


# -- query ---------------------------------------------------------------------------------

AGGREGATES = ("count", "sum", "avg", "min", "max")


@dataclass(frozen=True)
class _Selected:
    field: str
    aggregate: str | None = None

    @property
    def label(self) -> str:
        return f"{self.aggregate.upper()}.{self.field}" if self.aggregate else self.field


def _selection(spec: ObjectSpec, body: Element) -> list[_Selected]:
    node = body.find("select")
    if node is None or len(node) == 0:
        raise errors.bad_request("query needs <select> with at least one field.")
    chosen: list[_Selected] = []
    for child in node:
        name = (child.text or "").strip().upper()
        if child.tag != "field" and child.tag not in AGGREGATES:
            raise errors.bad_query(f"<{child.tag}> is not allowed in <select>")
        if spec.field(name) is None:
            raise errors.field_not_valid(spec.name, name)
        chosen.append(_Selected(name, None if child.tag == "field" else child.tag))
    return chosen


def _order(spec: ObjectSpec, body: Element, rows: list[Record]) -> list[Record]:
    orderby = body.find("orderby")
    orders = orderby.findall("order") if orderby is not None else []
    ordered = sorted(rows, key=lambda r: int(r.get("RECORDNO") or 0))
    for order in reversed(orders):
        name = _text(order, "field").upper()
        if spec.field(name) is None:
            raise errors.field_not_valid(spec.name, name)
        descending = order.find("descending") is not None

        def key(row: Record, name: str = name) -> tuple[bool, Any]:
            value = row.get(name)
            return (value is None, value if value is not None else 0)

        ordered.sort(key=key, reverse=descending)
    return ordered


def _aggregate(rows: list[Record], chosen: list[_Selected]) -> list[Record]:
    groups: dict[tuple[Any, ...], list[Record]] = {}
    plain = [c.field for c in chosen if c.aggregate is None]
    for row in rows:
        groups.setdefault(tuple(row.get(n) for n in plain), []).append(row)
    result: list[Record] = []
    for key, members in groups.items():
        out: Record = dict(zip(plain, key, strict=True))
        for c in chosen:
            if c.aggregate is None:
                continue
            values = [m.get(c.field) for m in members if m.get(c.field) is not None]
            out[c.label] = _reduce(c.aggregate, values)
        result.append(out)
    return result


def _reduce(aggregate: str, values: list[Any]) -> Any:
    if aggregate == "count":
        return len(values)
    if not values:
        return None
    if aggregate == "min":
        return min(values)
    if aggregate == "max":
        return max(values)
    total = sum((Decimal(str(v)) for v in values), Decimal(0))
    return total if aggregate == "sum" else total / len(values)


def _options(body: Element) -> tuple[bool, str]:
    """(case-insensitive, return format) from ``<options>``."""
    options = body.find("options")
    if options is None:
        return False, return_formats.XML
    fmt = return_formats.checked(_text(options, "returnformat"))
    return _text(options, "caseinsensitive").lower() == "true", fmt


def _query(ctx: FunctionContext, body: Element, executed: Executed) -> Element | None:
    spec = _spec(_text(body, "object"))
    if spec.name == AUDITHISTORY.name and not ctx.company.audit_trail.permitted:
        raise errors.rule(
            "You do not have permission to view the audit history.",
            "Ask your administrator for the custom reports View permission.",
        )
    fold, fmt = _options(body)
    filter_node = body.find("filter")
    predicate: Predicate | None = parse_filter(filter_node) if filter_node is not None else None
    named = [
        *((child.text or "") for child in body.findall("select/*")),
        *fields_used(predicate),
        *(_text(order, "field") for order in body.findall("orderby/order")),
    ]
    spec, stored = related.extend(ctx.company, spec, named, _rows(ctx, spec, body))
    chosen = _selection(spec, body)
    check_fields(spec, predicate)
    page_size = _page_size(body, QUERY_MAX)
    offset_text = _text(body, "offset") or "0"
    if not offset_text.isdigit():
        raise errors.bad_request("offset must be a whole number of 0 or more.")
    offset = int(offset_text)
    rows = _order(spec, body, select(spec, predicate, stored, fold=fold))
    if any(c.aggregate for c in chosen):
        rows = _aggregate(rows, chosen)
    page = rows[offset : offset + page_size]
    remaining = max(len(rows) - offset - len(page), 0)
    data = _data(spec.name, totalcount=len(rows), offset=offset, count=len(page))
    data.set("numremaining", str(remaining))
    labels = [c.label for c in chosen]
    return _answer(executed, data, spec.name, page, labels, fmt=fmt, nested=False)


# -- object definitions --------------------------------------------------------------------


def _lookup(ctx: FunctionContext, body: Element, executed: Executed) -> Element | None:
    return object_definitions.lookup(body)


def _inspect(ctx: FunctionContext, body: Element, executed: Executed) -> Element | None:
    return object_definitions.inspect(body)


# -- sessions ------------------------------------------------------------------------------


def _get_api_session(ctx: FunctionContext, body: Element, executed: Executed) -> Element | None:
    node = body.find("locationid")
    session = ctx.open_session(None if node is None else (node.text or "").strip())
    data = _data()
    api = SubElement(data, "api")
    SubElement(api, "sessionid").text = session.sessionid
    SubElement(api, "endpoint").text = ctx.endpoint
    SubElement(api, "locationid").text = session.locationid
    return data


_Handler = Callable[[FunctionContext, Element, Executed], Element | None]

_HANDLERS: dict[str, _Handler] = {
    "create": _create,
    "update": _update,
    "delete": _delete,
    "create_sotransaction": _create_sotransaction,
    "update_sotransaction": _legacy(transaction_updates.update_sotransaction),
    "create_recursotransaction": _legacy(recurring_documents.create_recursotransaction),
    "read": _read,
    "readByName": _read_by_name,
    "readByQuery": _read_by_query,
    "readMore": _read_more,
    "query": _query,
    "lookup": _lookup,
    "inspect": _inspect,
    "getAPISession": _get_api_session,
}
