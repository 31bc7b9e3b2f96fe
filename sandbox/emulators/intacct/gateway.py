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
``"getAPISession"`` …, one rule taken per function): ``latency`` sleeps, ``http_error``
answers the rule's HTTP status with an HTML page and runs nothing, ``rate_limit``
answers HTTP 429 with ``GW-0010`` and runs nothing, ``expire_session`` ends the session
the request uses (authentication then fails with the invalid-session error; with login
credentials the user's sessions end and the request proceeds), ``lose_response`` runs
everything and then answers HTTP 504 with an empty body.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sandbox.emulators.common import Call, CallLog, FaultInjector, FaultRule
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
        rules = self._take_faults(request)
        delay = sum(r.latency_s for r in rules if r.kind == "latency")
        if delay > 0:
            time.sleep(delay)
        for rule in rules:
            if rule.kind == "http_error":
                return Reply(rule.status, _html_error(rule.status), HTML_CONTENT_TYPE)
            if rule.kind == "rate_limit":
                root = envelope.gateway_error(
                    errors.RATE_LIMITED, f"API rate limit exceeded. {rule.message}".strip()
                )
                return Reply(429, envelope.serialize(root))
        expire = any(r.kind == "expire_session" for r in rules)
        with self._lock:
            reply = self._process(request, expire=expire)
        if any(r.kind == "lose_response" for r in rules):
            return Reply(504, b"", "text/plain")
        return reply

    def _take_faults(self, request: ParsedRequest) -> list[FaultRule]:
        taken: list[FaultRule] = []
        with self._lock:
            targets = [
                functions.fault_target(fn, self._any_result_object) for fn in request.functions
            ]
        for target in targets:
            rule = self.faults.take(target)
            if rule is not None:
                taken.append(rule)
        return taken

    def _any_result_object(self, result_id: str) -> str | None:
        return self.result_sets.object_of(result_id)

    def _process(self, request: ParsedRequest, *, expire: bool) -> Reply:
        control = request.control
        whitespace = control.includewhitespace
        try:
            self._check_control(control)
        except ControlError as failure:
            root = envelope.control_failure(control, failure)
            return Reply(200, envelope.serialize(root, whitespace=whitespace))
        try:
            auth = self._authenticate(request, expire=expire)
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

    def _authenticate(self, request: ParsedRequest, *, expire: bool) -> _Authenticated:
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
            if expire:
                self.sessions.expire_user(company.company_id, user.user_id)
            locationid = login.locationid
            timeout = now + timedelta(seconds=self.session_timeout_s)
        else:
            sessionid = request.sessionid or ""
            if expire:
                self.sessions.expire(sessionid)
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
        )

    def _run_functions(self, request: ParsedRequest, auth: _Authenticated) -> list[FunctionResult]:
        company = auth.company
        ctx = self._context(auth)
        snapshot = company.snapshot() if request.transaction else None
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
        if failed and snapshot is not None:
            company.restore(snapshot)
            self._abort(results)
        self._record(executed, rolled_back=failed)
        return results

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
