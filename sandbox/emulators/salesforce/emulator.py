"""SalesforceEmulator: the public face - set-up, test access, and the WSGI app.

Mount it in-process with ``httpx.Client(transport=httpx.WSGITransport(app=emu.wsgi_app),
base_url=emu.base_url)`` or serve ``emu.wsgi_app`` with werkzeug's ``make_server(...,
threaded=True)``: every request runs under the store's lock. It has the shape every
emulator has (:class:`sandbox.emulators.protocol.Emulator`), and delivers outbound messages
as its :meth:`background_work`.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any

import httpx

from sandbox.emulators.admin import AdminApi, AdminRoute
from sandbox.emulators.common import CallLog
from sandbox.emulators.faults import FaultInjector
from sandbox.emulators.protocol import ProvisionedSide, ProvisionRequest
from sandbox.emulators.salesforce import ids
from sandbox.emulators.salesforce.admin_routes import admin_routes
from sandbox.emulators.salesforce.app import SalesforceApp
from sandbox.emulators.salesforce.clock import format_datetime
from sandbox.emulators.salesforce.oauth import ConnectedApp
from sandbox.emulators.salesforce.org import ADMIN_USERNAME, API_VERSION, Org
from sandbox.emulators.salesforce.outbound import Notification, OutboundMessage
from sandbox.emulators.salesforce.render import render_fields
from sandbox.emulators.salesforce.schema import ObjectDef
from sandbox.emulators.salesforce.store import Row

INTEGRATION_USERNAME = "integration@ledgerlink.example"
PEOPLE_USERNAME = "sales.rep@ledgerlink.example"  # whom people in the sandbox act as


class SalesforceEmulator:
    """An emulated Salesforce org behind the REST API, OAuth and outbound messages."""

    system = "salesforce"

    def __init__(
        self,
        base_url: str = "http://salesforce.test",
        org_id: str | None = None,
        *,
        multi_currency: bool = False,
        corporate_currency: str = "USD",
    ) -> None:
        """``multi_currency``: an org with CurrencyIsoCode and CurrencyType (its corporate
        currency ``corporate_currency``); otherwise a single-currency org."""
        if org_id is not None and not (ids.is_valid(org_id) and org_id.startswith("00D")):
            raise ValueError(f"not an organization id: {org_id}")
        self.org = Org(
            base_url,
            ids.to18(org_id) if org_id else None,
            multi_currency=multi_currency,
            corporate_currency=corporate_currency,
        )
        self.wsgi_app = SalesforceApp(self.org, AdminApi(self, self.admin_routes()))
        self._client: httpx.Client | None = None
        self._client_lock = threading.Lock()
        self._delivery_lock = threading.Lock()
        self._held = False

    # -- identity and settings -----------------------------------------------------------

    @property
    def org_id(self) -> str:
        return self.org.org_id

    @property
    def base_url(self) -> str:
        return self.org.base_url

    @property
    def faults(self) -> FaultInjector:
        return self.org.faults

    @property
    def calls(self) -> CallLog:
        return self.org.calls

    @property
    def session_timeout_s(self) -> float:
        return self.org.oauth.session_timeout_s

    @session_timeout_s.setter
    def session_timeout_s(self, seconds: float) -> None:
        self.org.oauth.session_timeout_s = seconds

    @property
    def query_batch_size(self) -> int:
        """Largest query page the org returns (default 2,000; tests may go below 200)."""
        return self.org.query_batch_size

    @query_batch_size.setter
    def query_batch_size(self, size: int) -> None:
        if size < 1:
            raise ValueError("query_batch_size must be at least 1")
        self.org.query_batch_size = size

    def now(self) -> datetime:
        return self.org.clock.now()

    def advance_clock(self, delta: timedelta) -> None:
        """Move the org's time forward (audit fields, replication windows, retention)."""
        self.org.clock.advance(delta)

    # -- set-up --------------------------------------------------------------------------

    def add_connected_app(
        self,
        client_id: str,
        client_secret: str,
        public_key_pem: str | None = None,
        run_as_username: str = "integration@example.com",
    ) -> None:
        """A connected app for the client-credentials flow (runs as ``run_as_username``)
        and, with ``public_key_pem``, the JWT bearer flow."""
        self.org.oauth.apps[client_id] = ConnectedApp(
            client_id, client_secret, public_key_pem, run_as_username
        )
        self.add_user(run_as_username)

    def add_user(self, username: str) -> str:
        """A user who has approved the connected apps; returns the User id."""
        self.org.oauth.users.add(username)
        return self.org.ensure_user(username)

    def add_outbound_message(
        self, name: str, sobject: str, fields: list[str], endpoint_url: str
    ) -> str:
        """A workflow rule on ``sobject`` ("created, and every time it's edited") sending
        ``fields`` to ``endpoint_url``; returns its action id (``04k...``)."""
        obj = self._sobject(sobject)
        canonical = []
        for field_name in fields:
            fd = obj.field(field_name)
            if fd is None:
                raise ValueError(f"{sobject} has no field {field_name}")
            if fd.name != "Id":
                canonical.append(fd.name)
        action_id = self.org.ids.new("04k")
        self.org.outbound.messages.append(
            OutboundMessage(name, obj.name, tuple(canonical), endpoint_url, action_id)
        )
        return action_id

    def reset(self) -> None:
        """Back to a fresh org; connected apps, users and outbound rules stay."""
        self.org.reset()

    def provision(self, request: ProvisionRequest) -> ProvisionedSide:
        """A connected app (client-credentials flow, a random secret) running as
        ledgerlink's integration user, and an outbound message to ``request.webhook_url``
        for each watched object, sending the fields named."""
        client_id, client_secret = _new_app_credentials()
        self.add_connected_app(client_id, client_secret, run_as_username=INTEGRATION_USERNAME)
        integration_user_id = self.add_user(INTEGRATION_USERNAME)
        # People in the sandbox sign in through an app of their own, as a sales rep: their
        # edits are not the integration user's
        people_id, people_secret = _new_app_credentials()
        self.add_connected_app(people_id, people_secret, run_as_username=PEOPLE_USERNAME)
        for sobject, fields in request.watched_objects.items():
            self.add_outbound_message(
                f"ledgerlink_{sobject}", sobject, list(fields), request.webhook_url
            )
        return ProvisionedSide(
            system=self.system,
            settings={
                "login_url": self.base_url,
                "org_id": self.org_id,
                "client_id": client_id,
                "integration_user_id": integration_user_id,
            },
            secrets={"client_secret": client_secret},
            endpoints={
                "url": self.base_url,
                "client_id": client_id,
                "client_secret": client_secret,
                "org_id": self.org_id,
                "username": INTEGRATION_USERNAME,
                "people_client_id": people_id,
                "people_client_secret": people_secret,
            },
        )

    def admin_routes(self) -> Sequence[AdminRoute]:
        return admin_routes(self.org, self._deliver_with_own_client)

    def records_on_wire(
        self, object_name: str, *, include_deleted: bool = False
    ) -> list[dict[str, Any]]:
        obj = self._sobject(object_name)
        store = self.org.store
        with store.lock:
            rows = store.rows(obj, include_deleted=include_deleted)
            return [render_fields(store, r, API_VERSION) for r in rows]

    # -- outbound messages ---------------------------------------------------------------

    def background_work(self, http: httpx.Client) -> int:
        """What Salesforce does by itself: deliver queued outbound messages."""
        return self.deliver_outbound(http)

    def deliver_outbound(self, client: httpx.Client) -> int:
        """POST queued notifications (up to 100 per message); returns how many were acked.
        Nothing is sent while :meth:`holding_outbound` is in effect."""
        with self._delivery_lock:
            if self._held:
                return 0
            return self.org.outbound.deliver(client, self.org.read_for_outbound)

    @contextmanager
    def holding_outbound(self) -> Iterator[None]:
        """Queue notifications without sending them (the listener is unreachable), so a
        caller can take or replay them by hand with no delivery loop racing it."""
        with self._delivery_lock:  # waits for a delivery under way to finish
            self._held = True
        try:
            yield
        finally:
            with self._delivery_lock:
                self._held = False

    def pending_outbound(self) -> int:
        return len(self.org.outbound.pending())

    def take_outbound(self) -> list[Notification]:
        """Dequeue every pending notification (with its record's current values and its
        ``action_id``), to craft envelopes by hand with :func:`build_outbound_envelope`."""
        return self.org.outbound.take(self.org.read_for_outbound)

    def _deliver_with_own_client(self) -> int:
        with self._client_lock:
            if self._client is None:
                self._client = httpx.Client(timeout=10.0)
            client = self._client
        return self.deliver_outbound(client)

    def close(self) -> None:
        with self._client_lock:
            if self._client is not None:
                self._client.close()
                self._client = None

    # -- direct access for tests ---------------------------------------------------------

    def insert(self, sobject: str, fields: Mapping[str, Any]) -> str:
        """Seed a record as the org's admin: the same validation, audit fields and
        outbound messages as an API insert; read-only non-audit fields may be set."""
        obj = self._sobject(sobject)
        with self.org.store.lock:
            self.org.store.user_id = self.org.users[ADMIN_USERNAME]
            return self.org.store.create(obj, _wire(fields), api=False).id

    def update(self, sobject: str, record_id: str, fields: Mapping[str, Any]) -> None:
        with self.org.store.lock:
            row = self._row(sobject, record_id)
            self.org.store.user_id = self.org.users[ADMIN_USERNAME]
            self.org.store.update(row, _wire(fields), api=False)

    def delete(self, sobject: str, record_id: str) -> None:
        with self.org.store.lock:
            row = self._row(sobject, record_id)
            self.org.store.user_id = self.org.users[ADMIN_USERNAME]
            self.org.store.delete(row)

    def get_record(self, sobject: str, record_id: str) -> dict[str, Any] | None:
        """A record's stored values (Decimal, date, datetime...), deleted ones included."""
        with self.org.store.lock:
            row = self.org.store.get(record_id)
            if row is None or row.obj is not self._sobject(sobject):
                return None
            return {f.name: self.org.store.value(row, f.name) for f in row.obj.fields}

    def records(self, sobject: str) -> list[dict[str, Any]]:
        """All live records of ``sobject``, as :meth:`get_record` shows them."""
        obj = self._sobject(sobject)
        with self.org.store.lock:
            return [
                {f.name: self.org.store.value(r, f.name) for f in obj.fields}
                for r in self.org.store.rows(obj)
            ]

    def _sobject(self, name: str) -> ObjectDef:
        obj = self.org.schema.get(name)
        if obj is None:
            raise KeyError(f"no sObject {name}")
        return obj

    def _row(self, sobject: str, record_id: str) -> Row:
        row = self.org.store.get(record_id)
        if row is None or row.obj is not self._sobject(sobject):
            raise KeyError(f"no {sobject} {record_id}")
        return row


def _wire(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Python dates and datetimes as the strings the API takes."""
    out: dict[str, Any] = {}
    for key, value in fields.items():
        if isinstance(value, datetime):
            out[key] = format_datetime(value).replace("+0000", "Z")
        elif isinstance(value, date):
            out[key] = value.isoformat()
        else:
            out[key] = value
    return out


def _new_app_credentials() -> tuple[str, str]:
    """A connected app's consumer key and secret, shaped as Salesforce's."""
    client_id = "3MVG9" + secrets.token_urlsafe(24).replace("-", "").replace("_", "")
    return client_id, secrets.token_hex(32)
