"""Intacct's managed lists mirrored into Salesforce, read-only: the twelve lists of the
integration (AR payment terms, billing templates, classes, departments, employees, entities
and locations, exchange rate types, project statuses, project templates, project types,
renewal templates, territories), one Salesforce custom object each.

- The connection's set-up loads every list in full (:func:`load_lists`, a set-up hook).
- The schedule refreshes them (:func:`refresh_lists`): values Intacct changed since the
  last refresh (by ``WHENMODIFIED``; a list without change stamps is read whole and only
  its differences written), added, renamed or made inactive, reach Salesforce. A value is
  keyed by its Intacct record (``Intacct_Key__c`` = ``ARTERM:3``), so a rename updates it.
- Values edited in Salesforce are put back to Intacct's on the next refresh, and values
  made in Salesforce are deleted: nothing in these objects is ever read to write Intacct.
  A Salesforce row is recognised as our own write by the digest we wrote (kept with the
  cursor), so only other people's edits cost an Intacct read.
- :func:`check_list_value` refuses a record that picks a value the mirrored list does not
  have, or has inactive, with a reason naming the list and the value — before anything is
  written to Intacct.

Writes go in Salesforce's sObject Collections (upsert on the external id, 200 a request;
deletes likewise). Intacct is read with one ``query`` function per list, all the lists in
one request (the XML API runs several functions of one request, each with its own
controlid; each is billed): a refresh costs one billed function per list. A value Intacct
shows again in the overlap window, unchanged since we wrote it (its digest is kept with
the list's cursor), is not written again, and a changed one is upserted without reading
Salesforce first; only the set-up's full load compares with what Salesforce holds. Our own
Salesforce rows stay recognised while the window still shows them, so a quiet refresh
puts nothing back and reads nothing more of Intacct. The put-back's queries of the
Salesforce objects go five to a Composite request (one API call each).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from shared.connectors.intacct.connector import (
    MAX_IN,
    Filter,
    IntacctConnector,
    Query,
    changed_query,
)
from shared.connectors.salesforce import soql
from shared.connectors.salesforce.connector import SalesforceConnector
from shared.errors import RecordRejectedError, ValidationFailedError
from shared.messages import Msg, say
from shared.models.records import SourceRecord
from shared.pairs.plugin import PairContext
from shared.pairs.salesforce_intacct.connection import ContractSettings
from shared.state.cursors import PollCursor
from shared.sync.hashing import record_digest

INTACCT_SYSTEM = "intacct-lists"
CRM_SYSTEM = "salesforce-lists"
COLLECTION = 200  # records per sObject Collections request
LIST_FIELDS = ("Name", "Intacct_Key__c", "Intacct_ID__c", "Description__c", "Active__c")


@dataclass(frozen=True)
class ManagedList:
    label: str  # as a refusal names it
    intacct_object: str
    id_field: str  # the value Intacct takes where a record picks from the list
    name_field: str
    sobject: str
    description_field: str | None = None
    stamped: bool = True  # has WHENMODIFIED: refreshed incrementally
    kind: str | None = None  # for a Salesforce object holding two Intacct lists

    @property
    def fields(self) -> tuple[str, ...]:
        names = {"RECORDNO", self.id_field, self.name_field}
        if self.description_field:
            names.add(self.description_field)
        if self.intacct_object != "EXCHANGERATETYPES":
            names.add("STATUS")
        return tuple(sorted(names))

    def key(self, recordno: Any) -> str:
        return f"{self.intacct_object}:{recordno}"

    def to_salesforce(self, row: Mapping[str, Any]) -> dict[str, Any]:
        ident = str(row.get(self.id_field) or "")
        body: dict[str, Any] = {
            "Name": str(row.get(self.name_field) or ident)[:80],
            "Intacct_Key__c": self.key(row["RECORDNO"]),
            "Intacct_ID__c": ident[:80],
            "Description__c": (
                str(row.get(self.description_field) or "")[:255] or None
                if self.description_field
                else None
            ),
            "Active__c": str(row.get("STATUS") or "active") == "active",
        }
        if self.kind:
            body["Kind__c"] = self.kind
        return body


def _list(label: str, obj: str, ident: str, name: str, sobject: str, **more: Any) -> ManagedList:
    return ManagedList(label, obj, ident, name, sobject, **more)


LISTS: tuple[ManagedList, ...] = (
    _list(
        "AR payment terms",
        "ARTERM",
        "NAME",
        "NAME",
        "Intacct_AR_Payment_Term__c",
        description_field="DESCRIPTION",
    ),
    _list(
        "billing templates",
        "CONTRACTBILLINGTEMPLATE",
        "NAME",
        "NAME",
        "Intacct_Billing_Template__c",
        description_field="DESCRIPTION",
    ),
    _list(
        "classes", "CLASS", "CLASSID", "NAME", "Intacct_Class__c", description_field="DESCRIPTION"
    ),
    _list("departments", "DEPARTMENT", "DEPARTMENTID", "TITLE", "Intacct_Department__c"),
    _list(
        "employees",
        "EMPLOYEE",
        "EMPLOYEEID",
        "PERSONALINFO.CONTACTNAME",
        "Intacct_Employee__c",
        description_field="TITLE",
    ),
    _list("entities", "LOCATIONENTITY", "LOCATIONID", "NAME", "Intacct_Location__c", kind="Entity"),
    _list("locations", "LOCATION", "LOCATIONID", "NAME", "Intacct_Location__c", kind="Location"),
    _list(
        "exchange rate types",
        "EXCHANGERATETYPES",
        "NAME",
        "NAME",
        "Intacct_Exchange_Rate_Type__c",
        stamped=False,
    ),
    _list(
        "project statuses",
        "PROJECTSTATUS",
        "NAME",
        "NAME",
        "Intacct_Project_Status__c",
        description_field="DESCRIPTION",
    ),
    _list(
        "project templates",
        "PROJECTTEMPLATE",
        "NAME",
        "NAME",
        "Intacct_Project_Template__c",
        description_field="DESCRIPTION",
    ),
    _list("project types", "PROJECTTYPE", "NAME", "NAME", "Intacct_Project_Type__c"),
    _list(
        "renewal templates",
        "RENEWALMACRO",
        "NAME",
        "NAME",
        "Intacct_Renewal_Template__c",
        description_field="DESCRIPTION",
    ),
    _list("territories", "TERRITORY", "TERRITORYID", "NAME", "Intacct_Territory__c"),
)
BY_OBJECT = {spec.intacct_object: spec for spec in LISTS}
SOBJECTS = tuple(dict.fromkeys(spec.sobject for spec in LISTS))


def load_lists(ctx: PairContext) -> str:
    """The set-up hook: every list loaded in full."""
    written = ListMirror(ctx).run(full=True)
    return f"managed lists loaded: {len(LISTS)} lists, {sum(written.values())} values"


def refresh_lists(ctx: PairContext) -> dict[str, int]:
    """The scheduled job: Salesforce edits put back, then Intacct's changes brought over."""
    return ListMirror(ctx).run(full=False)


class ListMirror:
    def __init__(self, ctx: PairContext) -> None:
        assert isinstance(ctx.crm, SalesforceConnector)
        assert isinstance(ctx.erp, IntacctConnector)
        self._conn = ctx.connection
        self._sf = ctx.crm
        self._intacct = ctx.erp
        self._cursors = ctx.cursors
        self._ours: dict[str, str] = {}  # Intacct key -> digest of what this run wrote
        self._crm: dict[str, PollCursor] = {}  # sObject -> its cursor as this run leaves it

    def run(self, *, full: bool) -> dict[str, int]:
        conn_id = self._conn.connection_id
        self._crm = {s: self._cursors.get(conn_id, CRM_SYSTEM, s) for s in SOBJECTS}
        if full:  # every row is written or checked again: nothing earlier is remembered
            self._crm = {s: c.model_copy(update={"recent": {}}) for s, c in self._crm.items()}
        report: dict[str, int] = {}
        if not full:
            report.update(self._put_back())
        report.update(self._bring_over(full=full))
        for sobject, cursor in self._crm.items():
            # what this run wrote joins what is still ours: its echo is not someone's edit
            ours = {k: v for k, v in self._ours.items() if _sobject_of(k) == sobject}
            recent = {**cursor.recent, **ours}
            self._cursors.put(
                conn_id, CRM_SYSTEM, sobject, cursor.model_copy(update={"recent": recent})
            )
        return report

    # -- Intacct -> Salesforce -------------------------------------------------------------

    def _bring_over(self, *, full: bool) -> dict[str, int]:
        """Every list's changes since its cursor, read in one Intacct request (one query
        function per list). A value whose Salesforce body is what we last wrote (remembered
        in the list's cursor while it stays in the overlap window) is not written again."""
        conn_id = self._conn.connection_id
        overlap = timedelta(seconds=self._conn.poll_overlap_s)
        cursors = [self._cursors.get(conn_id, INTACCT_SYSTEM, s.intacct_object) for s in LISTS]
        asks = [
            changed_query(
                spec.intacct_object,
                cursor.since - overlap
                if spec.stamped and not full and cursor.since is not None
                else None,
                spec.fields,
                self._conn.poll_page_size,
            )
            for spec, cursor in zip(LISTS, cursors, strict=True)
        ]
        report: dict[str, int] = {}
        found = self._intacct.changed_since_each(asks)
        for spec, cursor, rows in zip(LISTS, cursors, found, strict=True):
            bodies = {r.key: spec.to_salesforce(r.fields) for r in rows}
            marks = {b["Intacct_Key__c"]: _digest(b) for b in bodies.values()}
            fresh = [
                b
                for b in bodies.values()
                if full or cursor.recent.get(b["Intacct_Key__c"]) != marks[b["Intacct_Key__c"]]
            ]
            have = self._have(spec.sobject, fresh) if full else None
            report[spec.intacct_object] = self._write(spec.sobject, fresh, have)
            newest = max((r.modified_at for r in rows if r.modified_at), default=cursor.since)
            kept = PollCursor(since=newest, recent=marks)
            if kept != cursor:
                self._cursors.put(conn_id, INTACCT_SYSTEM, spec.intacct_object, kept)
        return report

    def _have(
        self, sobject: str, bodies: Sequence[Mapping[str, Any]]
    ) -> dict[str, Mapping[str, Any]]:
        """The Salesforce rows of these values, by Intacct key."""
        keys = [b["Intacct_Key__c"] for b in bodies]
        return {
            str(row["Intacct_Key__c"]): row for row in self._rows(sobject, "Intacct_Key__c", keys)
        }

    def _write(
        self,
        sobject: str,
        bodies: Sequence[dict[str, Any]],
        have: Mapping[str, Mapping[str, Any]] | None,
    ) -> int:
        """Upsert the bodies (those that differ from the rows in ``have``, when given);
        answers how many."""
        changed = [b for b in bodies if have is None or _differs(b, have.get(b["Intacct_Key__c"]))]
        for chunk in _chunks(changed, COLLECTION):
            answers = self._sf.client.json(
                "PATCH",
                f"/composite/sobjects/{sobject}/Intacct_Key__c",
                body={
                    "allOrNone": False,
                    "records": [{"attributes": {"type": sobject}, **b} for b in chunk],
                },
            )
            _raise_first_failure(sobject, answers)
        for body in changed:
            self._ours[body["Intacct_Key__c"]] = _digest(body)
        return len(changed)

    # -- Salesforce edits put back ---------------------------------------------------------

    def _put_back(self) -> dict[str, int]:
        """Rows changed in Salesforce since the last refresh, but for our own writes: put
        back to Intacct's values (read for all lists in one Intacct request), or deleted
        when Intacct has no such value."""
        overlap = timedelta(seconds=self._conn.poll_overlap_s)
        edited: dict[str, list[SourceRecord]] = {}
        changes = self._sf.changed_since_each(
            [
                (
                    sobject,
                    cursor.since - overlap if cursor.since is not None else None,
                    [*LIST_FIELDS, *_extra_fields(sobject)],
                )
                for sobject, cursor in self._crm.items()
            ]
        )
        for (sobject, cursor), seen in zip(list(self._crm.items()), changes, strict=True):
            extra = _extra_fields(sobject)
            digests = {_key_of(r): _digest(_body_of(r.fields, extra)) for r in seen}
            # our own writes still in the window stay remembered; the rest is someone's edit
            ours = {k: d for k, d in digests.items() if k and cursor.recent.get(k) == d}
            edited[sobject] = [r for r in seen if _key_of(r) not in ours]
            newest = max((r.modified_at for r in seen if r.modified_at), default=None)
            if newest is None or (cursor.since is not None and newest <= cursor.since):
                newest = cursor.since
            self._crm[sobject] = PollCursor(since=newest, recent=ours)
        intacct = self._intacct_rows([r for records in edited.values() for r in records])
        report: dict[str, int] = {}
        for sobject, records in edited.items():
            orphans = [r.key for r in records if _key_of(r) not in intacct]
            wanted = [
                BY_OBJECT[_key_of(r).partition(":")[0]].to_salesforce(intacct[_key_of(r)])
                for r in records
                if _key_of(r) in intacct
            ]
            have = {_key_of(r): r.fields for r in records}
            put_back = self._write(sobject, wanted, have)
            for chunk in _chunks(orphans, COLLECTION):
                self._sf.client.json(
                    "DELETE", f"/composite/sobjects?ids={','.join(chunk)}&allOrNone=false"
                )
            report[f"{sobject} put back"] = put_back + len(orphans)
        return report

    def _intacct_rows(self, records: Sequence[SourceRecord]) -> dict[str, Mapping[str, Any]]:
        """Intacct's rows of the values these Salesforce rows name, by Intacct key: one
        request, one query function per list named."""
        numbers: dict[str, list[str]] = {}
        for record in records:
            spec = _list_of(record)
            if spec is not None:
                numbers.setdefault(spec.intacct_object, []).append(
                    _key_of(record).partition(":")[2]
                )
        if not numbers:
            return {}
        asks = [
            Query(obj, BY_OBJECT[obj].fields, (Filter("in", "RECORDNO", chunk),), (), len(chunk))
            for obj, wanted in numbers.items()
            for chunk in map(tuple, _chunks(wanted, MAX_IN))
        ]
        found: dict[str, Mapping[str, Any]] = {}
        for ask, rows in zip(asks, self._intacct.query_each(asks), strict=True):
            spec = BY_OBJECT[ask.obj]
            found.update({spec.key(row["RECORDNO"]): row for row in rows})
        return found

    def _rows(self, sobject: str, field: str, values: Sequence[str]) -> Iterator[dict[str, Any]]:
        extra = _extra_fields(sobject)
        for chunk in _chunks(list(values), COLLECTION):
            statement = soql.select(
                sobject, ["Id", *LIST_FIELDS, *extra], f"{field} IN {soql.in_list(chunk)}"
            )
            yield from self._sf.query(statement)


def check_list_value(sf: SalesforceConnector, list_label: str, value: str | None) -> None:
    """Refuse ``value`` unless the mirrored list named ``list_label`` has it, active."""
    if not value:
        return
    spec = next(s for s in LISTS if s.label == list_label)
    statement = soql.select(
        spec.sobject,
        ["Id", "Active__c"],
        f"Intacct_ID__c = {soql.quote(value)}"
        + (f" AND Kind__c = {soql.quote(spec.kind)}" if spec.kind else ""),
    )
    rows = list(sf.query(statement))
    if not rows:
        raise ValidationFailedError(say(Msg.LIST_VALUE_UNKNOWN, value=value, list=spec.label))
    if not any(row.get("Active__c") for row in rows):
        raise ValidationFailedError(say(Msg.LIST_VALUE_INACTIVE, value=value, list=spec.label))


def check_contract_lists(sf: SalesforceConnector, settings: ContractSettings) -> None:
    """A contract's payment term and renewal template, checked against the mirrored lists."""
    check_list_value(sf, "AR payment terms", settings.payment_term)
    check_list_value(sf, "renewal templates", settings.renewal_template)


def _extra_fields(sobject: str) -> tuple[str, ...]:
    return ("Kind__c",) if sobject == "Intacct_Location__c" else ()


def _key_of(record: SourceRecord) -> str:
    return str(record.get("Intacct_Key__c") or "")


def _list_of(record: SourceRecord) -> ManagedList | None:
    return BY_OBJECT.get(_key_of(record).partition(":")[0])


def _sobject_of(key: str) -> str:
    return BY_OBJECT[key.partition(":")[0]].sobject


def _body_of(fields: Mapping[str, Any], extra: Iterable[str]) -> dict[str, Any]:
    return {name: fields.get(name) for name in (*LIST_FIELDS, *extra)}


def _digest(body: Mapping[str, Any]) -> str:
    return record_digest({k: v for k, v in body.items() if k in (*LIST_FIELDS, "Kind__c")})


def _differs(body: Mapping[str, Any], row: Mapping[str, Any] | None) -> bool:
    return row is None or _digest(body) != _digest({k: row.get(k) for k in body})


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _raise_first_failure(sobject: str, answers: Any) -> None:
    for answer in answers or []:
        if not answer.get("success"):
            errors = answer.get("errors") or [{}]
            raise RecordRejectedError(
                "salesforce",
                f"{sobject}: {errors[0].get('message', 'refused')}",
                errors[0].get("statusCode"),
            )
