"""Bulk API 2.0 jobs: their state, and how the org processes them.

Bulk API 2.0 Developer Guide ("How Requests Are Processed", "Get Job Info", "Get Job
Successful/Failed Record Results", "Get Job Unprocessed Record Results", "Get Results for a
Query Job"). An ingest job goes ``Open`` → (upload, then ``UploadComplete``) →
``InProgress`` → ``JobComplete`` or ``Failed``; ``Aborted`` at any point before it
completes. A query job starts in ``UploadComplete`` and ends ``JobComplete``.

When processing happens (the emulator's choice, deterministic for tests): a job that is
ready (``UploadComplete``) is processed, all at once, the first time it is read - job info,
results - or when :meth:`BulkJobs.process_ready` runs. ``BulkJobs.in_progress_reads`` (0 by
default) makes that many job-info reads answer ``InProgress`` first, for clients whose
polling is under test. Processing writes each record in its own transaction through the
store, so bulk writes get the same validation, audit fields and outbound messages as REST
writes, and a failed record leaves no trace.

Results, as the platform writes them:

- ``successfulResults/``: ``"sf__Id","sf__Created",<the uploaded header>`` and one row per
  saved record (``sf__Created`` is ``true`` for inserts and upserts that inserted).
- ``failedResults/``: ``"sf__Id","sf__Error",<the uploaded header>``; the error is
  ``STATUS_CODE:message:fields --`` (``REQUIRED_FIELD_MISSING:Required fields are missing:
  [Name]:Name --``, ``INVALID_CROSS_REFERENCE_KEY:invalid cross reference id:--``); the
  id is there when the row named one (update, upsert match, delete).
- ``unprocessedrecords/``: the uploaded header and the rows never processed (aborted or
  failed jobs).

CSV values: an empty value sets nothing (on insert the field stays null), ``#N/A`` sets a
field to null; booleans are ``true``/``false`` (or ``1``/``0``); a parent is named by one of
its external ids in a column such as ``Account.Intacct_Customer_ID__c``. A header naming a
field the object lacks fails the whole job: ``InvalidBatch : Field name not found : X``.

Departures: ``hardDelete`` deletes like ``delete`` (the emulator keeps no recycle bin to
bypass); processing times are measured, not simulated.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from sandbox.emulators.common import Call, CallLog
from sandbox.emulators.salesforce import errors, ids, soql, values
from sandbox.emulators.salesforce.bulk_values import (
    Column,
    JobDataError,
    cell_text,
    column_of,
    error_text,
    row_fields,
)
from sandbox.emulators.salesforce.clock import OrgClock, format_datetime
from sandbox.emulators.salesforce.csv_wire import CsvDataError, CsvDialect, CsvTable, read_table
from sandbox.emulators.salesforce.query import QueryEngine
from sandbox.emulators.salesforce.render import Path, path_value, resolve
from sandbox.emulators.salesforce.schema import ObjectDef
from sandbox.emulators.salesforce.store import Row, Store

JobKind = Literal["ingest", "query"]
INGEST_OPERATIONS = ("insert", "update", "upsert", "delete", "hardDelete")
QUERY_OPERATIONS = ("query", "queryAll")
RECORDS_PER_BATCH = 10_000  # the platform splits ingest data into internal batches of 10,000
DAILY_BULK_BATCHES = 15_000
DAILY_QUERY_JOBS = 10_000
DAILY_QUERY_STORAGE_MB = 976_562
_ALL = 1 << 62  # a page size no result reaches: one page, no query cursor kept
_OP_VERB = {
    "insert": "create",
    "update": "update",
    "upsert": "upsert",
    "delete": "delete",
    "hardDelete": "delete",
}


@dataclass
class RecordResult:
    """What became of one uploaded row."""

    row: tuple[str, ...]
    record_id: str = ""
    created: bool = False
    error: str | None = None


@dataclass
class BulkJob:
    id: str
    kind: JobKind
    operation: str
    sobject: str
    created_by: str
    created_date: datetime
    api_version: str
    dialect: CsvDialect
    state: str
    system_modstamp: datetime
    external_id_field: str | None = None
    query: str | None = None
    data: bytes | None = None
    error_message: str | None = None
    reads_left: int = 0
    processed: int = 0
    failed: int = 0
    processing_ms: int = 0
    table: CsvTable | None = None
    results: list[RecordResult] = field(default_factory=list)
    columns: tuple[str, ...] = ()
    query_rows: list[list[str]] = field(default_factory=list)

    @property
    def finished(self) -> bool:
        return self.state in {"JobComplete", "Failed", "Aborted"}

    @property
    def job_type(self) -> str:
        return "V2Ingest" if self.kind == "ingest" else "V2Query"

    def list_entry(self) -> dict[str, Any]:
        """A job as ``GET jobs/ingest`` (or ``jobs/query``) lists it."""
        return {
            **self.info(full=False),
            "jobType": self.job_type,
            "retries": 0,
            "totalProcessingTime": self.processing_ms,
            "apiActiveProcessingTime": self.processing_ms,
            "apexProcessingTime": 0,
        }

    def info(self, *, full: bool) -> dict[str, Any]:
        """Job info as ``GET jobs/ingest/{id}`` answers it (``full``), or as create, close
        and list show it."""
        body: dict[str, Any] = {
            "id": self.id,
            "operation": self.operation,
            "object": self.sobject,
            "createdById": self.created_by,
            "createdDate": format_datetime(self.created_date),
            "systemModstamp": format_datetime(self.system_modstamp),
            "state": self.state,
        }
        if self.external_id_field is not None:
            body["externalIdFieldName"] = self.external_id_field
        body.update(
            concurrencyMode="Parallel",
            contentType="CSV",
            apiVersion=Decimal(self.api_version),
        )
        if self.kind == "ingest" and not full:
            body["contentUrl"] = f"services/data/v{self.api_version}/jobs/ingest/{self.id}/batches"
        if full:
            body["jobType"] = self.job_type
        body.update(
            lineEnding=self.dialect.line_ending, columnDelimiter=self.dialect.column_delimiter
        )
        if full:
            body["numberRecordsProcessed"] = self.processed
            if self.kind == "ingest":
                body["numberRecordsFailed"] = self.failed
            body.update(retries=0, totalProcessingTime=self.processing_ms)
            if self.kind == "ingest":
                body.update(apiActiveProcessingTime=self.processing_ms, apexProcessingTime=0)
            if self.error_message is not None:
                body["errorMessage"] = self.error_message
        return body


class BulkJobs:
    """The org's Bulk API 2.0 jobs and their daily counters."""

    def __init__(self, store: Store, queries: QueryEngine, clock: OrgClock, calls: CallLog):
        self.store = store
        self.queries = queries
        self.clock = clock
        self.calls = calls
        self.jobs: dict[str, BulkJob] = {}
        self.in_progress_reads = 0
        self.list_page_size = 1000
        self.batches_used = 0
        self.query_jobs_used = 0

    def clear(self) -> None:
        self.jobs.clear()
        self.batches_used = 0
        self.query_jobs_used = 0

    def limits(self) -> dict[str, dict[str, int]]:
        """The Bulk entries of ``/limits``."""
        return {
            "DailyBulkApiBatches": {
                "Max": DAILY_BULK_BATCHES,
                "Remaining": max(0, DAILY_BULK_BATCHES - self.batches_used),
            },
            "DailyBulkV2QueryFileStorageMB": {
                "Max": DAILY_QUERY_STORAGE_MB,
                "Remaining": DAILY_QUERY_STORAGE_MB,
            },
            "DailyBulkV2QueryJobs": {
                "Max": DAILY_QUERY_JOBS,
                "Remaining": max(0, DAILY_QUERY_JOBS - self.query_jobs_used),
            },
        }

    # -- life cycle ----------------------------------------------------------------------

    def add(self, job: BulkJob) -> BulkJob:
        self.jobs[job.id] = job
        if job.kind == "query":
            self.query_jobs_used += 1
        return job

    def get(self, kind: JobKind, job_id: str) -> BulkJob:
        job = self.jobs.get(ids.to18(job_id)) if ids.is_valid(job_id) else None
        if job is None or job.kind != kind:
            raise errors.ApiError(404, "NOT_FOUND", "The requested resource does not exist")
        return job

    def set_state(self, job: BulkJob, state: str) -> None:
        job.state = state
        job.system_modstamp = self.clock.tick()

    def mark_ready(self, job: BulkJob) -> None:
        """``UploadComplete``: processing starts (see the module notes for when)."""
        self.set_state(job, "UploadComplete")
        job.reads_left = self.in_progress_reads

    def advance(self, job: BulkJob, *, info_read: bool) -> None:
        """What a read of ``job`` lets happen: count down the ``InProgress`` reads, then
        process it."""
        if job.state not in {"UploadComplete", "InProgress"}:
            return
        if info_read and job.reads_left > 0:
            job.reads_left -= 1
            if job.state != "InProgress":
                self.set_state(job, "InProgress")
            return
        self.process(job)

    def process_ready(self) -> int:
        """Process every job waiting to be processed; returns how many were."""
        with self.store.lock:
            ready = [j for j in self.jobs.values() if j.state in {"UploadComplete", "InProgress"}]
            for job in ready:
                self.process(job)
            return len(ready)

    def process(self, job: BulkJob) -> None:
        """Run ``job`` now, as the user who created it."""
        started = time.perf_counter()
        with self.store.lock:
            reader, self.store.user_id = self.store.user_id, job.created_by
            try:
                if job.kind == "ingest":
                    self._ingest(job)
                else:
                    self._query(job)
            finally:
                self.store.user_id = reader
        job.processing_ms = int((time.perf_counter() - started) * 1000)

    # -- ingest --------------------------------------------------------------------------

    def _fail(self, job: BulkJob, message: str) -> None:
        job.error_message = message
        self.set_state(job, "Failed")

    def _ingest(self, job: BulkJob) -> None:
        if job.data is None:
            self._fail(job, "InvalidBatch : No data was uploaded for this job")
            return
        try:
            table = read_table(job.data, job.dialect)
        except CsvDataError as exc:
            self._fail(job, str(exc))
            return
        job.table = table
        self.batches_used += max(1, -(-len(table.rows) // RECORDS_PER_BATCH))
        obj = self.store.schema.get(job.sobject)
        assert obj is not None  # checked when the job was created
        try:
            columns = [column_of(self.store.schema, obj, name) for name in table.columns]
            key = _key_column(job, obj, columns)
        except JobDataError as exc:
            self._fail(job, str(exc))
            return
        self.set_state(job, "InProgress")
        verb = _OP_VERB[job.operation]
        for row in table.rows:
            result = RecordResult(row)
            if key is not None and job.operation in {"update", "delete", "hardDelete"}:
                result.record_id = row[key].strip() if key < len(row) else ""
            try:
                with self.store.transaction():
                    result.record_id, result.created = self._write(job, obj, columns, key, row)
            except errors.ApiError as exc:
                result.error = error_text(exc)
                result.created = False
                self.calls.record(Call(verb, obj.name, result.record_id or None, ok=False))
            else:
                self.calls.record(Call(verb, obj.name, result.record_id))
            job.results.append(result)
        job.processed = len(job.results)
        job.failed = sum(1 for r in job.results if r.error is not None)
        self.set_state(job, "JobComplete")

    def _write(
        self,
        job: BulkJob,
        obj: ObjectDef,
        columns: Sequence[Column],
        key: int | None,
        row: tuple[str, ...],
    ) -> tuple[str, bool]:
        """Save one row: (record id, created)."""
        fields = row_fields(columns, row, skip=key)
        key_value = row[key].strip() if key is not None and key < len(row) else ""
        if job.operation == "insert":
            return self.store.create(obj, fields).id, True
        if job.operation == "upsert":
            return self._upsert(job, obj, columns, key, key_value, fields)
        existing = self._existing(obj, key_value, "update" if job.operation == "update" else "")
        if job.operation == "update":
            self.store.update(existing, fields)
        else:
            self.store.delete(existing)
        return existing.id, False

    def _existing(self, obj: ObjectDef, record_id: str, op: str) -> Row:
        if not record_id:
            raise errors.ApiError(400, "MISSING_ARGUMENT", f"Id not specified in an {op} call")
        if not ids.is_valid(record_id):
            raise errors.malformed_id(record_id)
        row = self.store.get(record_id)
        if row is None or row.obj is not obj:
            raise errors.invalid_cross_reference("Id")
        if row.deleted:
            raise errors.entity_deleted(400)
        return row

    def _upsert(
        self,
        job: BulkJob,
        obj: ObjectDef,
        columns: Sequence[Column],
        key: int | None,
        key_value: str,
        fields: dict[str, Any],
    ) -> tuple[str, bool]:
        assert key is not None
        fd = columns[key].field
        if not key_value:
            if fd.name == "Id":
                return self.store.create(obj, fields).id, True
            raise errors.required_missing([fd.name])
        if fd.name == "Id":
            row = self._existing(obj, key_value, "upsert")
            self.store.update(row, fields)
            return row.id, False
        matches = self.store.match(obj, fd, values.coerce(fd, key_value))
        if len(matches) > 1:
            raise errors.ApiError(
                400,
                "DUPLICATE_EXTERNAL_ID",
                f"{fd.label}: more than one record found for external id field: "
                f"[{', '.join(m.id for m in matches)}]",
                [fd.name],
            )
        if matches:
            self.store.update(matches[0], fields)
            return matches[0].id, False
        return self.store.create(obj, {**fields, fd.name: key_value}).id, True

    # -- query ---------------------------------------------------------------------------

    def validate_query(self, text: str, operation: str, version: str) -> str:
        """The object a query job reads (``ApiError`` as the query resource answers)."""
        parsed = soql.parse(text)
        if parsed.count:
            raise errors.ApiError(
                400, "API_ERROR", "Aggregate Relationships not supported in Bulk Query"
            )
        sobject, _ = self.queries.run(
            text, include_deleted=operation == "queryAll", batch=_ALL, version=version
        )
        return sobject

    def _query(self, job: BulkJob) -> None:
        assert job.query is not None
        self.set_state(job, "InProgress")
        parsed = soql.parse(job.query)
        obj = self.store.schema.get(parsed.sobject)
        assert obj is not None
        paths: list[Path] = []
        for ref in parsed.fields:
            resolved = resolve(obj, ref.path, self.store.schema)
            assert isinstance(resolved, Path)
            paths.append(resolved)
        _, page = self.queries.run(
            job.query,
            include_deleted=job.operation == "queryAll",
            batch=_ALL,
            version=job.api_version,
        )
        rows = [
            self.store.get(str(r["attributes"]["url"]).rsplit("/", 1)[-1]) for r in page["records"]
        ]
        job.columns = tuple(ref.path for ref in parsed.fields)
        job.query_rows = [
            [cell_text(path_value(self.store, row, path)) for path in paths]
            for row in rows
            if row is not None
        ]
        job.processed = len(job.query_rows)
        self.set_state(job, "JobComplete")


# -- helpers -----------------------------------------------------------------------------


def _key_column(job: BulkJob, obj: ObjectDef, columns: Sequence[Column]) -> int | None:
    """The index of the column that finds each record (Id, or the upsert's external id)."""
    if job.operation == "insert":
        return None
    wanted = (job.external_id_field or "Id") if job.operation == "upsert" else "Id"
    for index, column in enumerate(columns):
        if column.relationship is None and column.field.name.lower() == wanted.lower():
            return index
    if job.operation == "upsert" and wanted != "Id":
        raise JobDataError(f"InvalidBatch : Field name not found : {wanted}")
    raise JobDataError("InvalidBatch : Field name not found : Id")


def locator(offset: int) -> str:
    """An opaque result locator (base64 of the offset, as the platform's look)."""
    return base64.b64encode(str(offset).encode()).decode().rstrip("=")


def offset_of(text: str) -> int | None:
    """The offset a locator names (None for one this org never handed out)."""
    try:
        decoded = base64.b64decode(text + "=" * (-len(text) % 4), validate=True).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    return int(decoded) if decoded.isdigit() else None
