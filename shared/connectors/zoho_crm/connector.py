"""ZohoCrmConnector: the Connector protocol over Zoho CRM's REST API v8.

Reads by key use ``GET /{module}?ids=…&fields=…`` (up to 100 ids a call); changes since a
time use COQL ordered by ``Modified_Time, id`` with keyset paging (``If-Modified-Since`` on the
records API sorts by one field only, so it cannot break ties). Writes go in the API's own
batches of 100: inserts, upserts on the external-id field (``duplicate_check_fields``) and
updates, each with ``"trigger": []`` so ledgerlink's writes start no workflow, approval or
blueprint. Each record's answer in ``data[]`` becomes its ``WriteResult`` or typed error.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from shared.connectors.base import Disposition, Write, WriteAnswer
from shared.connectors.zoho_crm import coql, lookups, views
from shared.connectors.zoho_crm.client import ZohoCrmClient
from shared.connectors.zoho_crm.errors import POLICY, SYSTEM
from shared.connectors.zoho_crm.models import Page, RecordAnswer
from shared.errors import LedgerlinkError, PermanentError, RecordRejectedError, TransportError
from shared.models.events import RecordRef
from shared.models.records import SourceRecord, WriteResult

BATCH = 100  # records per insert / update / upsert, ids per read
STAMP = "Modified_Time"
MODULES = ("Accounts", "Contacts", "Vendors", "Products", "Deals")


def parse_timestamp(value: Any) -> datetime | None:
    """Zoho CRM datetimes: ISO 8601 with the user's offset, ``2026-03-02T15:00:00+05:30``."""
    if not value:
        return None
    return datetime.fromisoformat(str(value))


def flatten(record: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Lookups (``{"name", "id"}``) -> dotted paths (``Account_Name.id``)."""
    flat: dict[str, Any] = {}
    for key, value in record.items():
        if isinstance(value, Mapping):
            flat.update(flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def unflatten(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Dotted paths -> the nested shape a write takes (``{"Account_Name": {"id": …}}``)."""
    nested: dict[str, Any] = {}
    for path, value in fields.items():
        parts = path.split(".")
        node = nested
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return nested


def record_error(answer: RecordAnswer) -> LedgerlinkError:
    """One record's refusal as our typed error: the record's own data, so permanent, unless
    the table says the code is transient."""
    detail = answer.details.get("api_name")
    reason = answer.message + (f" [{detail}]" if detail else "")
    disposition = POLICY.classify(None, answer.code, answer.message)
    if disposition in (Disposition.RETRY, Disposition.RATE_LIMITED):
        error: LedgerlinkError = TransportError(f"zoho_crm {answer.code}: {reason}")
        error.system = SYSTEM
        return error
    return RecordRejectedError(SYSTEM, reason, answer.code)


class ZohoCrmConnector:
    system = SYSTEM
    unique_stamps = False  # Modified_Time: whole seconds
    cheap_reads = True  # a read of up to 100 ids is one API credit

    def __init__(self, client: ZohoCrmClient) -> None:
        self.client = client

    def check_access(self) -> None:
        """Get a token, then one cheap call: the org (its home currency is read at set-up)."""
        self.org()

    def org(self) -> dict[str, Any]:
        body = self.client.request("GET", "org")
        orgs = body.get("org") if isinstance(body, dict) else None
        if not orgs:
            raise PermanentError("zoho_crm answered no org")
        return dict(orgs[0])

    # -- the Notification API ------------------------------------------------------------

    def channels(self) -> list[dict[str, Any]]:
        """``GET actions/watch``: one row per watched module of each live channel."""
        body = self.client.request("GET", "actions/watch")
        return [dict(row) for row in (body or {}).get("watch", [])]

    def watch(
        self,
        channel_id: str,
        events: Sequence[str],
        notify_url: str,
        token: str,
        expiry: datetime,
        *,
        renew: bool = False,
    ) -> None:
        """Subscribe (``POST actions/watch``) or renew (``PATCH``) a channel; a refusal of the
        channel is a ``PermanentError`` naming the field. Zoho CRM "Enable Notifications":
        ``return_affected_field_values`` (default false) adds the changed fields' values to
        an update's callback; ``notify_on_related_action`` (default true) also notifies a
        change's related records (Zoho CRM, "Kaizen #170: FAQs on Notification APIs")."""
        body = {
            "watch": [
                {
                    "channel_id": channel_id,
                    "events": list(events),
                    "channel_expiry": expiry.astimezone(UTC).replace(microsecond=0).isoformat(),
                    "token": token,
                    "notify_url": notify_url,
                    # the new values of an update's fields come with its callback: the door
                    # tells our own writes from people's edits without a read (webhook.py)
                    "return_affected_field_values": True,
                    # a contact's change is no change of its account: no callback for it
                    "notify_on_related_action": False,
                }
            ]
        }
        answer = self.client.request(
            "PATCH" if renew else "POST", "actions/watch", body=body, per_record=True
        )
        for raw in (answer or {}).get("watch", []):
            item = RecordAnswer.model_validate(raw)
            if not item.ok:
                raise record_error(item)

    # -- reads ---------------------------------------------------------------------------

    def fetch(self, obj: str, key: str, fields: Sequence[str]) -> SourceRecord | None:
        records = self.fetch_many(obj, [key], fields)
        return records[0] if records else None

    def fetch_many(
        self, obj: str, keys: Sequence[str], fields: Sequence[str]
    ) -> list[SourceRecord]:
        """Up to 100 ids a call; parents' fields (``Account_Name.Zoho_Books_ID``) and list
        views (``$view:…``) filled in for the whole batch."""
        plain, wanted_views = views.split(fields)
        records = self._fetch_plain(obj, keys, plain)
        return self._completed(records, plain, wanted_views)

    def _completed(
        self, records: list[SourceRecord], plain: Sequence[str], wanted: Mapping[str, Any]
    ) -> list[SourceRecord]:
        records = lookups.read_through(records, plain, self._fetch_plain)
        return views.apply(records, wanted)

    def _fetch_plain(
        self, obj: str, keys: Sequence[str], fields: Sequence[str]
    ) -> list[SourceRecord]:
        wanted = [k for k in dict.fromkeys(keys) if k.isdigit()]
        columns = ",".join(coql.base_fields([*fields, STAMP]))
        records: list[SourceRecord] = []
        for start in range(0, len(wanted), BATCH):
            chunk = wanted[start : start + BATCH]
            body = self.client.request(
                "GET", coql.name(obj), params={"ids": ",".join(chunk), "fields": columns}
            )
            if body is not None:
                records.extend(self._record(obj, raw) for raw in Page.model_validate(body).data)
        return records

    def changed_since(
        self, obj: str, since: datetime | None, fields: Sequence[str], page_size: int
    ) -> Iterator[SourceRecord]:
        """Records with ``Modified_Time`` at or after ``since``, oldest first, ties by id."""
        plain, wanted_views = views.split(fields)
        after: tuple[datetime, str] | None = None
        while True:
            query = coql.select(
                obj,
                [*plain, "id", STAMP],
                coql.changed_since(since, after),
                "Modified_Time asc, id asc",
                page_size,
            )
            body = self.client.request("POST", "coql", body={"select_query": query})
            if body is None:
                return
            page = Page.model_validate(body)
            read = [self._record(obj, raw) for raw in page.data]
            for record in self._completed(read, plain, wanted_views):
                yield record
                if record.modified_at is not None:
                    after = (record.modified_at, record.key)
            if not page.more or not page.data or after is None:
                return

    def _record(self, obj: str, raw: Mapping[str, Any]) -> SourceRecord:
        flat = flatten(raw)
        return SourceRecord(
            ref=RecordRef(system=self.system, object=obj, record_id=str(flat["id"])),
            fields=flat,
            modified_at=parse_timestamp(flat.get(STAMP)),
        )

    # -- writes --------------------------------------------------------------------------

    def create(
        self,
        obj: str,
        fields: Mapping[str, Any],
        *,
        idempotency_key: str,
        external_key: tuple[str, str] | None = None,
    ) -> WriteResult:
        """An upsert on the external-id field when one is given (so a retry after a lost
        answer updates the record it made), else an insert."""
        write = Write(fields, idempotency_key, external_key=external_key)
        return _one(self.write_many(obj, [write]))

    def update(
        self, obj: str, key: str, fields: Mapping[str, Any], *, idempotency_key: str
    ) -> WriteResult:
        return _one(self.write_many(obj, [Write(fields, idempotency_key, key=key)]))

    def write_many(self, obj: str, writes: Sequence[Write]) -> list[WriteAnswer]:
        """Inserts, upserts (grouped by their external-id field) and updates, each in batches
        of 100; answers in the order of ``writes``."""
        answers: list[WriteAnswer | None] = [None] * len(writes)
        resolved = lookups.write_through(writes, self._query)
        groups: dict[tuple[str, str | None], list[int]] = {}
        for index, write_or_error in enumerate(resolved):
            if isinstance(write_or_error, LedgerlinkError):
                answers[index] = write_or_error
                continue
            write = write_or_error
            if write.key is not None:
                group: tuple[str, str | None] = ("update", None)
            elif write.external_key is not None:
                group = ("upsert", write.external_key[0])
            else:
                group = ("insert", None)
            groups.setdefault(group, []).append(index)
        by_index = {i: w for i, w in enumerate(resolved) if isinstance(w, Write)}
        for (kind, check), indexes in groups.items():
            for start in range(0, len(indexes), BATCH):
                chunk = indexes[start : start + BATCH]
                results = self._send(obj, kind, check, [by_index[i] for i in chunk])
                for index, result in zip(chunk, results, strict=True):
                    answers[index] = result
        return [a for a in answers if a is not None]

    def _query(self, query: str) -> list[dict[str, Any]]:
        """One COQL query's rows (lookups' parents found by a field)."""
        body = self.client.request("POST", "coql", body={"select_query": query})
        return [dict(row) for row in Page.model_validate(body).data] if body else []

    def _send(
        self, obj: str, kind: str, check: str | None, writes: Sequence[Write]
    ) -> list[WriteAnswer]:
        data = []
        for write in writes:
            values = dict(write.fields)
            if write.external_key is not None:
                values[write.external_key[0]] = write.external_key[1]
            if write.key is not None:
                values["id"] = write.key
            data.append(unflatten(values))
        body: dict[str, Any] = {"data": data, "trigger": []}
        if check is not None:
            body["duplicate_check_fields"] = [check]
        method, path = {
            "insert": ("POST", obj),
            "upsert": ("POST", f"{obj}/upsert"),
            "update": ("PUT", obj),
        }[kind]
        coql.name(obj)
        answer = self.client.request(method, path, body=body, per_record=True)
        items = Page.model_validate(answer or {}).data
        if len(items) != len(writes):
            raise TransportError(
                f"zoho_crm answered {len(items)} records for {len(writes)} written"
            )
        results: list[WriteAnswer] = []
        for write, raw in zip(writes, items, strict=True):
            item = RecordAnswer.model_validate(raw)
            if not item.ok:
                results.append(record_error(item))
                continue
            key = str(item.details.get("id") or write.key or "")
            created = kind == "insert" or (kind == "upsert" and item.action == "insert")
            results.append(WriteResult(key=key, created=created))
        return results


def _one(answers: list[WriteAnswer]) -> WriteResult:
    answer = answers[0]
    if isinstance(answer, LedgerlinkError):
        raise answer
    return answer
