"""Zoho CRM notification callbacks at our door: verify, read, answer.

A callback (Zoho CRM "Notification API - An Overview") is a JSON POST ``{"server_time",
"query_params", "module", "resource_uri", "ids", "affected_fields", "operation",
"channel_id", "token"}``. It cannot sign; it carries back the ``token`` the channel was
subscribed with, which is the connection's webhook token (set-up subscribes with it), and the
``channel_id``, which must be this connection's channel. Each id is a hint to re-read the
record. Any 2xx acknowledges it.

Set-up subscribes with ``return_affected_field_values``, so an update's callback also carries
``"affected_values": [{"record_id", "values": {field: value}}]`` beside ``"affected_fields":
[{"<id>": [field, …]}]`` (Zoho CRM API v7/v8 "Update Specific Information of a Notification",
the sample callback of a record update). Those values, flattened as the connector's reads
show a record (lookups as ``Account_Name.id``), become the notice's ``changed``; an insert is
the notice's ``created``. The door drops the notices that only show our own writes
(shared/ingest/known_changes.py); an entry it cannot read leaves its notice a plain hint.
"""

from __future__ import annotations

import hmac
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from shared.connectors.plugin import Answer, InboundRequest, Notice, WebhookSecrets
from shared.connectors.zoho_crm.connector import flatten
from shared.connectors.zoho_crm.settings import ZohoCrmSettings
from shared.errors import RequestRejectedError
from shared.jsonutil import loads
from shared.models.systems import SystemSettings

MAX_IDS = 100
_MODULE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,49}$")
_ID = re.compile(r"^[0-9]{1,20}$")


class Callback(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    module: str
    ids: list[str] = Field(min_length=1, max_length=MAX_IDS)
    operation: str
    channel_id: str
    token: str | None = None
    server_time: int | None = None
    affected_fields: Any = None
    affected_values: Any = None


def _changed(callback: Callback) -> dict[str, dict[str, Any]]:
    """Per record id, the new values of the fields an update touched, flattened; only where
    the callback names the fields and gives each one's value (anything else: no values)."""
    if callback.operation != "update" or not isinstance(callback.affected_values, list):
        return {}
    named: dict[str, set[str]] = {}
    for entry in callback.affected_fields if isinstance(callback.affected_fields, list) else []:
        if isinstance(entry, dict):
            for record_id, fields in entry.items():
                if isinstance(fields, list):
                    named.setdefault(str(record_id), set()).update(map(str, fields))
    changed: dict[str, dict[str, Any]] = {}
    for entry in callback.affected_values:
        if not isinstance(entry, dict) or not isinstance(entry.get("values"), dict):
            continue
        record_id, values = str(entry.get("record_id")), entry["values"]
        fields = named.get(record_id)
        if values and fields is not None and fields <= set(values):
            changed[record_id] = flatten(values)
    return changed


def _callback(request: InboundRequest) -> Callback:
    try:
        body: Any = loads(request.body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise RequestRejectedError(400, "not a Zoho CRM notification: not JSON") from exc
    if not isinstance(body, dict):
        raise RequestRejectedError(400, "not a Zoho CRM notification: not a JSON object")
    ids = body.get("ids")
    if isinstance(ids, list):
        body = {**body, "ids": [str(i) for i in ids]}
    if body.get("channel_id") is not None:
        body["channel_id"] = str(body["channel_id"])
    try:
        return Callback.model_validate(body)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(map(str, err["loc"]))
        reason = f"not a Zoho CRM notification: {where}: {err['msg']}"
        raise RequestRejectedError(400, reason) from exc


class NotificationWebhook:
    def authenticate(self, request: InboundRequest, secrets: WebhookSecrets) -> None:
        token = _callback(request).token
        if not token:
            raise RequestRejectedError(401, "the notification carries no token")
        if not any(
            hmac.compare_digest(token.encode(), known.encode())
            for known in secrets.webhook_tokens()
        ):
            raise RequestRejectedError(403, "token does not match this connection")

    def notices(self, request: InboundRequest, settings: SystemSettings) -> list[Notice]:
        assert isinstance(settings, ZohoCrmSettings)
        callback = _callback(request)
        if callback.channel_id != settings.channel_id:
            raise RequestRejectedError(403, "channel_id is not this connection's channel")
        if not _MODULE.match(callback.module):
            raise RequestRejectedError(400, "module is not a Zoho CRM module name")
        if callback.operation not in ("insert", "update", "delete"):
            raise RequestRejectedError(400, f"unknown operation {callback.operation[:20]!r}")
        for position, record_id in enumerate(callback.ids, start=1):
            if not _ID.match(record_id):
                raise RequestRejectedError(400, f"id {position} is not a Zoho record id")
        stamp = callback.server_time or 0
        changed = _changed(callback)
        return [
            Notice(
                object=callback.module,
                record_id=record_id,
                source_event_id=f"{callback.channel_id}:{stamp}:{callback.operation}:{record_id}",
                created=callback.operation == "insert",
                changed=changed.get(record_id),
            )
            for record_id in callback.ids
        ]

    def answer(self, accepted: int) -> Answer:
        return Answer(status=200, content_type="application/json", body='{"status":"success"}')
