"""SalesforceConnector: the Connector protocol over the REST API.

Batched writes use sObject Collections (REST API Developer Guide, "sObject Collections":
``POST composite/sobjects`` creates, ``PATCH composite/sobjects`` updates, ``PATCH
composite/sobjects/{SObject}/{ExternalIdField}`` upserts), at most 200 records a request,
``allOrNone`` false so each record succeeds or fails alone; the answer is one SaveResult per
record in request order (``{id, success, errors: [{statusCode, message, fields}],
created?}``), each mapped through the same error table as a whole answer.

A collection of updates or upserts asking for its records back (``Write.read_back``) goes
with the query reading them as one Composite request (REST API Developer Guide, "Composite":
``POST composite`` ``{"allOrNone", "compositeRequest": [{"method", "url", "referenceId",
"body"}]}``, answered ``{"compositeResponse": [{"body", "httpStatusCode", "referenceId"}]}``
in order; "the entire series of requests counts as a single call toward your API limits";
at most five of its subrequests may be collections or queries): a write and its read-back
cost one API call. Plain creates are read back by the caller (their ids come with the
answer).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote as urlquote
from urllib.parse import quote_plus

from pydantic import TypeAdapter, ValidationError

from shared.connectors.base import Write, WriteAnswer
from shared.connectors.salesforce import bulk, soql
from shared.connectors.salesforce.client import SYSTEM, SalesforceClient
from shared.connectors.salesforce.errors import record_error
from shared.connectors.salesforce.ids import same_id
from shared.connectors.salesforce.models import (
    CollectionResult,
    CompositeAnswer,
    QueryPage,
    SaveResult,
)
from shared.errors import TransportError
from shared.models.events import RecordRef
from shared.models.records import SourceRecord, WriteResult

SYSTEM_FIELDS = ("Id", "SystemModstamp")
MAX_COLLECTION = 200  # records per sObject Collections request
MAX_QUERY_BATCH = 2000  # the largest Sforce-Query-Options batchSize
_RESULTS = TypeAdapter(list[CollectionResult])
_ANSWERS = TypeAdapter(dict[str, list[CompositeAnswer]])
MAX_COMPOSITE_QUERIES = 5  # queries (and collections) one Composite request may hold


def parse_timestamp(value: Any) -> datetime | None:
    """Salesforce datetimes: ``2024-05-01T10:00:00.000+0000`` (REST), or with ``Z`` (Bulk
    API 2.0 CSV)."""
    if not value:
        return None
    text = str(value)
    if text.endswith("Z"):
        text = text[:-1] + "+0000"
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%f%z")


def format_timestamp(moment: datetime) -> str:
    """A Salesforce datetime value, millisecond precision, UTC."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}+0000"


def write_body(fields: Mapping[str, Any]) -> dict[str, Any]:
    """A record's fields as a create or update sends them. A custom relationship path to
    the parent's external id (``Project__r.Intacct_Project_ID__c``) sets the lookup by that
    id (REST API Developer Guide, "Insert or Update (Upsert) a Record Using an External ID":
    ``{"Project__r": {"Intacct_Project_ID__c": "P-1"}}``); an empty one clears the lookup.
    Other dotted paths (``Account.Name``) are read-only views of a parent: never sent."""
    body: dict[str, Any] = {}
    for path, value in fields.items():
        relationship, dot, field = path.partition(".")
        if not dot:
            body[path] = value
        elif relationship.endswith("__r") and "." not in field:
            if value in (None, ""):
                body[relationship[:-3] + "__c"] = None
            else:
                body[relationship] = {field: value}
    return body


class SalesforceConnector:
    system = SYSTEM
    unique_stamps = True  # SystemModstamp changes on every save
    cheap_reads = True  # reads count against a large daily allowance; writes are re-read

    def __init__(self, client: SalesforceClient) -> None:
        self.client = client
        self.bulk_poll_s = 2.0  # wait between two reads of a running bulk job's state

    @property
    def requests_sent(self) -> int:
        """REST requests sent so far (each attempt counts; token requests do not)."""
        return self.client.calls

    @property
    def knows_own_user(self) -> bool:
        return self.client.integration_user_id is not None

    # SupportsCreationStamps: outbound messages push the changes of watched objects
    creation_fields = ("CreatedById", "CreatedDate", "LastModifiedById")
    pushes_changes = True

    def created_at(self, record: SourceRecord) -> datetime | None:
        return parse_timestamp(record.get("CreatedDate"))

    def untouched_copy(self, record: SourceRecord) -> bool:
        """Created and last saved by the integration user, and never saved since its
        creation (SystemModstamp moves on every save, the system's own included)."""
        us = self.client.integration_user_id
        created = self.created_at(record)
        return (
            created is not None
            and created == record.modified_at
            and same_id(record.get("CreatedById"), us)
            and same_id(record.get("LastModifiedById"), us)
        )

    def made_by_us(self, creator: object) -> bool:
        """``CreatedById`` is the integration user (``SupportsCreatorCheck``)."""
        return same_id(creator, self.client.integration_user_id)

    def check_access(self) -> None:
        """Get a token, then one cheap authenticated call (the org's API limits)."""
        self.client.json("GET", "/limits")

    def fetch(self, obj: str, key: str, fields: Sequence[str]) -> SourceRecord | None:
        records = self.fetch_many(obj, [key], fields)
        return records[0] if records else None

    def fetch_many(
        self, obj: str, keys: Sequence[str], fields: Sequence[str]
    ) -> list[SourceRecord]:
        """One SOQL ``Id IN (...)`` query per chunk of keys that fits a request's URL."""
        return self.fetch_where_in(obj, "Id", keys, fields)

    def fetch_where_in(
        self, obj: str, field: str, values: Sequence[str], fields: Sequence[str]
    ) -> list[SourceRecord]:
        """Records whose ``field`` is one of ``values``: one SOQL ``field IN (...)`` query per
        chunk of values that fits a request's URL."""
        wanted = list(dict.fromkeys(values))
        if not wanted:
            return []
        records: list[SourceRecord] = []
        for statement in soql.select_in(obj, {*fields, field, *SYSTEM_FIELDS}, field, wanted):
            batch = soql.query(self.client, statement, batch_size=MAX_QUERY_BATCH)
            records.extend(self._record(obj, raw) for raw in batch)
        return records

    def changed_since(
        self, obj: str, since: datetime | None, fields: Sequence[str], page_size: int
    ) -> Iterator[SourceRecord]:
        """Records whose SystemModstamp is at or after ``since``, oldest first, ties by Id.

        ``page_size`` becomes the ``Sforce-Query-Options`` batch size (Salesforce accepts
        200..2000 and treats it as a hint)."""
        where = f"SystemModstamp >= {soql.quote(since)}" if since is not None else ""
        order = "ORDER BY SystemModstamp, Id"
        statement = soql.select(obj, {*fields, *SYSTEM_FIELDS}, where, order)
        batch = min(max(page_size, 200), MAX_QUERY_BATCH)
        for raw in soql.query(self.client, statement, batch_size=batch):
            yield self._record(obj, raw)

    # -- whole-object reads (backfill) ----------------------------------------------------

    def count(self, obj: str) -> int:
        """How many records ``obj`` has (``SELECT COUNT() FROM obj``: one request)."""
        page = self.client.json("GET", "/query", params={"q": soql.count(obj)})
        return int(page["totalSize"])

    def read_page(
        self, obj: str, fields: Sequence[str], after: str | None, page_size: int
    ) -> tuple[list[SourceRecord], str | None]:
        """Up to ``page_size`` records in Id order after the Id ``after``: one request for
        up to 2,000. Returns them and where the next page starts (None after the last)."""
        size = min(max(page_size, 1), MAX_QUERY_BATCH)
        where = f"Id > {soql.quote(after)}" if after else ""
        statement = soql.select(obj, {*fields, *SYSTEM_FIELDS}, where, f"ORDER BY Id LIMIT {size}")
        raw = list(soql.query(self.client, statement, batch_size=max(size, 200)))
        records = [self._record(obj, row) for row in raw]
        return records, (records[-1].key if len(records) == size else None)

    def start_bulk_read(self, obj: str, fields: Sequence[str]) -> str:
        """A Bulk API 2.0 query job over every record of ``obj``; returns the job id."""
        return bulk.start_query(self.client, soql.select(obj, {*fields, *SYSTEM_FIELDS}))

    def bulk_page(
        self, obj: str, job_id: str, locator: str | None, page_size: int
    ) -> tuple[list[SourceRecord], str | None]:
        """One set of the job's records (the first waits for the job) and the next locator."""
        if locator is None:  # a job with a locator to read from is complete already
            bulk.wait_until_done(
                self.client, job_id, sleep=self.client.sleep, poll_s=self.bulk_poll_s
            )
        page = bulk.results(self.client, job_id, locator, page_size)
        return [self._record(obj, row) for row in page.rows], page.locator

    def changed_since_each(
        self, asks: Sequence[tuple[str, datetime | None, Sequence[str]]]
    ) -> list[list[SourceRecord]]:
        """``changed_since`` of several objects, ``(object, since, fields)`` each, their
        queries up to five in one Composite request (one API call); a query with more rows
        than its first page reads on by its ``nextRecordsUrl``."""
        statements = [
            soql.select(
                obj,
                {*fields, *SYSTEM_FIELDS},
                f"SystemModstamp >= {soql.quote(since)}" if since is not None else "",
                "ORDER BY SystemModstamp, Id",
            )
            for obj, since, fields in asks
        ]
        rows = self.query_each(statements)
        return [
            [self._record(obj, raw) for raw in found]
            for (obj, _, _), found in zip(asks, rows, strict=True)
        ]

    def query_each(self, statements: Sequence[str]) -> list[list[dict[str, Any]]]:
        """The rows of several SOQL queries, up to MAX_COMPOSITE_QUERIES of them in one
        Composite request (one API call); a query the Composite request could not answer is
        sent alone (for its rows or its typed error)."""
        found: list[list[dict[str, Any]]] = []
        for start in range(0, len(statements), MAX_COMPOSITE_QUERIES):
            chunk = statements[start : start + MAX_COMPOSITE_QUERIES]
            parts = self._composite([self._query_part(q, f"q{n}") for n, q in enumerate(chunk)])
            if len(parts) != len(chunk):
                raise TransportError("salesforce answered a different number of subrequests")
            for statement, part in zip(chunk, parts, strict=True):
                if part.httpStatusCode != 200:
                    found.append(list(soql.query(self.client, statement)))
                    continue
                page = QueryPage.model_validate(part.body)
                rows = list(page.records)
                while not page.done and page.nextRecordsUrl:
                    page = QueryPage.model_validate(self.client.json("GET", page.nextRecordsUrl))
                    rows.extend(page.records)
                found.append(rows)
        return found

    def query(self, statement: str) -> Iterator[dict[str, Any]]:
        """Rows of a SOQL query, relationship fields flattened to dotted paths."""
        for raw in soql.query(self.client, statement):
            yield soql.flatten(raw)

    def _record(self, obj: str, raw: dict[str, Any]) -> SourceRecord:
        flat = soql.flatten(raw)
        return SourceRecord(
            ref=RecordRef(system=self.system, object=obj, record_id=str(flat["Id"])),
            fields=flat,
            modified_at=parse_timestamp(flat.get("SystemModstamp")),
        )

    def create(
        self,
        obj: str,
        fields: Mapping[str, Any],
        *,
        idempotency_key: str,
        external_key: tuple[str, str] | None = None,
    ) -> WriteResult:
        """Upsert on the external-id field when one is given (Salesforce's own idempotency);
        otherwise a plain create, which callers guard by looking up the link first."""
        body = write_body(fields)
        if external_key is not None:
            field, value = external_key
            body.pop(field, None)
            path = f"/sobjects/{obj}/{field}/{urlquote(value, safe='')}"
            result = SaveResult.model_validate(self.client.json("PATCH", path, body=body))
            return WriteResult(key=result.id, created=bool(result.created))
        result = SaveResult.model_validate(self.client.json("POST", f"/sobjects/{obj}", body=body))
        return WriteResult(key=result.id, created=True)

    def update(
        self, obj: str, key: str, fields: Mapping[str, Any], *, idempotency_key: str
    ) -> WriteResult:
        body = write_body(fields)
        if body:
            self.client.request("PATCH", f"/sobjects/{obj}/{key}", body=body)
        return WriteResult(key=key)

    def write_many(self, obj: str, writes: Sequence[Write]) -> list[WriteAnswer]:
        """Creates, upserts (creates with an external key) and updates, each kind in
        collections of up to 200; an update with nothing to write sends nothing."""
        answers: dict[int, WriteAnswer] = {}
        groups: dict[tuple[str, str], list[int]] = {}
        for index, write in enumerate(writes):
            if write.key is not None:
                if not write_body(write.fields):
                    answers[index] = WriteResult(key=write.key)
                    continue
                groups.setdefault(("update", ""), []).append(index)
            elif write.external_key is not None:
                groups.setdefault(("upsert", write.external_key[0]), []).append(index)
            else:
                groups.setdefault(("create", ""), []).append(index)
        for (kind, field), indexes in groups.items():
            for start in range(0, len(indexes), MAX_COLLECTION):
                chunk = indexes[start : start + MAX_COLLECTION]
                sent = [writes[i] for i in chunk]
                answers.update(zip(chunk, self._collection(obj, kind, field, sent), strict=True))
        return [answers[i] for i in range(len(writes))]

    def _collection(
        self, obj: str, kind: str, field: str, writes: Sequence[Write]
    ) -> list[WriteAnswer]:
        records = []
        for write in writes:
            record: dict[str, Any] = {"attributes": {"type": obj}, **write_body(write.fields)}
            if kind == "update":
                record["id"] = write.key
            elif kind == "upsert":
                assert write.external_key is not None
                record[field] = write.external_key[1]
            records.append(record)
        method, path = {
            "create": ("POST", "/composite/sobjects"),
            "update": ("PATCH", "/composite/sobjects"),
            "upsert": ("PATCH", f"/composite/sobjects/{obj}/{field}"),
        }[kind]
        body = {"allOrNone": False, "records": records}
        lookup = {"update": "Id", "upsert": field}.get(kind)
        read = _read_back_statement(obj, lookup, writes) if lookup else None
        found: dict[str, SourceRecord] = {}
        raw = None
        if read is not None and lookup is not None:
            raw, found = self._write_and_read(obj, method, path, body, read, lookup)
        if raw is None:
            raw = self.client.json(method, path, body=body)
        try:
            results = _RESULTS.validate_python(raw)
        except ValidationError as exc:
            raise TransportError("salesforce answered a collection unreadably") from exc
        if len(results) != len(writes):
            raise TransportError("salesforce answered a different number of records")
        answers = []
        for write, result in zip(writes, results, strict=True):
            answer = _answer(kind, write, result)
            value = write.key if kind == "update" else (write.external_key or ("", ""))[1]
            fresh = found.get(str(value)) if write.read_back else None
            if isinstance(answer, WriteResult) and fresh is not None:
                answer = answer.model_copy(update={"record": fresh})
            answers.append(answer)
        return answers

    def _query_part(self, statement: str, reference: str) -> dict[str, Any]:
        url = f"{self.client.data_path}/query?q={quote_plus(statement)}"
        return {"method": "GET", "url": url, "referenceId": reference}

    def _composite(self, subrequests: list[dict[str, Any]]) -> list[CompositeAnswer]:
        """One Composite request (one API call, not all or none): its subrequests' answers."""
        answer = self.client.json(
            "POST", "/composite", body={"allOrNone": False, "compositeRequest": subrequests}
        )
        try:
            return _ANSWERS.validate_python(answer)["compositeResponse"]
        except (ValidationError, KeyError, TypeError) as exc:
            raise TransportError("salesforce answered a composite request unreadably") from exc

    def _write_and_read(
        self,
        obj: str,
        method: str,
        path: str,
        body: Mapping[str, Any],
        statement: str,
        lookup: str,
    ) -> tuple[Any, dict[str, SourceRecord]]:
        """The collection and the query reading its records back, as one Composite request
        (one API call): the collection's answer (None when its subrequest failed as a whole,
        which wrote nothing: the caller sends it alone, for its error) and the records read,
        by ``lookup``'s value (none when the read did not answer in one page)."""
        write = {
            "method": method,
            "url": self.client.data_path + path,
            "referenceId": "written",
            "body": body,
        }
        parts = self._composite([write, self._query_part(statement, "readBack")])
        if len(parts) != 2:
            raise TransportError("salesforce answered a different number of subrequests")
        written, read = parts
        try:
            page = QueryPage.model_validate(read.body) if read.httpStatusCode == 200 else None
        except ValidationError as exc:
            raise TransportError("salesforce answered a composite request unreadably") from exc
        found: dict[str, SourceRecord] = {}
        if page is not None and page.done:
            for raw in page.records:
                record = self._record(obj, raw)
                found[str(record.get(lookup))] = record
        return (written.body if written.httpStatusCode < 300 else None), found


def _read_back_statement(obj: str, lookup: str, writes: Sequence[Write]) -> str | None:
    """The query reading back the records of a collection that asked for it
    (``Write.read_back``), by ``lookup`` (Id for updates, the external id for upserts);
    None when none asked, or the values do not fit one query."""
    asking = [w for w in writes if w.read_back]
    if not asking:
        return None
    fields = {name for w in asking for name in w.read_back}
    values = [w.key if lookup == "Id" else (w.external_key or ("", ""))[1] for w in asking]
    statements = soql.select_in(obj, {*fields, lookup, *SYSTEM_FIELDS}, lookup, values)
    return statements[0] if len(statements) == 1 else None


def _answer(kind: str, write: Write, result: CollectionResult) -> WriteAnswer:
    if not result.success:
        return record_error(result.errors)
    if kind == "update":
        return WriteResult(key=write.key or str(result.id))
    if result.id is None:
        error = TransportError("salesforce reported a saved record without its id")
        error.system = SYSTEM
        return error
    created = True if kind == "create" else bool(result.created)
    return WriteResult(key=result.id, created=created)
