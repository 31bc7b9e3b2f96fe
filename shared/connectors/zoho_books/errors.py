"""Zoho Books' errors -> our dispositions, as a table.

Sources: Zoho Books API v3 "Errors" (``{"code", "message"}``, code 0 success; 400 bad
request, 401 invalid token, 404, 405, 429 "Rate Limit Exceeded (API usage limit exceeded)",
500 internal error) and "API Call Limit" (100 requests a minute per organisation, a daily
allowance by plan, a cap on concurrent calls). Zoho documents no ``Retry-After`` on 429: the
wait is the connector's backoff, bounded as every rate limit is (shared/connectors/base.py).
Books' own ``code`` numbers are published only by example (1002 "… does not exist."), so the
table matches on HTTP status; a 404 (or code 1002) is "no such record".
"""

from __future__ import annotations

from shared.connectors.base import ApiError, Disposition, ErrorPolicy, ErrorRule
from shared.connectors.zoho_crm.errors import CREDENTIAL_REFUSALS
from shared.errors import AuthenticationError, NotFoundError, RecordRejectedError

SYSTEM = "zoho_books"
NOT_FOUND = "1002"

POLICY = ErrorPolicy(
    rules=(
        ErrorRule(Disposition.RATE_LIMITED, code="Access Denied", message="too many requests"),
        ErrorRule(Disposition.REFRESH_AUTH, status=401),
        ErrorRule(Disposition.RATE_LIMITED, status=429),
        ErrorRule(Disposition.RETRY, status=500),
        ErrorRule(Disposition.RETRY, status=502),
        ErrorRule(Disposition.RETRY, status=503),
        ErrorRule(Disposition.RETRY, status=504),
    )
)


def permanent(exc: ApiError) -> Exception:
    if exc.code in CREDENTIAL_REFUSALS:
        return AuthenticationError(f"zoho_books refused the credentials: {exc.message}")
    if exc.status == 404 or exc.code == NOT_FOUND:
        return NotFoundError(f"zoho_books: {exc.message}")
    return RecordRejectedError(SYSTEM, exc.message, exc.code)
