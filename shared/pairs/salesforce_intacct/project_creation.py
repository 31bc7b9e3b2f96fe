""" "Create Project" on a won opportunity (or on a contract): the Intacct project for the
account's customer, marked as coming from that record, and the Salesforce project linked
to both; the outcome (project, status, error) shown on the record pressed.

At most one project per opportunity: the Intacct ``PROJECTID`` is the opportunity's own
18-character Id, so whatever repeats (two presses, a redelivered message, a retry after a
lost answer), Intacct holds at most one project with it: an existing one is adopted, a
create runs with ``uniqueid`` and a stable controlid, and a lost answer is recovered by the
key. The Salesforce project is then made by the engine from the Intacct project (an
upsert on its external id, linked as every synced project is), so the project's later
edits, tasks and progress flow like any other's.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shared.errors import PermanentError, RetryableError, ValidationFailedError
from shared.messages import Msg, Status, say
from shared.models.events import ChangeEvent, RecordRef
from shared.models.records import SourceRecord
from shared.models.workflows import WorkflowOutcome, WorkflowRequest
from shared.pairs.plugin import PairContext
from shared.pairs.salesforce_intacct.connection import SalesforceIntacctConnection
from shared.pairs.salesforce_intacct.work import PairWork

WORKFLOW = "projects"
CRM = "salesforce"
ERP = "intacct"
NAME_LENGTH = 80


@dataclass(frozen=True)
class Subject:
    """What a project can be created from, and what it reads of it."""

    sobject: str
    label: str
    fields: tuple[str, ...]
    origin_field: str  # the Salesforce project's lookup to it


OPPORTUNITY = Subject(
    "Opportunity",
    "opportunity",
    ("Name", "StageName", "IsWon", "AccountId", "CloseDate", "Intacct_Project_ID__c"),
    "Opportunity__c",
)
CONTRACT = Subject(
    "Contract",
    "contract",
    ("ContractNumber", "AccountId", "StartDate", "Account.Name", "Intacct_Project_ID__c"),
    "Contract__c",
)
SUBJECTS = {s.sobject: s for s in (OPPORTUNITY, CONTRACT)}


def run_project_creation(ctx: PairContext, request: WorkflowRequest) -> WorkflowOutcome:
    """The ``projects`` workflow: one "Create Project" press."""
    return ProjectCreation(ctx).run(request)


def project_key(record_id: str) -> str:
    """The Intacct PROJECTID of the project made from a Salesforce record: its Id."""
    return record_id


def subject_name(subject: Subject, record: SourceRecord) -> str:
    if subject is OPPORTUNITY:
        return str(record.get("Name") or record.key)
    return f"{record.get('Account.Name') or 'Contract'} {record.get('ContractNumber') or ''}"


class ProjectCreation(PairWork):
    def __init__(self, ctx: PairContext) -> None:
        super().__init__(ctx)
        self._settings = self._connection.projects

    def run(self, request: WorkflowRequest) -> WorkflowOutcome:
        subject = SUBJECTS.get(request.subject.object)
        if subject is None:
            raise PermanentError(f"projects are not created from {request.subject.object}")
        self._correlation_id = request.correlation_id
        record = self._sf.fetch(subject.sobject, request.subject.record_id, subject.fields)
        if record is None:
            raise PermanentError(
                say(
                    Msg.PROJECT_SUBJECT_NOT_FOUND,
                    object=subject.label,
                    id=request.subject.record_id,
                )
            )
        try:
            outcome = self._create(subject, record)
        except ValidationFailedError as exc:
            self._show(subject, record, Status.REFUSED, exc.reason)
            return WorkflowOutcome(status=Status.REFUSED, subject=record.key, detail=exc.reason)
        except PermanentError as exc:
            self._show(subject, record, Status.ERROR, exc.reason)
            raise
        except RetryableError as exc:
            self._show(subject, record, Status.RETRYING, exc.reason)
            raise
        return outcome

    def _create(self, subject: Subject, record: SourceRecord) -> WorkflowOutcome:
        check_subject(subject, record, self._settings.won_stage_only)
        customer = self._customer(str(record.get("AccountId")))
        key = project_key(record.key)
        erp_ref = RecordRef(system=ERP, object="PROJECT", record_id=key)
        created = 0
        if self._intacct.fetch("PROJECT", key, ["PROJECTID"]) is None:
            self._intacct.create(
                "PROJECT",
                self._project_fields(subject, record, key, customer),
                idempotency_key=_key(self._connection, record.key, "project"),
            )
            created = 1
        project = self._salesforce_project(erp_ref)
        self._sf.update(
            "Intacct_Project__c",
            project,
            {subject.origin_field: record.key},
            idempotency_key=_key(self._connection, record.key, "origin"),
        )
        self._show(subject, record, Status.CREATED, "", project=project, key=key)
        self._ctx.audit.record(
            self._connection.connection_id,
            record.ref,
            "project_created",
            intacct_project=key,
            created=str(created),
        )
        return WorkflowOutcome(
            status=Status.CREATED, subject=record.key, target=str(erp_ref), created=created
        )

    def _project_fields(
        self, subject: Subject, record: SourceRecord, key: str, customer: str
    ) -> dict[str, Any]:
        name = subject_name(subject, record)
        fields: dict[str, Any] = {
            "PROJECTID": key,
            "NAME": name[:NAME_LENGTH],
            "PROJECTCATEGORY": self._settings.category,
            "CUSTOMERID": customer,
            "DESCRIPTION": f"Created from Salesforce {subject.label} {name} ({record.key})",
        }
        begin = record.get("CloseDate") or record.get("StartDate")
        if begin:
            day = datetime.fromisoformat(str(begin)[:10]).date()
            fields["BEGINDATE"] = day.strftime("%m/%d/%Y")
        if self._settings.top_level:
            fields["MEGAENTITYID"] = ""  # created at the top level, whatever the session's
        return fields

    def _salesforce_project(self, erp_ref: RecordRef) -> str:
        """The Salesforce project linked to the Intacct one, made by the engine if none is."""
        link = self._ctx.links.get(self._connection.connection_id, erp_ref)
        if link is None or link.status != "linked":
            self._ctx.engine.apply(self._event(erp_ref))
            link = self._ctx.links.get(self._connection.connection_id, erp_ref)
        if link is None or link.crm is None or link.status != "linked":
            raise RetryableError(f"project {erp_ref.record_id} is not linked yet")
        return link.crm.ref.record_id

    def _event(self, ref: RecordRef) -> ChangeEvent:
        return ChangeEvent(
            connection_id=self._connection.connection_id,
            ref=ref,
            source="action",
            correlation_id=self._correlation_id,
        )

    def _show(
        self,
        subject: Subject,
        record: SourceRecord,
        status: str,
        error: str,
        *,
        project: str | None = None,
        key: str | None = None,
    ) -> None:
        fields: dict[str, Any] = {
            "Intacct_Project_Status__c": status,
            "Intacct_Project_Error__c": error[:32000] or None,
        }
        if project:
            fields["Intacct_Project__c"] = project
        if key:
            fields["Intacct_Project_ID__c"] = key
        self._sf.update(subject.sobject, record.key, fields, idempotency_key="-")


def check_subject(subject: Subject, record: SourceRecord, won_only: bool) -> None:
    """What the record must be for a project (the door checks it too, at once)."""
    if subject is OPPORTUNITY and won_only and record.get("IsWon") is not True:
        raise ValidationFailedError(
            say(
                Msg.PROJECT_NEEDS_WON_OPPORTUNITY,
                name=record.get("Name") or record.key,
                stage=record.get("StageName"),
            )
        )
    if not record.get("AccountId"):
        raise ValidationFailedError(
            say(Msg.PROJECT_NEEDS_ACCOUNT, object=subject.label, name=subject_name(subject, record))
        )


def _key(connection: SalesforceIntacctConnection, record_id: str, part: str) -> str:
    basis = f"{connection.connection_id}|project|{record_id}|{part}"
    return hashlib.sha256(basis.encode()).hexdigest()[:32]
