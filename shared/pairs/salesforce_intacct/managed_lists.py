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
deletes likewise), reads of Intacct one ``query`` per list.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from shared.connectors.intacct.connector import Filter, IntacctConnector
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

    def run(self, *, full: bool) -> dict[str, int]:
        report: dict[str, int] = {}
        if not full:
            for sobject in SOBJECTS:
                report[f"{sobject} put back"] = self._put_back(sobject)
        for spec in LISTS:
            report[spec.intacct_object] = self._bring_over(spec, full=full)
        for sobject in SOBJECTS:  # what this run wrote: its echo is not someone's edit
            cursor = self._cursors.get(self._conn.connection_id, CRM_SYSTEM, sobject)
            recent = {k: v for k, v in self._ours.items() if _sobject_of(k) == sobject}
            self._cursors.put(
                self._conn.connection_id,
                CRM_SYSTEM,
                sobject,
                cursor.model_copy(update={"recent": recent}),
            )
        return report

    # -- Intacct -> Salesforce -------------------------------------------------------------

    def _bring_over(self, spec: ManagedList, *, full: bool) -> int:
        conn_id = self._conn.connection_id
        cursor = self._cursors.get(conn_id, INTACCT_SYSTEM, spec.intacct_object)
        since = None
        if spec.stamped and not full and cursor.since is not None:
            since = cursor.since - timedelta(seconds=self._conn.poll_overlap_s)
        rows = list(
            self._intacct.changed_since(
                spec.intacct_object, since, spec.fields, self._conn.poll_page_size
            )
        )
        written = self._write(spec.sobject, [spec.to_salesforce(r.fields) for r in rows])
        newest = max((r.modified_at for r in rows if r.modified_at), default=cursor.since)
        if newest is not None and newest != cursor.since:
            self._cursors.put(
                conn_id, INTACCT_SYSTEM, spec.intacct_object, PollCursor(since=newest)
            )
        return written

    def _write(self, sobject: str, bodies: Sequence[dict[str, Any]]) -> int:
        """Upsert the bodies that differ from what Salesforce holds; answers how many."""
        if not bodies:
            return 0
        have = {
            str(row["Intacct_Key__c"]): row
            for row in self._rows(sobject, "Intacct_Key__c", [b["Intacct_Key__c"] for b in bodies])
        }
        changed = [b for b in bodies if _differs(b, have.get(b["Intacct_Key__c"]))]
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

    def _put_back(self, sobject: str) -> int:
        """Rows changed in Salesforce since the last refresh, but for our own writes: put
        back to Intacct's values, or deleted when Intacct has no such value."""
        conn_id = self._conn.connection_id
        cursor = self._cursors.get(conn_id, CRM_SYSTEM, sobject)
        since = None
        if cursor.since is not None:
            since = cursor.since - timedelta(seconds=self._conn.poll_overlap_s)
        extra = _extra_fields(sobject)
        seen = list(
            self._sf.changed_since(
                sobject, since, [*LIST_FIELDS, *extra], self._conn.poll_page_size
            )
        )
        edited = [
            record
            for record in seen
            if cursor.recent.get(_key_of(record)) != _digest(_body_of(record.fields, extra))
        ]
        orphans = [r.key for r in edited if _list_of(r) is None]
        wanted: list[dict[str, Any]] = []
        by_list: dict[str, list[SourceRecord]] = {}
        for record in edited:
            spec = _list_of(record)
            if spec is not None:
                by_list.setdefault(spec.intacct_object, []).append(record)
        for obj, records in by_list.items():
            spec = BY_OBJECT[obj]
            numbers = tuple(_key_of(r).partition(":")[2] for r in records)
            rows = self._intacct.query(
                obj, spec.fields, [Filter("in", "RECORDNO", numbers)], page_size=len(numbers)
            )
            found = {spec.key(row["RECORDNO"]): row for row in rows}
            for record in records:
                row = found.get(_key_of(record))
                if row is None:
                    orphans.append(record.key)
                else:
                    wanted.append(spec.to_salesforce(row))
        put_back = self._write(sobject, wanted)
        for chunk in _chunks(orphans, COLLECTION):
            self._sf.client.json(
                "DELETE", f"/composite/sobjects?ids={','.join(chunk)}&allOrNone=false"
            )
        newest = max((r.modified_at for r in seen if r.modified_at), default=None)
        if newest is not None and (cursor.since is None or newest > cursor.since):
            cursor = cursor.model_copy(update={"since": newest})
            self._cursors.put(conn_id, CRM_SYSTEM, sobject, cursor)
        return put_back + len(orphans)

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
