"""Which objects changed, from Intacct's audit trail, in one billed function.

Intacct has no push, so every polled object costs a ``query`` per poll, billed whether or
not anything changed. ``AUDITHISTORY`` (developer.intacct.com, Company console, "Audit
Trails") holds a row for each record created, changed or deleted, across objects; one
``query`` grouped by ``OBJECTTYPE`` with the newest ``ACCESSTIME`` of each tells which of
the polled objects have anything to read, and the poller queries only those.

A poll that queried an object has seen every change the trail held for it then; the next
poll need not query it again unless the trail has a row for it that was not there. Counting
tells that, where times cannot (whole seconds: a second change can share the newest row's
second; a late commit can land before it): ``change_marks`` asks, in the same one function,
for each object's newest row and number of rows at or after an anchor the poller keeps
(``count`` and ``max`` are ``query`` aggregates, developer.intacct.com "Query and List"), so
any new row of the object changes its mark.

Our own creates are left out of both queries: a row whose ``USERID`` is the connection's own
user (the trail names who made each change; its documented example filters on ``USERID``)
and whose ``ACCESSMODE`` is ``C`` (a create) is a record this connector made and was answered
for, read back in the create's own request where Intacct derives anything we sync
(``Write.read_back``) or known from what it sent (:mod:`new_records`), and linked by the
worker: a query to see it again would only confirm it (and the poll's echo check drop it).
Everything else still counts: a person's creates and changes, our own updates (their echoes
are checked as before), and what Intacct changes as a consequence of our writes (a project's
hours rolled up from a task we created is a modification, not a create). This relies on the
connection's user being the integration's own, as a Web Services user set up for it is;
should people share it, their creates wait for a later change of the object or the hourly
sweep (``SWEEP`` in the poller), which reads every object whatever the trail says.

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
CREATED = "C"  # ACCESSMODE of a row that created its record


def query_body(since: Mapping[str, datetime | None], own_user: str | None = None) -> Element:
    """The grouped query: object types with a cursor need rows at or after the oldest
    cursor (each is compared with its own afterwards); those without one need any row.
    With ``own_user``, that user's creates are left out."""
    timed = [o for o, t in since.items() if t is not None]
    by_time: dict[datetime | None, list[str]] = {}
    if timed:
        by_time[min(t for t in since.values() if t is not None)] = timed
    untimed = [o for o, t in since.items() if t is None]
    if untimed:
        by_time[None] = untimed
    return _grouped(by_time, counted=False, size=len(since), own_user=own_user)


def changed_objects(
    client: IntacctClient, since: Mapping[str, datetime | None], *, own_creates: bool = False
) -> dict[str, datetime]:
    """Each object of ``since`` with a trail row at or after its time (any, for None), with
    its newest row's time, our own creates left out (``own_creates``: counted). Raises what
    the client raises (a refusal is permanent)."""
    if not since:
        return {}
    body = query_body(since, None if own_creates else client.user_id)
    result = client.call(xml.Function("audit-trail", body), unique=False)
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


def marks_body(anchors: Mapping[str, datetime | None], own_user: str | None = None) -> Element:
    """The grouped query of each object's newest row and number of rows at or after its
    anchor (any row, for None): one filter group per distinct anchor. With ``own_user``,
    that user's creates are left out."""
    by_anchor: dict[datetime | None, list[str]] = {}
    for name, anchor in anchors.items():
        by_anchor.setdefault(anchor, []).append(name)
    return _grouped(by_anchor, counted=True, size=len(anchors), own_user=own_user)


def _not_own_create(own_user: str) -> Element:
    """Rows that are not a create by ``own_user``: another user's, or not a create."""
    either = Element("or")
    other = SubElement(either, "notequalto")
    SubElement(other, "field").text = "USERID"
    SubElement(other, "value").text = own_user
    changed = SubElement(either, "notequalto")
    SubElement(changed, "field").text = "ACCESSMODE"
    SubElement(changed, "value").text = CREATED
    return either


def _grouped(
    by_time: Mapping[datetime | None, list[str]],
    *,
    counted: bool,
    size: int,
    own_user: str | None = None,
) -> Element:
    """A query of the trail grouped by object type, with each type's newest row (and its
    number of rows, ``counted``): one filter group per time, the rows at or after it of
    the types listed (any row, for None); with ``own_user``, not that user's creates."""
    body = Element("query")
    SubElement(body, "object").text = OBJECT
    select = SubElement(body, "select")
    SubElement(select, "field").text = "OBJECTTYPE"
    SubElement(select, "max").text = "ACCESSTIME"
    if counted:
        SubElement(select, "count").text = "RECORDNO"
    groups: list[Element] = []
    for at, names in sorted(by_time.items(), key=lambda item: str(item[0])):
        if at is None:
            groups.append(_in(sorted(names)))
            continue
        group = Element("and")
        group.append(_in(sorted(names)))
        after = SubElement(group, "greaterthanorequalto")
        SubElement(after, "field").text = "ACCESSTIME"
        SubElement(after, "value").text = at.strftime(TIMESTAMP_FORMAT)
        groups.append(group)
    where = SubElement(body, "filter")
    rows = where if own_user is None else SubElement(where, "and")
    if len(groups) == 1:
        rows.append(groups[0])
    else:
        either = SubElement(rows, "or")
        either.extend(groups)
    if own_user is not None:
        rows.append(_not_own_create(own_user))
    options = SubElement(body, "options")
    SubElement(options, "caseinsensitive").text = "true"  # the trail names them in lower case
    SubElement(body, "pagesize").text = str(size)
    return body


def change_marks(
    client: IntacctClient, anchors: Mapping[str, datetime | None], *, own_creates: bool = False
) -> dict[str, str]:
    """Each object of ``anchors``: a mark of its trail rows at or after its anchor (any, for
    None; our own creates left out unless ``own_creates``), ``<newest row's time>#<rows>``,
    "" when there is none. A row added for the object after a mark was taken changes the
    mark. Raises what the client raises."""
    if not anchors:
        return {}
    body = marks_body(anchors, None if own_creates else client.user_id)
    result = client.call(xml.Function("audit-marks", body), unique=False)
    by_type = {name.lower(): name for name in anchors}
    marks = dict.fromkeys(anchors, "")
    for row in result.records:
        name = by_type.get(str(row.get("OBJECTTYPE") or "").lower())
        newest = parse_timestamp(row.get("MAX.ACCESSTIME"))
        if name is None or newest is None:
            continue
        marks[name] = f"{newest.isoformat()}#{row.get('COUNT.RECORDNO') or 0}"
    return marks
