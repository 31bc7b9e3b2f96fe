"""Which objects changed, from Intacct's audit trail, in one billed function.

Intacct has no push, so every polled object costs a ``query`` per poll, billed whether or
not anything changed. ``AUDITHISTORY`` (developer.intacct.com, Company console, "Audit
Trails") holds a row for each record created, changed or deleted, across objects; one
``query`` grouped by ``OBJECTTYPE`` with the newest ``ACCESSTIME`` of each tells which of
the polled objects have anything to read, and the poller queries only those.

Reading the trail needs the custom-reports View permission (Platform Services). A company
whose API user lacks it refuses the query: the answer is then "cannot tell" (None), every
object is queried as before, and this connector does not ask again.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from xml.etree.ElementTree import Element, SubElement

from shared.connectors.intacct import xml
from shared.connectors.intacct.client import IntacctClient
from shared.connectors.intacct.xml import TIMESTAMP_FORMAT, parse_timestamp

OBJECT = "AUDITHISTORY"


def query_body(since: Mapping[str, datetime | None]) -> Element:
    """The grouped query: object types with a cursor need rows at or after the oldest
    cursor (each is compared with its own afterwards); those without one need any row."""
    timed = sorted(o for o, t in since.items() if t is not None)
    untimed = sorted(o for o, t in since.items() if t is None)
    body = Element("query")
    SubElement(body, "object").text = OBJECT
    select = SubElement(body, "select")
    SubElement(select, "field").text = "OBJECTTYPE"
    SubElement(select, "max").text = "ACCESSTIME"
    groups: list[Element] = []
    if timed:
        oldest = min(t for t in since.values() if t is not None)
        group = Element("and")
        group.append(_in(timed))
        after = SubElement(group, "greaterthanorequalto")
        SubElement(after, "field").text = "ACCESSTIME"
        SubElement(after, "value").text = oldest.strftime(TIMESTAMP_FORMAT)
        groups.append(group)
    if untimed:
        groups.append(_in(untimed))
    where = SubElement(body, "filter")
    if len(groups) == 1:
        where.append(groups[0])
    else:
        either = SubElement(where, "or")
        either.extend(groups)
    options = SubElement(body, "options")
    SubElement(options, "caseinsensitive").text = "true"  # the trail names them in lower case
    SubElement(body, "pagesize").text = str(len(since))
    return body


def changed_objects(
    client: IntacctClient, since: Mapping[str, datetime | None]
) -> dict[str, datetime]:
    """Each object of ``since`` with a trail row at or after its time (any, for None), with
    its newest row's time. Raises what the client raises (a refusal is permanent)."""
    if not since:
        return {}
    result = client.call(xml.Function("audit-trail", query_body(since)), unique=False)
    by_type = {name.lower(): name for name in since}
    changed: dict[str, datetime] = {}
    for row in result.records:
        name = by_type.get(str(row.get("OBJECTTYPE") or "").lower())
        newest = parse_timestamp(row.get("MAX.ACCESSTIME"))
        if name is None or newest is None:
            continue
        cursor = since[name]
        if cursor is None or newest >= cursor:
            changed[name] = newest
    return changed


def _in(objects: list[str]) -> Element:
    node = Element("in")
    SubElement(node, "field").text = "OBJECTTYPE"
    for name in objects:
        SubElement(node, "value").text = name.lower()
    return node
