"""SalesforceConnector: the Connector protocol over the REST API."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote as urlquote

from shared.connectors.base import Write, WriteAnswer, write_one_by_one
from shared.connectors.salesforce import soql
from shared.connectors.salesforce.client import SYSTEM, SalesforceClient
from shared.connectors.salesforce.models import SaveResult
from shared.models.events import RecordRef
from shared.models.records import SourceRecord, WriteResult

SYSTEM_FIELDS = ("Id", "SystemModstamp")


def parse_timestamp(value: Any) -> datetime | None:
    """Salesforce datetimes: ``2024-05-01T10:00:00.000+0000``."""
    if not value:
        return None
    return datetime.strptime(str(value), "%Y-%m-%dT%H:%M:%S.%f%z")


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

    def check_access(self) -> None:
        """Get a token, then one cheap authenticated call (the org's API limits)."""
        self.client.json("GET", "/limits")

    def fetch(self, obj: str, key: str, fields: Sequence[str]) -> SourceRecord | None:
        records = self.fetch_many(obj, [key], fields)
        return records[0] if records else None

    def fetch_many(
        self, obj: str, keys: Sequence[str], fields: Sequence[str]
    ) -> list[SourceRecord]:
        if not keys:
            return []
        statement = soql.select(obj, {*fields, *SYSTEM_FIELDS}, f"Id IN {soql.in_list(keys)}")
        return [self._record(obj, raw) for raw in soql.query(self.client, statement)]

    def changed_since(
        self, obj: str, since: datetime | None, fields: Sequence[str], page_size: int
    ) -> Iterator[SourceRecord]:
        """Records whose SystemModstamp is at or after ``since``, oldest first, ties by Id.

        ``page_size`` becomes the ``Sforce-Query-Options`` batch size (Salesforce accepts
        200..2000 and treats it as a hint)."""
        where = f"SystemModstamp >= {soql.quote(since)}" if since is not None else ""
        order = "ORDER BY SystemModstamp, Id"
        statement = soql.select(obj, {*fields, *SYSTEM_FIELDS}, where, order)
        batch = min(max(page_size, 200), 2000)
        for raw in soql.query(self.client, statement, batch_size=batch):
            yield self._record(obj, raw)

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
        return write_one_by_one(self, obj, writes)
