"""Bulk API 2.0 resources (Bulk API 2.0 Developer Guide, "Bulk API 2.0 Reference").

Ingest jobs, under ``/services/data/vXX.X/jobs/ingest``:

- ``POST`` ``{"object", "operation", "externalIdFieldName", "contentType": "CSV",
  "lineEnding", "columnDelimiter"}`` → 200 with the job (``state: Open``, ``contentUrl``)
- ``PUT {id}/batches`` with the CSV (``Content-Type: text/csv``) → 201, no body; a job takes
  its data in one request (a second one is refused: ``Found multiple contents for job``)
- ``PATCH {id}`` ``{"state": "UploadComplete"}`` or ``{"state": "Aborted"}`` → 200 with the
  job; ``GET {id}`` → job info with ``numberRecordsProcessed``, ``numberRecordsFailed``,
  ``retries``, ``totalProcessingTime``...; ``DELETE {id}`` → 204 (only once the job is
  ``UploadComplete``, ``JobComplete``, ``Aborted`` or ``Failed``)
- ``GET {id}/successfulResults/``, ``failedResults/``, ``unprocessedrecords/`` → CSV
- ``GET`` → ``{"done", "records": [jobs], "nextRecordsUrl"}`` (``queryLocator`` pages,
  ``jobType`` and ``concurrencyMode`` filters)

Query jobs, under ``jobs/query``: ``POST`` ``{"operation": "query"|"queryAll", "query",
"contentType", "columnDelimiter", "lineEnding"}`` → 200 with the job in ``UploadComplete``
(the SOQL is checked at once: a bad query is answered as the query resource answers it);
``GET|PATCH|DELETE {id}`` as for ingest; ``GET {id}/results?locator=&maxRecords=`` → the
CSV, with ``Sforce-NumberOfRecords`` (rows in this answer) and ``Sforce-Locator`` (the next
set, or ``null`` on the last); results are read with the API version that created the job
(another answers 409). Relationship fields are dotted headers (``Account.Name``); null is an
empty cell.

When jobs are processed is described in :mod:`bulk_jobs`. Each of these requests is one entry
in the call log (``bulk_create_job``, ``bulk_upload``, ``bulk_close_job``,
``bulk_abort_job``, ``bulk_read_job``, ``bulk_delete_job``, ``bulk_results``,
``bulk_list_jobs``; target the object, record id the job id), and each record an ingest job
writes is one more (``create``/``update``/``upsert``/``delete``), as sObject Collections
log theirs. Job ids begin ``750``.

Fault targets (see :mod:`app`): ``POST bulk_ingest_jobs``, ``GET bulk_ingest_list``,
``PUT bulk_ingest_batches``, ``GET|PATCH|DELETE bulk_ingest_job``, ``GET
bulk_ingest_results``, ``GET|POST bulk_query_jobs``, ``GET|PATCH|DELETE bulk_query_job``,
``GET bulk_query_results``.
"""

from __future__ import annotations

from typing import Any

from sandbox.emulators.common import Call
from sandbox.emulators.salesforce import errors
from sandbox.emulators.salesforce.bulk_jobs import (
    INGEST_OPERATIONS,
    QUERY_OPERATIONS,
    BulkJob,
    BulkJobs,
    JobKind,
    locator,
    offset_of,
)
from sandbox.emulators.salesforce.context import Ctx
from sandbox.emulators.salesforce.csv_wire import (
    DELIMITERS,
    LINE_ENDINGS,
    CsvDataError,
    CsvDialect,
    CsvReply,
    read_table,
    write_rows,
)
from sandbox.emulators.salesforce.wire import Reply

RESULT_KINDS = ("successfulResults", "failedResults", "unprocessedrecords")
_DELETABLE = {"UploadComplete", "JobComplete", "Aborted", "Failed"}


def _jobs(ctx: Ctx) -> BulkJobs:
    return ctx.org.bulk


def _log(ctx: Ctx, op: str, job: BulkJob | None, ok: bool = True) -> None:
    ctx.org.calls.record(Call(op, job.sobject if job else "", job.id if job else None, ok))


def _invalid_job(message: str) -> errors.ApiError:
    return errors.ApiError(400, "INVALIDJOB", message)


def _invalid_state(message: str) -> errors.ApiError:
    return errors.ApiError(400, "INVALIDJOBSTATE", message)


def _body(ctx: Ctx) -> dict[str, Any]:
    body = ctx.body()
    if not isinstance(body, dict):
        raise errors.json_parser("Cannot deserialize the job: expected a JSON object")
    return body


def _dialect(body: dict[str, Any]) -> CsvDialect:
    content_type = body.get("contentType", "CSV")
    if content_type != "CSV":
        raise _invalid_job(f"InvalidJob : Invalid contentType: {content_type}; only CSV")
    delimiter = body.get("columnDelimiter", "COMMA")
    if delimiter not in DELIMITERS:
        raise _invalid_job(f"InvalidJob : Invalid columnDelimiter: {delimiter}")
    line_ending = body.get("lineEnding", "LF")
    if line_ending not in LINE_ENDINGS:
        raise _invalid_job(f"InvalidJob : Invalid lineEnding: {line_ending}")
    return CsvDialect(str(delimiter), str(line_ending))


def _new_job(ctx: Ctx, kind: JobKind, body: dict[str, Any], **props: Any) -> BulkJob:
    org = ctx.org
    now = org.clock.tick()
    return BulkJob(
        id=org.ids.new("750"),
        kind=kind,
        created_by=str(org.store.user_id),
        created_date=now,
        system_modstamp=now,
        api_version=ctx.version,
        dialect=_dialect(body),
        **props,
    )


# -- ingest --------------------------------------------------------------------------------


def create_ingest(ctx: Ctx) -> Reply:
    body = _body(ctx)
    operation = body.get("operation")
    if operation not in INGEST_OPERATIONS:
        raise _invalid_job(
            f"InvalidJob : Invalid operation: {operation}; expected one of "
            + ", ".join(INGEST_OPERATIONS)
        )
    name = body.get("object")
    obj = ctx.org.schema.get(str(name)) if isinstance(name, str) and name else None
    if obj is None:
        raise errors.ApiError(
            400, "INVALIDENTITY", f"Entity '{name}' is not supported by the Bulk API."
        )
    external = body.get("externalIdFieldName")
    if operation == "upsert":
        fd = obj.field(str(external)) if isinstance(external, str) and external else None
        if fd is None or not (fd.external_id or fd.name == "Id"):
            raise _invalid_job(
                f"InvalidJob : External ID was blank or not an external id field for "
                f"{obj.name}. An External ID must be specified for upsert."
            )
        external = fd.name
    job = _jobs(ctx).add(
        _new_job(
            ctx,
            "ingest",
            body,
            operation=operation,
            sobject=obj.name,
            state="Open",
            external_id_field=external if operation == "upsert" else None,
        )
    )
    _log(ctx, "bulk_create_job", job)
    return Reply(200, job.info(full=False))


def upload(ctx: Ctx, job_id: str) -> Reply:
    job = _jobs(ctx).get("ingest", job_id)
    if job.data is not None:
        _log(ctx, "bulk_upload", job, ok=False)
        raise _invalid_state(
            f"Found multiple contents for job: <{job.id}>, please 'Close' / 'Abort' / "
            "'Delete' the current Job then create a new Job and make sure all the data is "
            "uploaded in one request"
        )
    if job.state != "Open":
        _log(ctx, "bulk_upload", job, ok=False)
        raise _invalid_state(f"Job {job.id} is not Open: its state is {job.state}")
    job.data = ctx.request.get_data()
    _log(ctx, "bulk_upload", job)
    return Reply(201)


def ingest_job(ctx: Ctx, job_id: str) -> Reply:
    return _job(ctx, "ingest", job_id)


def _job(ctx: Ctx, kind: JobKind, job_id: str) -> Reply:
    jobs = _jobs(ctx)
    job = jobs.get(kind, job_id)
    method = ctx.request.method
    if method == "GET":
        jobs.advance(job, info_read=True)
        _log(ctx, "bulk_read_job", job)
        return Reply(200, job.info(full=True))
    if method == "DELETE":
        if job.state not in _DELETABLE:
            _log(ctx, "bulk_delete_job", job, ok=False)
            raise _invalid_state(
                f"Job {job.id} can be deleted once it is UploadComplete, JobComplete, "
                f"Aborted or Failed; its state is {job.state}"
            )
        del jobs.jobs[job.id]
        _log(ctx, "bulk_delete_job", job)
        return Reply.empty()
    wanted = _body(ctx).get("state")
    if wanted == "UploadComplete" and kind == "ingest":
        if job.state != "Open":
            _log(ctx, "bulk_close_job", job, ok=False)
            raise _invalid_state(f"Invalid job state transition from {job.state} to {wanted}")
        jobs.mark_ready(job)
        _log(ctx, "bulk_close_job", job)
        return Reply(200, job.info(full=False))
    if wanted == "Aborted":
        if job.finished:
            _log(ctx, "bulk_abort_job", job, ok=False)
            raise _invalid_state(f"Invalid job state transition from {job.state} to {wanted}")
        jobs.set_state(job, "Aborted")
        _log(ctx, "bulk_abort_job", job)
        return Reply(200, job.info(full=False))
    raise _invalid_state(f"Invalid job state: {wanted}")


def ingest_results(ctx: Ctx, job_id: str, kind: str) -> Reply:
    jobs = _jobs(ctx)
    job = jobs.get("ingest", job_id)
    jobs.advance(job, info_read=False)
    _log(ctx, "bulk_results", job)
    header_tail, rows = _uploaded(job)
    if kind == "unprocessedrecords":
        processed = len(job.results)
        pending = rows[processed:] if job.state != "JobComplete" else []
        return CsvReply(200, text=write_rows(job.dialect, [], pending, raw_header_tail=header_tail))
    if kind == "successfulResults":
        header = ["sf__Id", "sf__Created"]
        out = [
            [r.record_id, "true" if r.created else "false", *r.row]
            for r in job.results
            if r.error is None
        ]
    else:
        header = ["sf__Id", "sf__Error"]
        out = [[r.record_id, str(r.error), *r.row] for r in job.results if r.error is not None]
    text = write_rows(job.dialect, header, out, raw_header_tail=header_tail)
    return CsvReply(200, text=text)


def _uploaded(job: BulkJob) -> tuple[str, list[tuple[str, ...]]]:
    """The uploaded header line and rows ('' and none when nothing readable was sent)."""
    if job.table is not None:
        return job.table.header_line, list(job.table.rows)
    if job.data is None:
        return "", []
    try:
        table = read_table(job.data, job.dialect)
    except CsvDataError:
        return "", []
    return table.header_line, list(table.rows)


def list_ingest(ctx: Ctx) -> Reply:
    return _list(ctx, "ingest")


def _list(ctx: Ctx, kind: JobKind) -> Reply:
    jobs = _jobs(ctx)
    args = ctx.request.args
    wanted_type = args.get("jobType")
    wanted_mode = args.get("concurrencyMode")
    listed = [
        job
        for job in jobs.jobs.values()
        if job.kind == kind
        and wanted_type in (None, job.job_type)
        and wanted_mode in (None, "Parallel")
    ]
    start = 0
    if args.get("queryLocator"):
        found = offset_of(args["queryLocator"])
        if found is None or found > len(listed):
            raise errors.ApiError(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
        start = found
    end = start + jobs.list_page_size
    done = end >= len(listed)
    _log(ctx, "bulk_list_jobs", None)
    return Reply(
        200,
        {
            "done": done,
            "records": [job.list_entry() for job in listed[start:end]],
            "nextRecordsUrl": None
            if done
            else f"/services/data/v{ctx.version}/jobs/{kind}?queryLocator={locator(end)}",
        },
    )


# -- query ---------------------------------------------------------------------------------


def query_jobs(ctx: Ctx) -> Reply:
    if ctx.request.method == "GET":
        return _list(ctx, "query")
    body = _body(ctx)
    operation = body.get("operation", "query")
    if operation not in QUERY_OPERATIONS:
        raise _invalid_job(f"InvalidJob : Invalid operation: {operation}; query or queryAll")
    text = body.get("query")
    if not isinstance(text, str) or not text.strip():
        raise errors.ApiError(400, "MALFORMED_QUERY", "A query string has to be specified")
    sobject = _jobs(ctx).validate_query(text, str(operation), ctx.version)
    job = _jobs(ctx).add(
        _new_job(
            ctx,
            "query",
            body,
            operation=operation,
            sobject=sobject,
            state="UploadComplete",
            query=text,
        )
    )
    job.reads_left = _jobs(ctx).in_progress_reads
    _log(ctx, "bulk_create_job", job)
    return Reply(200, job.info(full=False))


def query_job(ctx: Ctx, job_id: str) -> Reply:
    return _job(ctx, "query", job_id)


def query_results(ctx: Ctx, job_id: str) -> Reply:
    jobs = _jobs(ctx)
    job = jobs.get("query", job_id)
    if ctx.version != job.api_version:
        raise errors.ApiError(
            409,
            "INVALIDVERSION",
            f"The job was created in API version {job.api_version}; read its results with "
            "that version",
        )
    jobs.advance(job, info_read=False)
    if job.state != "JobComplete":
        _log(ctx, "bulk_results", job, ok=False)
        raise _invalid_state(f"Job {job.id} is not complete: its state is {job.state}")
    start = 0
    if ctx.request.args.get("locator"):
        found = offset_of(ctx.request.args["locator"])
        if found is None or found > len(job.query_rows):
            raise errors.ApiError(400, "INVALIDLOCATOR", "Invalid locator")
        start = found
    raw_max = ctx.request.args.get("maxRecords")
    size = len(job.query_rows)
    if raw_max is not None:
        if not raw_max.isdigit() or int(raw_max) < 1:
            raise errors.ApiError(
                400, "INVALIDPARAMETERVALUE", f"Invalid value for maxRecords: {raw_max}"
            )
        size = int(raw_max)
    end = min(start + size, len(job.query_rows))
    rows = job.query_rows[start:end]
    _log(ctx, "bulk_results", job)
    return CsvReply(
        200,
        headers={
            "Sforce-Locator": locator(end) if end < len(job.query_rows) else "null",
            "Sforce-NumberOfRecords": str(len(rows)),
        },
        text=write_rows(job.dialect, job.columns, rows),
    )
