"""Intacct's errors -> our dispositions, as a table.

Control-level and authentication-level failures carry an errorno in ``errormessage``; the
gateway's throttling and transient failures retry, an invalid/expired session refreshes the
session once, everything else about a function's data is permanent.
"""

from __future__ import annotations

from shared.connectors.base import ApiError, Disposition, ErrorPolicy, ErrorRule
from shared.errors import (
    AuthenticationError,
    LedgerlinkError,
    NotFoundError,
    RateLimitedError,
    RecordRejectedError,
    RetryableError,
)

# developer.intacct.com "Error Handling" and the SDKs' recorded responses: XL03000006 is both
# the sender/login refusal and the expired-session answer (refreshing once tells them apart),
# GW-0010 is throttling. Which number answers a duplicate controlid under uniqueid is not
# published; XL03000004 is the emulator's choice (sandbox/emulators/intacct/errors.py).
INVALID_SESSION = ("XL03000006",)
SENDER_REFUSED: tuple[str, ...] = ()
THROTTLED = ("GW-0010",)
DUPLICATE_CONTROLID = ("XL03000004",)

POLICY = ErrorPolicy(
    rules=(
        *(ErrorRule(Disposition.REFRESH_AUTH, code=c) for c in INVALID_SESSION),
        *(ErrorRule(Disposition.RATE_LIMITED, code=c) for c in THROTTLED),
        ErrorRule(Disposition.RATE_LIMITED, status=429),
        ErrorRule(Disposition.RETRY, status=500),
        ErrorRule(Disposition.RETRY, status=502),
        ErrorRule(Disposition.RETRY, status=503),
        ErrorRule(Disposition.RETRY, status=504),
    )
)


class AlreadyExecutedError(Exception):
    """With uniqueid true, the gateway refused to run a controlid it already completed."""


def permanent(exc: ApiError) -> Exception:
    if exc.code in DUPLICATE_CONTROLID:
        return AlreadyExecutedError(exc.message)
    if exc.code in SENDER_REFUSED or exc.code in INVALID_SESSION:
        return AuthenticationError(f"intacct refused the credentials: {exc.message}")
    if exc.status == 404:
        return NotFoundError(f"intacct: {exc.message}")
    return RecordRejectedError("intacct", exc.message, exc.code)


def function_error(exc: ApiError) -> LedgerlinkError:
    """One function's failure in a request of several (its own ``errormessage``), through
    the same table: what would retry the whole request retries this record alone, the rest
    is the record's own, permanent. (A duplicate controlid is the caller's to handle.)"""
    disposition = POLICY.classify(exc.status, exc.code, exc.message)
    error: LedgerlinkError
    if disposition is Disposition.RATE_LIMITED:
        error = RateLimitedError(f"intacct rate limit: {exc.message}", exc.retry_after_s)
    elif disposition in (Disposition.RETRY, Disposition.REFRESH_AUTH):
        error = RetryableError(f"intacct {exc.code or exc.status}: {exc.message}")
    elif exc.status == 404:
        error = NotFoundError(f"intacct: {exc.message}")
    else:
        error = RecordRejectedError("intacct", exc.message, exc.code)
    error.system = "intacct"
    return error
