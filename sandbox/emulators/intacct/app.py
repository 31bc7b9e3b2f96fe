"""IntacctEmulator: the Sage Intacct XML gateway as a WSGI app, plus set-up for tests.

``POST {base_url}/ia/xml/xmlgw.phtml`` takes an XML request and answers an XML response
(see :mod:`gateway` for the pipeline, :mod:`functions` for each function's shape);
``/__admin__/…`` is the common admin API (:mod:`sandbox.emulators.admin`) plus Intacct's
own ``billing-run`` (:mod:`admin_routes`). It has the shape every emulator has
(:class:`sandbox.emulators.protocol.Emulator`). Every request and every set-up call runs
under one re-entrant lock, so the app is safe behind a threaded server.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from werkzeug.wrappers import Request, Response

from sandbox.emulators.admin import AdminApi, AdminRoute
from sandbox.emulators.common import CallLog
from sandbox.emulators.faults import FaultInjector
from sandbox.emulators.intacct import (
    billing,
    list_objects,
    managed_lists,
    objects,
    projects,
    recurring_documents,
    sales_documents,
    writes,
)
from sandbox.emulators.intacct.admin_routes import admin_routes
from sandbox.emulators.intacct.auth import Senders
from sandbox.emulators.intacct.clock import CompanyClock
from sandbox.emulators.intacct.errors import FunctionError
from sandbox.emulators.intacct.gateway import Gateway
from sandbox.emulators.intacct.recurring_routes import recurring_routes
from sandbox.emulators.intacct.rules import WriteContext
from sandbox.emulators.intacct.schema import ObjectSpec, Record, to_json
from sandbox.emulators.intacct.store import Company, User
from sandbox.emulators.intacct.store import Sequence as DocumentSequence
from sandbox.emulators.protocol import ProvisionedSide, ProvisionRequest

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


SENDER_ID = "ledgerlink_sandbox"
COMPANY_ID = "ledgerlink-demo"
USER_ID = "xml_gateway"
# Whom people in the sandbox act as through the API (sandbox/users.py): a user of their own,
# as a company gives its staff, never the integration's Web Services user.
PEOPLE_USER_ID = "finance_user"


class IntacctEmulator:
    system = "intacct"

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
        self._sequences: dict[str, DocumentSequence] = {}  # set_sequence for every company
        self._gateway = Gateway(
            self.clock,
            self._companies,
            self._senders,
            self.faults,
            self.calls,
            lambda: self.endpoint_url,
            self._lock,
        )
        self._admin = AdminApi(self, self.admin_routes())

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
                    spec.name, DocumentSequence(prefix, next_number, width)
                )
                return
            self._sequences[spec.name] = DocumentSequence(prefix, next_number, width)
            for company in self._companies.values():
                company.set_sequence(spec.name, DocumentSequence(prefix, next_number, width))

    # -- time ----------------------------------------------------------------------------

    def now(self) -> datetime:
        return self.clock.now()

    def advance_clock(self, delta: timedelta) -> None:
        self.clock.advance(delta)

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

    def edit(
        self,
        object_name: str,
        key: str | int,
        fields: Mapping[str, Any],
        *,
        company_id: str | None = None,
    ) -> None:
        """Change a record as a person in Intacct's UI would: the same rules and stamps as an
        API update, no gateway in between (no faults, no call log)."""
        with self._lock:
            company = self._company(company_id)
            spec = self._spec(object_name)
            record = company.by_key(spec, str(key))
            if record is None:
                raise KeyError(f"no {object_name} {key}")
            values = {**_flat(fields), "RECORDNO": record["RECORDNO"]}
            writes.update(WriteContext(company, 1), spec, values)

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

    def convert(self, docid: str, to: str, on: date, *, company_id: str | None = None) -> str:
        """What the UI's Convert does: a ``to`` document (Sales Invoice, …) from every line
        of ``docid``; its DOCID (see :mod:`sales_documents`)."""
        with self._lock:
            company = self._company(company_id)
            try:
                with company.transaction():
                    return sales_documents.convert(
                        company, docid, to, on, managed_lists.SYSTEM_USER
                    )
            except FunctionError as failure:
                raise ValueError("; ".join(e.description2 for e in failure.errors)) from None

    def convert_to_recurring(
        self,
        docid: str,
        to: str,
        start: date,
        *,
        repeat_by: str = "Months",
        interval: int = 1,
        occurrences: int | None = None,
        company_id: str | None = None,
    ) -> int:
        """What the UI's Convert to a recurring schedule does: a template (SORECURDOCUMENT)
        of ``to`` documents from every line of ``docid``; its RECORDNO (see
        :mod:`recurring_documents`)."""
        with self._lock:
            company = self._company(company_id)
            snapshot = company.snapshot()
            try:
                return recurring_documents.convert_to_recurring(
                    company,
                    docid,
                    to,
                    start,
                    repeat_by=repeat_by,
                    interval=interval,
                    occurrences=occurrences,
                    user_key=managed_lists.SYSTEM_USER,
                )
            except FunctionError as failure:
                company.restore(snapshot)
                raise ValueError("; ".join(e.description2 for e in failure.errors)) from None

    def run_recurring(self, as_of: date, *, company_id: str | None = None) -> list[str]:
        """The scheduler's run: every document the recurring schedules owe up to ``as_of``;
        their DOCIDs."""
        with self._lock:
            company = self._company(company_id)
            return recurring_documents.run_recurring(company, as_of, managed_lists.SYSTEM_USER)

    def apply_payment(
        self,
        invoice_key: int,
        amount: Decimal,
        on: date,
        *,
        method: str = "Printed Check",
        company_id: str | None = None,
    ) -> int:
        """A customer payment applied to an AR invoice; the ARPYMT's RECORDNO."""
        with self._lock:
            return sales_documents.apply_payment(
                self._company(company_id),
                invoice_key,
                amount,
                on,
                method,
                managed_lists.SYSTEM_USER,
            )

    def enter_timesheet(
        self,
        employee_id: str,
        week_of: date,
        entries: Sequence[tuple[int, date, Decimal]],
        *,
        company_id: str | None = None,
    ) -> int:
        """An employee's timesheet entered in Intacct: (task RECORDNO, day, hours) entries
        (see :mod:`projects`). Returns its RECORDNO."""
        with self._lock:
            company = self._company(company_id)
            return projects.enter_timesheet(company, employee_id, week_of, entries)

    def permit_audit_history(self, permitted: bool, *, company_id: str | None = None) -> None:
        """Grant or take away the API user's custom-reports View permission, which reading
        ``AUDITHISTORY`` needs."""
        with self._lock:
            self._company(company_id).audit_trail.permitted = permitted

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

    # -- provisioning and the admin API --------------------------------------------------

    def provision(self, request: ProvisionRequest) -> ProvisionedSide:
        """A Web Services sender, the demo company with its contract numbering
        (``CON-0001`` …) and a Web Services user, with random passwords; and a user of the
        company's own people (its endpoints name it), whom the sandbox's people sign in as.
        Intacct pushes nothing, so ``request`` asks for nothing here."""
        sender_password = secrets.token_urlsafe(12)
        user_password = secrets.token_urlsafe(12)
        people_password = secrets.token_urlsafe(12)
        self.add_sender(SENDER_ID, sender_password)
        self.add_company(COMPANY_ID)
        self.add_user(COMPANY_ID, USER_ID, user_password)
        self.add_user(COMPANY_ID, PEOPLE_USER_ID, people_password)
        # Company set-up: contract ids come from a document sequence.
        self.set_sequence("CONTRACT", "CON-", 1)
        settings = {
            "endpoint_url": self.endpoint_url,
            "sender_id": SENDER_ID,
            "company_id": COMPANY_ID,
            "user_id": USER_ID,
        }
        return ProvisionedSide(
            system=self.system,
            settings=settings,
            secrets={"sender_password": sender_password, "user_password": user_password},
            endpoints={
                "url": self.endpoint_url,
                "sender_id": SENDER_ID,
                "sender_password": sender_password,
                "company_id": COMPANY_ID,
                "user_id": USER_ID,
                "user_password": user_password,
                "people_user_id": PEOPLE_USER_ID,
                "people_user_password": people_password,
            },
        )

    def admin_routes(self) -> Sequence[AdminRoute]:
        return [*admin_routes(self), *recurring_routes(self)]

    def records_on_wire(
        self, object_name: str, *, include_deleted: bool = False
    ) -> list[dict[str, Any]]:
        """Intacct keeps no deleted rows, so ``include_deleted`` changes nothing."""
        return [{k: to_json(v) for k, v in row.items()} for row in self.records(object_name)]

    # -- WSGI ----------------------------------------------------------------------------

    def wsgi_app(self, environ: _WSGIEnviron, start_response: _StartResponse) -> Iterable[bytes]:
        request = Request(environ)
        if AdminApi.handles(request.path):
            response = self._admin(request)
        elif request.path.endswith(GATEWAY_PATH):
            if request.method != "POST":
                response = Response("POST an XML request", status=405, mimetype="text/plain")
            else:
                reply = self._gateway.handle(request.get_data())
                response = Response(
                    reply.body,
                    status=reply.status,
                    content_type=reply.content_type,
                    headers=list(reply.headers),
                )
        else:
            response = Response("Not Found", status=404, mimetype="text/plain")
        result: Iterable[bytes] = response(environ, start_response)
        return result

    # -- helpers -------------------------------------------------------------------------

    def _fresh(self, company: Company) -> None:
        managed_lists.seed(company)
        projects.seed(company, managed_lists.SYSTEM_USER)
        list_objects.seed(company, managed_lists.SYSTEM_USER)
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
