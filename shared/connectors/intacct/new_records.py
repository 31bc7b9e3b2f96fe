"""What Intacct makes of a record it has just created, where that is known without reading it.

A ``create`` answers only the new record's RECORDNO and key (developer.intacct.com "XML
Responses": ``<data listtype="objects" count="1"><task><RECORDNO>…</RECORDNO></task>``), so a
create asking for its record (``Write.read_back``) costs one more billed ``query`` per
request. For some objects everything the company adds to a new record follows from what
was sent: a project task (developer.intacct.com "Tasks", ``create`` of ``TASK``; the
intacct-sdk's ``TaskCreate``) starts with no hours charged to it (its actual hours come
from timesheet entries, and none can name a task that did not exist), so its percent
complete is 0 of an estimate, or empty without one; an unsent status is ``Not Started``
and an unsent billable flag false. A project (developer.intacct.com "Projects", ``create``
of ``PROJECT``) has no tasks and no timesheet entries when it is made: its estimated and
actual hours and percent complete, which Intacct rolls up from those, are empty until the
first task or entry. Such a record is answered from what was sent and the create's answer,
and is not read back.

Only the fields listed here are known; a create asking for any other (an entity, a URL the
company assigns) is read back as before. The poll does not look at our own creates again
(the audit trail's marks leave them out, :mod:`audit_trail`), so what is listed here must
be what Intacct makes of every such create: should the company make something else of the
record (a change of its own, logged as one), that change moves the marks and flows like any
other; a value it set silently on create would reach Salesforce with the record's next
change.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

Known = Callable[[Mapping[str, Any]], Any]
ENTITY = "MEGAENTITYID"  # a record's entity (the connector's ENTITY_FIELD)


def _sent(name: str, default: Any = None) -> Known:
    def value(sent: Mapping[str, Any]) -> Any:
        given = sent.get(name)
        return default if given in (None, "") else given

    return value


def _estimate(sent: Mapping[str, Any]) -> Decimal:
    try:
        return Decimal(str(sent.get("ESTQTY") or 0))
    except InvalidOperation:
        return Decimal(0)


def _percent_complete(sent: Mapping[str, Any]) -> Decimal | None:
    return Decimal(0) if _estimate(sent) > 0 else None


# Per object: the fields a new record's values are known for, from what its create sent.
# Fields sent as they are, computed fields and defaults; RECORDNO comes from the answer.
KNOWN_ON_CREATE: dict[str, dict[str, Known]] = {
    "TASK": {
        "ACTUALQTY": lambda _: Decimal(0),
        "APPROVEDQTY": lambda _: Decimal(0),
        "REMAININGQTY": _estimate,
        "PERCENTCOMPLETE": _percent_complete,
        "TASKSTATUS": _sent("TASKSTATUS", "Not Started"),
        "BILLABLE": _sent("BILLABLE", "false"),
    },
    "PROJECT": {
        "ESTQTY": lambda _: None,
        "ACTUALQTY": lambda _: None,
        "PERCENTCOMPLETE": lambda _: None,
        # the entity of the session that created it (a create names none): answered
        ENTITY: lambda _: None,
    },
}


def knowable(obj: str, sent: Mapping[str, Any], fields: Sequence[str]) -> bool:
    """Whether every one of ``fields`` of a new ``obj`` record made from ``sent`` is known
    without reading it (the record's own key and RECORDNO come with the create's answer)."""
    known = KNOWN_ON_CREATE.get(obj)
    if known is None:
        return False
    return all(f in known or f in sent or f == "RECORDNO" for f in fields)


def new_record(
    obj: str, sent: Mapping[str, Any], fields: Sequence[str], answered: Mapping[str, Any]
) -> dict[str, Any]:
    """The new record's ``fields`` (``knowable`` must hold): sent values as sent, the rest
    as the company makes them, ``answered`` (RECORDNO, the key and the entity) from the
    create."""
    known = KNOWN_ON_CREATE[obj]
    record: dict[str, Any] = {}
    for name in fields:
        if name in known:
            record[name] = known[name](sent)
        else:
            record[name] = sent.get(name)
    # the entity is answered for the objects that know it so (not a task: its project's)
    record.update({k: v for k, v in answered.items() if k != ENTITY or k in known})
    return record
