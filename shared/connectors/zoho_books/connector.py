"""ZohoBooksConnector: the Connector protocol over Zoho Books API v3.

Objects: ``customers`` and ``vendors`` (both ``/contacts``, told apart by ``contact_type``),
``items``. Keys are Books' ids (``contact_id``, ``item_id``). Nested values read as dotted
paths (``billing_address.city``) and custom fields as ``custom_fields.<api_name>``; writes take
the same paths back.

Books has no read of several ids and no batch write for these objects: ``fetch_many`` reads
one record a call and ``write_many`` writes one a call (each with its own answer). A create
that carries an external key is an upsert on that unique custom field (``PUT /contacts`` with
``X-Unique-Identifier-Key``, ``-Value`` and ``X-Upsert: true``, Zoho Books "Update a contact
using a custom field's unique value"), so a retry after a lost answer updates the record it
made. Changes since a time are the list filtered by ``last_modified_time``, sorted by it,
paged by ``page_context.has_more_page``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from shared.connectors.base import Write, WriteAnswer, write_one_by_one
from shared.connectors.zoho_books import contact_persons
from shared.connectors.zoho_books.client import ZohoBooksClient
from shared.connectors.zoho_books.documents import BooksDocuments
from shared.connectors.zoho_books.duplicates import Duplicate, OnDuplicate
from shared.connectors.zoho_books.errors import SYSTEM
from shared.errors import ConfigurationError, NotFoundError, PermanentError
from shared.models.events import RecordRef
from shared.models.records import SourceRecord, WriteResult

MAX_PER_PAGE = 200
STAMP = "last_modified_time"
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S%z"


@dataclass(frozen=True)
class Resource:
    path: str  # contacts, items
    singular: str  # the answer's key for one record
    id_field: str
    contact_type: str | None = None


RESOURCES: dict[str, Resource] = {
    "customers": Resource("contacts", "contact", "contact_id", "customer"),
    "vendors": Resource("contacts", "contact", "contact_id", "vendor"),
    "items": Resource("items", "item", "item_id"),
}


def resource(obj: str) -> Resource:
    try:
        return RESOURCES[obj]
    except KeyError:
        raise PermanentError(f"zoho_books has no object {obj}") from None


def parse_timestamp(value: Any) -> datetime | None:
    """Books times: ``2013-08-05T12:06:10+0530``."""
    if not value:
        return None
    return datetime.strptime(str(value), TIME_FORMAT)


def format_timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(TIME_FORMAT)


def flatten(row: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in row.items():
        if key == "custom_fields" and isinstance(value, list):
            for entry in value:
                if isinstance(entry, Mapping) and entry.get("api_name"):
                    flat[f"custom_fields.{entry['api_name']}"] = entry.get("value")
        elif key in ("custom_field_hash", "contact_persons"):
            continue
        elif isinstance(value, Mapping):
            flat.update(flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def unflatten(fields: Mapping[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = {}
    custom: list[dict[str, Any]] = []
    for path, value in fields.items():
        if path.startswith("custom_fields."):
            custom.append({"api_name": path.split(".", 1)[1], "value": value})
            continue
        parts = path.split(".")
        node = body
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    if custom:
        body["custom_fields"] = custom
    return body


class ZohoBooksConnector:
    system = SYSTEM
    unique_stamps = False  # last_modified_time: whole seconds
    cheap_reads = False  # 100 calls a minute per organisation and a daily allowance

    def __init__(self, client: ZohoBooksClient) -> None:
        self.client = client
        self.documents = BooksDocuments(client)  # estimates, sales orders, invoices
        self.on_duplicate = OnDuplicate(client.settings.on_duplicate)
        self._persons = contact_persons.ContactPersons(self)

    def check_access(self) -> None:
        """The token works and the organisation is one of the user's (else the set-up is
        refused with the list of the user's organisations)."""
        self.organization()

    def organizations(self) -> list[dict[str, Any]]:
        _, answer = self.client.request("GET", "organizations", organization=False)
        return [dict(o) for o in answer.get("organizations", [])]

    def organization(self) -> dict[str, Any]:
        orgs = self.organizations()
        wanted = self.client.settings.organization_id
        for org in orgs:
            if str(org.get("organization_id")) == wanted:
                return org
        known = ", ".join(f"{o.get('organization_id')} ({o.get('name')})" for o in orgs)
        raise ConfigurationError(
            f"erp.organization_id: {wanted} is not an organisation of this Zoho Books user "
            f"(theirs: {known or 'none'})"
        )

    # -- reads ---------------------------------------------------------------------------

    def fetch(self, obj: str, key: str, fields: Sequence[str]) -> SourceRecord | None:
        if obj == contact_persons.OBJECT:
            found = self._persons.fetch_many([key])
            return found[0] if found else None
        res = resource(obj)
        if not key.isdigit():
            return None
        try:
            _, answer = self.client.request("GET", f"{res.path}/{key}")
        except NotFoundError:
            return None
        row = answer.get(res.singular)
        if not isinstance(row, dict):
            return None
        if res.contact_type is not None and row.get("contact_type") != res.contact_type:
            return None
        return self._record(obj, row)

    def fetch_many(
        self, obj: str, keys: Sequence[str], fields: Sequence[str]
    ) -> list[SourceRecord]:
        """One read per key: Books has no read of several ids (contact persons: one read per
        contact)."""
        if obj == contact_persons.OBJECT:
            return self._persons.fetch_many(keys)
        records = [self.fetch(obj, key, fields) for key in dict.fromkeys(keys)]
        return [r for r in records if r is not None]

    def changed_since(
        self, obj: str, since: datetime | None, fields: Sequence[str], page_size: int
    ) -> Iterator[SourceRecord]:
        """Records modified at or after ``since``, oldest first, page by page."""
        if obj == contact_persons.OBJECT:
            yield from self._persons.changed_since(since, page_size)
            return
        res = resource(obj)
        params = {
            "sort_column": STAMP,
            "sort_order": "A",
            "per_page": str(max(1, min(page_size, MAX_PER_PAGE))),
        }
        if res.contact_type is not None:
            params["contact_type"] = res.contact_type
        if since is not None:
            params[STAMP] = format_timestamp(since.replace(microsecond=0))
        page = 1
        while True:
            _, answer = self.client.request("GET", res.path, params={**params, "page": str(page)})
            for row in answer.get(res.path, []):
                yield self._record(obj, row)
            if not answer.get("page_context", {}).get("has_more_page"):
                return
            page += 1

    def _record(self, obj: str, row: Mapping[str, Any]) -> SourceRecord:
        res = resource(obj)
        flat = flatten(row)
        return SourceRecord(
            ref=RecordRef(system=self.system, object=obj, record_id=str(row[res.id_field])),
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
        res = resource(obj)
        body = self._body(res, fields)
        if external_key is None:
            _, answer = self.client.request("POST", res.path, body=body)
            return WriteResult(key=str(answer[res.singular][res.id_field]), created=True)
        field, value = external_key
        api_name = field.removeprefix("custom_fields.")
        body["custom_fields"] = [
            *[c for c in body.get("custom_fields", []) if c["api_name"] != api_name],
            {"api_name": api_name, "value": value},
        ]
        twin = self._twin(obj, body, api_name, value)
        if twin is not None:  # overwrite: the duplicate becomes the counterpart
            changes = {k: v for k, v in body.items() if k != "contact_type"}
            self.client.request("PUT", f"{res.path}/{twin}", body=changes)
            return WriteResult(key=twin)
        status, answer = self.client.request(
            "PUT",
            res.path,
            body=body,
            headers={
                "X-Unique-Identifier-Key": api_name,
                "X-Unique-Identifier-Value": value,
                "X-Upsert": "true",
            },
        )
        return WriteResult(key=str(answer[res.singular][res.id_field]), created=status == 201)

    def _twin(self, obj: str, body: Mapping[str, Any], api_name: str, value: str) -> str | None:
        """The key of the Books record a create would duplicate, when the connection says
        overwrite (``skip`` raises; ``clone`` does not look): one of the same name that no
        CRM record owns. One read, by name; the record's own earlier create (holding
        ``value``) is no duplicate: the upsert that follows updates it."""
        choice = self.on_duplicate.choice(obj)
        res = resource(obj)
        name_field = "name" if res.contact_type is None else "contact_name"
        name = body.get(name_field)
        if choice == "clone" or not name:
            return None
        params = {name_field: str(name)}
        if res.contact_type is not None:
            params["contact_type"] = res.contact_type
        _, answer = self.client.request("GET", res.path, params=params)
        twins: list[str] = []
        for row in answer.get(res.path, []):
            owner = flatten(row).get(f"custom_fields.{api_name}")
            if owner == value:
                return None
            if not owner:
                twins.append(str(row[res.id_field]))
        if not twins:
            return None
        self.on_duplicate.decide(Duplicate(obj, twins[0], name_field))
        return twins[0]

    def update(
        self, obj: str, key: str, fields: Mapping[str, Any], *, idempotency_key: str
    ) -> WriteResult:
        res = resource(obj)
        body = {k: v for k, v in self._body(res, fields).items() if k != "contact_type"}
        if body:
            self.client.request("PUT", f"{res.path}/{key}", body=body)
        return WriteResult(key=key)

    def write_many(self, obj: str, writes: Sequence[Write]) -> list[WriteAnswer]:
        """One request per record: Books has no batch write for contacts or items."""
        if obj == contact_persons.OBJECT:
            return self._persons.write_many(writes, self.on_duplicate)
        return write_one_by_one(self, obj, writes)

    @staticmethod
    def _body(res: Resource, fields: Mapping[str, Any]) -> dict[str, Any]:
        body = unflatten({k: v for k, v in fields.items() if k not in (res.id_field, STAMP)})
        if res.contact_type is not None:
            body["contact_type"] = res.contact_type
        return body
