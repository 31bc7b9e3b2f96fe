"""Zoho CRM notification callbacks at our door: verify, read, answer.

A callback (Zoho CRM "Notification API - An Overview") is a JSON POST ``{"server_time",
"query_params", "module", "resource_uri", "ids", "affected_fields", "operation",
"channel_id", "token"}``. It cannot sign; it carries back the ``token`` the channel was
subscribed with, which is the connection's webhook token (set-up subscribes with it), and the
``channel_id``, which must be this connection's channel. It names what changed, never the
values: each id is a hint to re-read the record. Any 2xx acknowledges it.
"""

from __future__ import annotations

import hmac
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from shared.connectors.plugin import Answer, InboundRequest, Notice, WebhookSecrets
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
        return [
            Notice(
                object=callback.module,
                record_id=record_id,
                source_event_id=f"{callback.channel_id}:{stamp}:{callback.operation}:{record_id}",
            )
            for record_id in callback.ids
        ]

    def answer(self, accepted: int) -> Answer:
        return Answer(status=200, content_type="application/json", body='{"status":"success"}')
