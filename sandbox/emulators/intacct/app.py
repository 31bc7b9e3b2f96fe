"""IntacctEmulator: the Sage Intacct XML gateway as a WSGI app, plus set-up for tests.

``POST {base_url}/ia/xml/xmlgw.phtml`` takes an XML request and answers an XML response
(see :mod:`gateway` for the pipeline, :mod:`functions` for each function's shape);
``/__admin__/…`` is a small JSON API for the served sandbox (:mod:`admin`). Every request
and every set-up call runs under one re-entrant lock, so the app is safe behind a
threaded server.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from werkzeug.wrappers import Request, Response

from sandbox.emulators.common import CallLog, FaultInjector
from sandbox.emulators.intacct import admin, billing, managed_lists, objects, writes
from sandbox.emulators.intacct.auth import Senders
from sandbox.emulators.intacct.clock import CompanyClock
from sandbox.emulators.intacct.gateway import Gateway
from sandbox.emulators.intacct.rules import WriteContext
from sandbox.emulators.intacct.schema import ObjectSpec, Record
from sandbox.emulators.intacct.store import Company, Sequence, User

GATEWAY_PATH = "/ia/xml/xmlgw.phtml"
_WSGIEnviron = dict[str, Any]
_StartResponse = Callable[..., Any]


def _flat(fields: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for name, value in fields.items():
        if isinstance(value, Mapping):
            flat.update(_flat(value, f"{prefix}{name}."))
        else:
            flat[f"{prefix}{name}".upper()] = value
    return flat


class IntacctEmulator:
    def __init__(
        self, base_url: str = "http://intacct.test", *, clock: Callable[[], datetime] | None = None
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.faults = FaultInjector()
        self.calls = CallLog()
        self.clock = CompanyClock(clock)
        self._lock = threading.RLock()
        self._companies: dict[str, Company] = {}
        self._senders = Senders()
        self._sequences: dict[str, Sequence] = {}  # set_sequence for every company
        self._gateway = Gateway(
            self.clock,
            self._companies,
            self._senders,
            self.faults,
            self.calls,
            lambda: self.endpoint_url,
            self._lock,
        )

    # -- addresses -----------------------------------------------------------------------

    @property
    def endpoint_url(self) -> str:
        return self.base_url + GATEWAY_PATH

    # -- credentials and companies -------------------------------------------------------------

    def add_sender(
        self, sender_id: str, sender_password: str, companies: Iterable[str] | None = None
    ) -> None:
        """A Web Services sender; ``companies`` limits the companies it is authorized for."""
        with self._lock:
            allowed = frozenset(companies) if companies is not None else None
            self._senders.add(sender_id, sender_password, allowed)

    def add_company(self, company_id: str) -> None:
        with self._lock:
            if company_id in self._companies:
                return
            company = Company(company_id, self.clock)
            self._fresh(company)
            self._companies[company_id] = company

    def add_user(self, company_id: str, user_id: str, password: str) -> None:
        with self._lock:
            company = self._company(company_id)
            existing = company.users.get(user_id)
            recordno = existing.recordno if existing else len(company.users) + 2
            company.users[user_id] = User(user_id, password, recordno)

    @property
    def session_timeout_s(self) -> float:
        return self._gateway.session_timeout_s

    @session_timeout_s.setter
    def session_timeout_s(self, seconds: float) -> None:
        self._gateway.session_timeout_s = seconds

    def set_sequence(
        self,
        object_name: str,
        prefix: str,
        next_number: int,
        width: int = 4,
        *,
        company_id: str | None = None,
    ) -> None:
        """Document sequencing: a create without the ID gets ``prefix`` + the number
        zero-padded to ``width`` (``CON-0001``). Without ``company_id`` it applies to every
        company, including ones added later, and survives :meth:`reset`."""
        with self._lock:
            spec = self._spec(object_name)
            if company_id is not None:
                self._company(company_id).set_sequence(
                    spec.name, Sequence(prefix, next_number, width)
                )
                return
            self._sequences[spec.name] = Sequence(prefix, next_number, width)
            for company in self._companies.values():
                company.set_sequence(spec.name, Sequence(prefix, next_number, width))

    # -- time ----------------------------------------------------------------------------

    def now(self) -> datetime:
        return self.clock.now()

    def advance_clock(self, seconds: float) -> None:
        self.clock.advance(seconds)

    # -- data ----------------------------------------------------------------------------

    def seed(
        self, object_name: str, fields: Mapping[str, Any], *, company_id: str | None = None
    ) -> int:
        """Store a record directly (no required-field or reference checks; read-only
        fields allowed; nested mappings or dotted names). Returns its RECORDNO."""
        with self._lock:
            company = self._company(company_id)
            spec = self._spec(object_name)
            record = writes.create(WriteContext(company, 1, trusted=True), spec, _flat(fields))
            return int(record["RECORDNO"])

    def get(
        self, object_name: str, key: str | int, *, company_id: str | None = None
    ) -> dict[str, Any] | None:
        """A copy of the record with that RECORDNO or ID, values typed (Decimal, date…)."""
        with self._lock:
            record = self._company(company_id).by_key(self._spec(object_name), str(key))
            return dict(record) if record is not None else None

    def records(self, object_name: str, *, company_id: str | None = None) -> list[Record]:
        with self._lock:
            spec = self._spec(object_name)
            return [dict(r) for r in self._company(company_id).rows(spec)]

    def run_billing(self, as_of: date, *, company_id: str | None = None) -> list[str]:
        """Run contract billing up to ``as_of``; returns the new invoices' SODOCUMENT
        RECORDNOs (see :mod:`billing`)."""
        with self._lock:
            return billing.run_billing(self._company(company_id), as_of, managed_lists.SYSTEM_USER)

    def reset(self) -> None:
        """Back to fresh companies: records, sessions, calls and faults go; senders,
        companies, users and company-wide sequences (numbering restarts) stay."""
        with self._lock:
            for company in self._companies.values():
                company.clear()
                self._fresh(company)
            self._gateway.forget_sessions()
            self.calls.clear()
            self.faults.clear()

    # -- WSGI ----------------------------------------------------------------------------

    def wsgi_app(self, environ: _WSGIEnviron, start_response: _StartResponse) -> Iterable[bytes]:
        request = Request(environ)
        if request.path.startswith(admin.PREFIX):
            response = admin.handle(self, request)
        elif request.path.endswith(GATEWAY_PATH):
            if request.method != "POST":
                response = Response("POST an XML request", status=405, mimetype="text/plain")
            else:
                reply = self._gateway.handle(request.get_data())
                response = Response(
                    reply.body, status=reply.status, content_type=reply.content_type
                )
        else:
            response = Response("Not Found", status=404, mimetype="text/plain")
        result: Iterable[bytes] = response(environ, start_response)
        return result

    # -- helpers -------------------------------------------------------------------------

    def _fresh(self, company: Company) -> None:
        managed_lists.seed(company)
        for name, sequence in self._sequences.items():
            company.set_sequence(name, replace(sequence))

    def _company(self, company_id: str | None) -> Company:
        if company_id is None:
            if not self._companies:
                raise KeyError("no company yet: call add_company first")
            return next(iter(self._companies.values()))
        return self._companies[company_id]

    @staticmethod
    def _spec(object_name: str) -> ObjectSpec:
        spec = objects.lookup(object_name)
        if spec is None:
            raise KeyError(f"unknown Intacct object {object_name}")
        return spec
