"""One request through the gateway: faults, control, authentication, functions.

Order of checks (developer.intacct.com "Error Handling"): the XML is read first
(``XL03000003`` and nothing runs), then the control block (dtdversion ``3.0``, sender ID
and password: ``XL03000006`` and nothing runs), then the authentication (login or
session: ``XL03000006`` in ``<operation>`` and no function runs), then each function
independently, or all-or-nothing with ``<operation transaction="true">`` (every result
of a failed transaction carries ``XL03000009``; the ones that had succeeded show status
``aborted``).

uniqueid: with ``<uniqueid>true</uniqueid>`` (the default), a function whose
``controlid`` attribute already executed *and completed* in the same company is not
executed again; its result is ``<status>failure</status>`` with the error
``errors.DUPLICATE_CONTROLID_ERRORNO``. Other functions of the same request still run.
Failed functions (and functions of a rolled-back transaction) do not count as completed,
so a retry runs them. Completed controlids are remembered whatever the request's
uniqueid was; only requests with uniqueid true are checked against them.

Faults (``FaultRule.match`` against ``"create CUSTOMER"``, ``"query CONTRACT"``,
``"getAPISession"`` …, one rule taken per function; the dispatch is
:mod:`sandbox.emulators.faults`): ``latency`` sleeps; ``http_error`` answers the rule's
HTTP status with an HTML page and runs nothing; ``timeout`` answers HTTP 504 with the
gateway's HTML timeout page and runs nothing; ``rate_limit`` answers HTTP 429 with
``GW-0010`` and runs nothing (developer.intacct.com "Error Handling", "Gateway errors";
Intacct documents no ``Retry-After`` for it, so none is sent unless the rule's
``retry_after_s`` asks for one, as RFC 6585 section 4 allows on a 429); ``expire_session``
ends the session the request uses (authentication then fails with the invalid-session
error; with login credentials the user's sessions end and the request proceeds);
``lose_response`` runs everything and then answers HTTP 504 with an empty body.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sandbox.emulators.common import Call, CallLog
from sandbox.emulators.faults import FaultInjector, FaultRule, run_with_faults
from sandbox.emulators.intacct import envelope, errors, functions
from sandbox.emulators.intacct.auth import Senders, Session, Sessions
from sandbox.emulators.intacct.clock import CompanyClock, format_iso
from sandbox.emulators.intacct.envelope import (
    AuthInfo,
    Control,
    FunctionResult,
    ParsedRequest,
    RejectedRequestError,
)
from sandbox.emulators.intacct.errors import AuthError, ControlError
from sandbox.emulators.intacct.result_sets import ResultSets
from sandbox.emulators.intacct.store import Company, User

XML_CONTENT_TYPE = "text/xml; charset=UTF-8"
HTML_CONTENT_TYPE = "text/html; charset=UTF-8"


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    content_type: str = XML_CONTENT_TYPE
    headers: tuple[tuple[str, str], ...] = ()


@dataclass
class _Authenticated:
    company: Company
    user: User
    session: Session | None
    locationid: str
    info: AuthInfo


def _html_error(status: int) -> bytes:
    return (
        f"<html><head><title>{status} Service Unavailable</title></head>"
        f"<body><h1>{status}</h1><p>The server is temporarily unable to service your "
        "request. Please try again later.</p></body></html>"
    ).encode()


_TIMEOUT_PAGE = (
    b"<html><head><title>504 Gateway Time-out</title></head>"
    b"<body><h1>504 Gateway Time-out</h1><p>The gateway did not receive a timely "
    b"response.</p></body></html>"
)


class _GatewayFaults:
    """How one request's faults look on the XML gateway's wire."""

    def __init__(self, gateway: Gateway, request: ParsedRequest) -> None:
        self._gateway = gateway
        self._request = request

    def rate_limited(self, rule: FaultRule) -> Reply:
        root = envelope.gateway_error(
            errors.RATE_LIMITED, f"API rate limit exceeded. {rule.message}".strip()
        )
        headers: tuple[tuple[str, str], ...] = ()
        if rule.retry_after_s is not None:
            headers = (("Retry-After", str(math.ceil(rule.retry_after_s))),)
        return Reply(429, envelope.serialize(root), headers=headers)

    def server_error(self, rule: FaultRule) -> Reply:
        return Reply(rule.status, _html_error(rule.status), HTML_CONTENT_TYPE)

    def timed_out(self, rule: FaultRule) -> Reply:
        return Reply(504, _TIMEOUT_PAGE, HTML_CONTENT_TYPE)

    def session_expired(self, rule: FaultRule) -> Reply | None:
        self._gateway.expire_sessions_of(self._request)
        return None

    def answer_lost(self, answer: Reply) -> Reply:
        return Reply(504, b"", "text/plain")


class Gateway:
    """The XML gateway over the emulator's companies; every request runs under one lock."""

    def __init__(
        self,
        clock: CompanyClock,
        companies: dict[str, Company],
        senders: Senders,
        faults: FaultInjector,
        calls: CallLog,
        endpoint: Callable[[], str],
        lock: threading.RLock,
    ) -> None:
        self.clock = clock
        self.companies = companies
        self.senders = senders
        self.faults = faults
        self.calls = calls
        self.sessions = Sessions()
        self.result_sets = ResultSets()
        self.session_timeout_s = 3600.0
        self._endpoint = endpoint
        self._lock = lock

    # -- the pipeline ------------------------------------------------------------------------

    def handle(self, body: bytes) -> Reply:
        try:
            request = envelope.parse_request(body)
        except RejectedRequestError as rejected:
            whitespace = rejected.control.includewhitespace if rejected.control else True
            root = envelope.control_failure(rejected.control, rejected.failure)
            return Reply(200, envelope.serialize(root, whitespace=whitespace))
        with self._lock:
            targets = [
                functions.fault_target(fn, self._any_result_object) for fn in request.functions
            ]
        rules = self.faults.take_all(targets)
        return run_with_faults(rules, _GatewayFaults(self, request), lambda: self._locked(request))

    def _locked(self, request: ParsedRequest) -> Reply:
        with self._lock:
            return self._process(request)

    def expire_sessions_of(self, request: ParsedRequest) -> None:
        """End the session the request uses; with login credentials, the user's sessions."""
        with self._lock:
            login = request.login
            if login is None:
                self.sessions.expire(request.sessionid or "")
                return
            company = self.companies.get(login.companyid)
            user = company.users.get(login.userid) if company is not None else None
            if company is not None and user is not None and user.password == login.password:
                self.sessions.expire_user(company.company_id, user.user_id)

    def _any_result_object(self, result_id: str) -> str | None:
        return self.result_sets.object_of(result_id)

    def _process(self, request: ParsedRequest) -> Reply:
        control = request.control
        whitespace = control.includewhitespace
        try:
            self._check_control(control)
        except ControlError as failure:
            root = envelope.control_failure(control, failure)
            return Reply(200, envelope.serialize(root, whitespace=whitespace))
        try:
            auth = self._authenticate(request)
        except AuthError as failure:
            info = AuthInfo(
                userid=request.login.userid if request.login else "",
                companyid=request.login.companyid if request.login else "",
                locationid=request.login.locationid if request.login else "",
            )
            root = envelope.auth_failure(control, info, failure)
            return Reply(200, envelope.serialize(root, whitespace=whitespace))
        results = self._run_functions(request, auth)
        alone = envelope.data_only(results)
        if alone is not None:
            return Reply(200, *alone)
        root = envelope.success(control, auth.info, results)
        return Reply(200, envelope.serialize(root, whitespace=whitespace))

    def _check_control(self, control: Control) -> None:
        if control.dtdversion != envelope.DTD_VERSION:
            raise errors.xml_parse_error(
                f"dtdversion '{control.dtdversion}' is not supported; use 3.0"
            )
        if self.senders.check(control.senderid, control.password) is None:
            raise errors.sender_refused()

    def _authorize_sender(self, control: Control, company_id: str) -> None:
        sender = self.senders.check(control.senderid, control.password)
        if (
            sender is not None
            and sender.companies is not None
            and company_id not in sender.companies
        ):
            raise errors.sender_not_authorized(control.senderid, company_id)

    def _authenticate(self, request: ParsedRequest) -> _Authenticated:
        now = self.clock.now()
        session: Session | None = None
        if request.login is not None:
            login = request.login
            company = self.companies.get(login.companyid)
            if company is None:
                raise errors.sign_in_incorrect()
            self._authorize_sender(request.control, company.company_id)
            user = company.users.get(login.userid)
            if user is None or user.password != login.password:
                raise errors.sign_in_incorrect()
            locationid = login.locationid
            timeout = now + timedelta(seconds=self.session_timeout_s)
        else:
            sessionid = request.sessionid or ""
            session = self.sessions.use(sessionid, now, self.session_timeout_s)
            if session is None or session.company_id not in self.companies:
                raise errors.invalid_session()
            company = self.companies[session.company_id]
            self._authorize_sender(request.control, company.company_id)
            found = company.users.get(session.user_id)
            if found is None:
                raise errors.invalid_session()
            user = found
            locationid = session.locationid
            timeout = session.expires_at
        info = AuthInfo(
            userid=user.user_id,
            companyid=company.company_id,
            locationid=locationid,
            sessiontimestamp=format_iso(now),
            sessiontimeout=format_iso(timeout),
        )
        return _Authenticated(company, user, session, locationid, info)

    # -- functions ---------------------------------------------------------------------------

    def _context(self, auth: _Authenticated) -> functions.FunctionContext:
        def open_session(locationid: str | None) -> Session:
            wanted = auth.locationid if locationid is None else locationid
            if auth.session is not None and auth.session.locationid == wanted:
                return auth.session
            return self.sessions.open(
                auth.company.company_id,
                auth.user.user_id,
                wanted,
                self.clock.now(),
                self.session_timeout_s,
            )

        return functions.FunctionContext(
            company=auth.company,
            user_key=auth.user.recordno,
            owner=auth.company.company_id + "|" + auth.user.user_id,
            result_sets=self.result_sets,
            open_session=open_session,
            endpoint=self._endpoint(),
            location=auth.locationid,
        )

    def _run_functions(self, request: ParsedRequest, auth: _Authenticated) -> list[FunctionResult]:
        company = auth.company
        ctx = self._context(auth)
        with company.transaction(enabled=request.transaction) as roll_back:
            executed, results, failed = self._each(ctx, request)
            if failed:
                roll_back()
                self._abort(results)
        self._record(executed, rolled_back=failed)
        return results

    @staticmethod
    def _each(
        ctx: functions.FunctionContext, request: ParsedRequest
    ) -> tuple[list[functions.Executed | None], list[FunctionResult], bool]:
        """Run the request's functions in order; in a transaction, the first failure aborts
        the rest. Says whether the transaction failed."""
        company = ctx.company
        executed: list[functions.Executed | None] = []
        results: list[FunctionResult] = []
        failed = False
        for fn in request.functions:
            if failed:
                results.append(FunctionResult(fn.name, fn.controlid, "aborted"))
                executed.append(None)
                continue
            if request.control.uniqueid and fn.controlid in company.data.executed:
                duplicate = errors.already_executed(fn.controlid)
                results.append(
                    FunctionResult(fn.name, fn.controlid, "failure", errors=duplicate.errors)
                )
                executed.append(None)
                failed = request.transaction
                continue
            outcome = functions.run(ctx, fn)
            executed.append(outcome)
            results.append(outcome.result)
            if outcome.ok:
                if fn.controlid:
                    company.data.executed.add(fn.controlid)
            elif request.transaction:
                failed = True
        return executed, results, failed

    @staticmethod
    def _abort(results: list[FunctionResult]) -> None:
        for result in results:
            if result.status == "success":
                result.status = "aborted"
                result.data = None
            result.errors = [*result.errors, errors.rolled_back()]

    def _record(self, executed: list[functions.Executed | None], *, rolled_back: bool) -> None:
        for outcome in executed:
            if outcome is None:
                continue
            self.calls.record(
                Call(
                    op=outcome.op,
                    target=outcome.target,
                    record_id=",".join(outcome.record_ids) or None,
                    ok=outcome.ok and not rolled_back,
                )
            )

    # -- housekeeping --------------------------------------------------------------------------

    def forget_sessions(self) -> None:
        self.sessions.clear()
        self.result_sets.clear()
