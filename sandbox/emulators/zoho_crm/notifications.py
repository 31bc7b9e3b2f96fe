"""The Notification API: channels watching modules, and the callbacks they send.

``POST /crm/v8/actions/watch`` ``{"watch": [{"channel_id", "events": ["Accounts.all",
"Contacts.create", …], "channel_expiry", "token", "notify_url",
"return_affected_field_values"}]}`` subscribes (Zoho CRM "Enable Notifications": the token
is at most 50 characters and comes back in every callback; ``channel_expiry`` is at most a
day ahead, and a channel with none, or one further out, lapses after an hour). ``GET``
lists the channels (204 when there are none), ``PATCH`` changes the given details of a
channel (how a client renews it), ``DELETE ?channel_ids=`` unsubscribes.

A callback is a POST of JSON to ``notify_url`` (Zoho CRM "Notification API - An Overview"):
``{"server_time", "query_params", "module", "resource_uri", "ids", "affected_fields",
"operation": "insert" | "update" | "delete", "channel_id", "token"}``; ``affected_fields`` of
an update is ``[{"<id>": ["<field>", …]}]``. A channel subscribed with
``"return_affected_field_values": true`` also gets the new values of an update's fields,
``"affected_values": [{"record_id": "<id>", "values": {"<field>": <value>, …}}]`` (Zoho CRM
API v7/v8 "Update Specific Information of a Notification", "Sample response received via
notify URL for a record update in a module"), values as the records API shows them. Zoho
documents that sample for updates only, so an insert or a delete carries none here. A lapsed
channel sends nothing. ``notify_on_related_action`` (default true: a change also notifies
the records related to the changed one) is kept and listed; the emulator sends no related
notifications, so a channel that wants them is not emulated. Deliveries wait in a queue that
:meth:`Channels.deliver` empties (the emulator's background work); a refused delivery (not
2xx) is dropped, as Zoho retries none.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx

from sandbox.emulators.zoho_accounts import Clock
from sandbox.emulators.zoho_crm.modules import MODULES
from sandbox.emulators.zoho_crm.records import Change, format_datetime, parse_datetime
from shared.jsonutil import dumps

MAX_EXPIRY = timedelta(days=1)
DEFAULT_EXPIRY = timedelta(hours=1)
MAX_TOKEN = 50
_OPERATIONS = {"create": "insert", "edit": "update", "delete": "delete"}
_RESOURCE_IDS = {name: str(4150868000000002170 + i) for i, name in enumerate(MODULES)}


class WatchError(Exception):
    def __init__(self, code: str, message: str, details: Mapping[str, Any]) -> None:
        super().__init__(message)
        self.answer = {
            "code": code,
            "details": dict(details),
            "message": message,
            "status": "error",
        }


@dataclass
class Channel:
    channel_id: str
    events: dict[str, set[str]]  # module -> operations (insert / update / delete)
    expiry: datetime
    token: str | None
    notify_url: str
    affected_values: bool = False  # return_affected_field_values
    related: bool = True  # notify_on_related_action


@dataclass
class Channels:
    clock: Clock
    api_url: Any  # Callable[[], str]: the API's base URL, for resource_uri
    channels: dict[str, Channel] = field(default_factory=dict)
    outbox: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    delivered: list[dict[str, Any]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # -- the API ---------------------------------------------------------------------------

    def enable(self, items: list[Any]) -> list[dict[str, Any]]:
        answers = []
        for index, item in enumerate(items):
            try:
                channel = self._channel(index, item, None)
            except WatchError as exc:
                answers.append(exc.answer)
                continue
            existing = self.channels.get(channel.channel_id)
            if existing is not None:
                for module, ops in channel.events.items():
                    existing.events.setdefault(module, set()).update(ops)
                existing.expiry, existing.token = channel.expiry, channel.token
                existing.notify_url = channel.notify_url
                existing.affected_values, existing.related = (
                    channel.affected_values,
                    channel.related,
                )
                channel = existing
            self.channels[channel.channel_id] = channel
            answers.append(
                {
                    "code": "SUCCESS",
                    "details": {"events": self._details(channel)},
                    "message": "Successfully subscribed for actions-watch of the given module",
                    "status": "success",
                }
            )
        return answers

    def update(self, items: list[Any]) -> list[dict[str, Any]]:
        answers = []
        for index, item in enumerate(items):
            channel_id = str(item.get("channel_id", "")) if isinstance(item, dict) else ""
            current = self.channels.get(channel_id)
            if current is None:
                answers.append(
                    WatchError(
                        "INVALID_DATA",
                        "invalid data",
                        {"api_name": "channel_id", "json_path": f"$.watch[{index}].channel_id"},
                    ).answer
                )
                continue
            try:
                changed = self._channel(index, item, current)
            except WatchError as exc:
                answers.append(exc.answer)
                continue
            self.channels[channel_id] = changed
            answers.append(
                {
                    "code": "SUCCESS",
                    "details": {"events": self._details(changed)},
                    "message": "Successfully updated the subscribe details",
                    "status": "success",
                }
            )
        return answers

    def listing(self) -> list[dict[str, Any]]:
        """The live channels (a lapsed one is gone, as if never opened)."""
        now = self.clock.now()
        for channel_id in [c for c, ch in self.channels.items() if ch.expiry <= now]:
            del self.channels[channel_id]
        rows = []
        for channel in self.channels.values():
            for detail in self._details(channel):
                module = detail["resource_name"]
                rows.append(
                    {
                        **detail,
                        "events": sorted(
                            op for op, kind in _OPERATIONS.items() if kind in channel.events[module]
                        ),
                        "token": channel.token,
                        "notify_url": channel.notify_url,
                        "return_affected_field_values": channel.affected_values,
                        "notify_on_related_action": channel.related,
                    }
                )
        return rows

    def disable(self, channel_ids: list[str]) -> list[dict[str, Any]]:
        answers = []
        for channel_id in channel_ids:
            channel = self.channels.pop(channel_id, None)
            if channel is None:
                answers.append(
                    WatchError("INVALID_DATA", "invalid data", {"channel_id": channel_id}).answer
                )
                continue
            answers.append(
                {
                    "code": "SUCCESS",
                    "details": {"events": self._details(channel)},
                    "message": "Successfully unsubscribed from actions-watch of the given module",
                    "status": "success",
                }
            )
        return answers

    # -- changes and deliveries ---------------------------------------------------------------

    def hear(self, change: Change) -> None:
        now = self.clock.now()
        for channel in list(self.channels.values()):
            if channel.expiry <= now:
                continue
            if change.operation not in channel.events.get(change.module, set()):
                continue
            query = dict(parse_qsl(urlsplit(channel.notify_url).query))
            payload: dict[str, Any] = {
                "server_time": int(now.timestamp() * 1000),
                "query_params": query,
                "module": change.module,
                "resource_uri": f"{self.api_url()}/crm/v8/{change.module}",
                "ids": [change.record_id],
                "affected_fields": [{change.record_id: list(change.fields)}]
                if change.operation == "update"
                else [],
                "operation": change.operation,
                "channel_id": channel.channel_id,
                "token": channel.token,
            }
            if channel.affected_values and change.operation == "update":
                payload["affected_values"] = [
                    {"record_id": change.record_id, "values": dict(change.values)}
                ]
            with self._lock:
                self.outbox.append((channel.notify_url, payload))

    def deliver(self, http: httpx.Client) -> int:
        with self._lock:
            due, self.outbox = self.outbox, []
        sent = 0
        for url, payload in due:
            try:
                response = http.post(
                    url, content=dumps(payload), headers={"Content-Type": "application/json"}
                )
            except httpx.HTTPError:
                continue
            if response.is_success:
                sent += 1
                self.delivered.append(payload)
        return sent

    # -- helpers -------------------------------------------------------------------------

    def _channel(self, index: int, item: Any, current: Channel | None) -> Channel:
        def invalid(name: str) -> WatchError:
            return WatchError(
                "INVALID_DATA",
                "invalid data",
                {"api_name": name, "json_path": f"$.watch[{index}].{name}"},
            )

        if not isinstance(item, dict):
            raise WatchError("INVALID_DATA", "invalid data", {"json_path": f"$.watch[{index}]"})
        channel_id = str(item.get("channel_id") or "")
        if not channel_id.isdigit():
            raise invalid("channel_id")
        notify_url = item.get("notify_url", current.notify_url if current else None)
        if not isinstance(notify_url, str) or not notify_url.startswith(("http://", "https://")):
            raise invalid("notify_url")
        token = item.get("token", current.token if current else None)
        if token is not None and (not isinstance(token, str) or len(token) > MAX_TOKEN):
            raise invalid("token")
        if "events" in item or current is None:
            events = self._events(item.get("events"), invalid)
        else:
            events = current.events
        now = self.clock.now()
        expiry = now + DEFAULT_EXPIRY
        raw = item.get("channel_expiry")
        if raw is not None:
            asked = parse_datetime(str(raw))
            if asked is None:
                raise invalid("channel_expiry")
            if asked <= now + MAX_EXPIRY:
                expiry = asked
        elif current is not None:
            expiry = current.expiry
        # An update keeps what it does not name ("Update Specific Information": the rest of
        # the details are not removed)
        affected = item.get(
            "return_affected_field_values", current.affected_values if current else False
        )
        related = item.get("notify_on_related_action", current.related if current else True)
        if not isinstance(affected, bool):
            raise invalid("return_affected_field_values")
        if not isinstance(related, bool):
            raise invalid("notify_on_related_action")
        return Channel(channel_id, events, expiry, token, notify_url, affected, related)

    @staticmethod
    def _events(raw: Any, invalid: Any) -> dict[str, set[str]]:
        if not isinstance(raw, list) or not raw:
            raise invalid("events")
        events: dict[str, set[str]] = {}
        for entry in raw:
            module, _, op = str(entry).rpartition(".")
            if module not in MODULES or op not in (*_OPERATIONS, "all"):
                raise invalid("events")
            ops = set(_OPERATIONS.values()) if op == "all" else {_OPERATIONS[op]}
            events.setdefault(module, set()).update(ops)
        return events

    def _details(self, channel: Channel) -> list[dict[str, Any]]:
        return [
            {
                "channel_expiry": format_datetime(channel.expiry),
                "resource_uri": f"{self.api_url()}/crm/v8/{module}",
                "resource_id": _RESOURCE_IDS[module],
                "resource_name": module,
                "channel_id": channel.channel_id,
            }
            for module in sorted(channel.events)
        ]
