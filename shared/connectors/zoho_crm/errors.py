"""Zoho CRM's errors -> our dispositions, as a table.

Sources: Zoho CRM API v8 "Status Codes" (every error is ``{"code", "details", "message",
"status": "error"}``; 401 ``INVALID_TOKEN`` for a lapsed or unknown access token, 401
``AUTHENTICATION_FAILURE`` for a missing one, 401 ``OAUTH_SCOPE_MISMATCH`` when the token lacks
the module's scope, 429 ``TOO_MANY_REQUESTS`` when the credit or concurrency limit is hit, 5xx
``INTERNAL_ERROR``); Kaizen #203 "Handling API Limits and Error Responses". The accounts server
answers refused credentials with HTTP 200 and ``{"error": "invalid_client" | "invalid_code"}``
(Kaizen #4 "Troubleshooting OAuth2.0"), and too many refreshes with ``{"error": "Access
Denied", "error_description": "You have made too many requests continuously …"}``, which is
waited out.

A write's per-record answers (``data[]``, even inside a 2xx) go through the same table with
no HTTP status: ``MANDATORY_NOT_FOUND``, ``INVALID_DATA``, ``DUPLICATE_DATA`` … are the
record's own and permanent.
"""

from __future__ import annotations

from shared.connectors.base import ApiError, Disposition, ErrorPolicy, ErrorRule
from shared.errors import AuthenticationError, NotFoundError, RecordRejectedError

SYSTEM = "zoho_crm"

POLICY = ErrorPolicy(
    rules=(
        ErrorRule(Disposition.RATE_LIMITED, code="Access Denied", message="too many requests"),
        ErrorRule(Disposition.REFRESH_AUTH, code="INVALID_TOKEN"),
        ErrorRule(Disposition.REFRESH_AUTH, code="AUTHENTICATION_FAILURE"),
        ErrorRule(Disposition.RATE_LIMITED, code="TOO_MANY_REQUESTS"),
        ErrorRule(Disposition.RATE_LIMITED, status=429),
        ErrorRule(Disposition.RETRY, code="INTERNAL_ERROR"),
        ErrorRule(Disposition.RETRY, status=500),
        ErrorRule(Disposition.RETRY, status=502),
        ErrorRule(Disposition.RETRY, status=503),
        ErrorRule(Disposition.RETRY, status=504),
    )
)

CREDENTIAL_REFUSALS = frozenset(
    {
        "invalid_client",
        "invalid_code",
        "invalid_client_secret",
        "unsupported_grant_type",
        "OAUTH_SCOPE_MISMATCH",
        "INVALID_TOKEN",
        "AUTHENTICATION_FAILURE",
        "NO_PERMISSION",
    }
)


def permanent(exc: ApiError) -> Exception:
    if exc.code in CREDENTIAL_REFUSALS:
        return AuthenticationError(f"zoho_crm refused the credentials: {exc.code} {exc.message}")
    if exc.status == 404:
        return NotFoundError(f"zoho_crm: {exc.message}")
    return RecordRejectedError(SYSTEM, exc.message, exc.code)
