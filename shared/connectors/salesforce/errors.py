"""Salesforce's errors -> our dispositions, as a table.

Sources: REST API Developer Guide, "Status Codes and Error Responses"; API Limits
(REQUEST_LIMIT_EXCEEDED is a 403); UNABLE_TO_LOCK_ROW is transient by nature.

The token endpoint answers OAuth errors (RFC 6749 section 5.2: ``{"error", "error_description"}``).
Its ``invalid_grant`` means refused credentials, except with the description "login rate
exceeded": more than 3,600 logins per user per hour, lifted by waiting (Salesforce Help
000381578, "Sign In Error 'Login Rate Exceeded'"), so it is a rate limit, not a refusal.
"""

from __future__ import annotations

import httpx
from pydantic import TypeAdapter, ValidationError

from shared.connectors.base import ApiError, Disposition, ErrorPolicy, ErrorRule, retry_after
from shared.connectors.salesforce.models import ApiErrorItem, SaveError
from shared.errors import (
    AuthenticationError,
    DependencyPendingError,
    LedgerlinkError,
    NotFoundError,
    RateLimitedError,
    RecordRejectedError,
    RetryableError,
)
from shared.jsonutil import loads

POLICY = ErrorPolicy(
    rules=(
        ErrorRule(Disposition.RATE_LIMITED, code="invalid_grant", message="login rate exceeded"),
        ErrorRule(Disposition.REFRESH_AUTH, status=401),
        ErrorRule(Disposition.RATE_LIMITED, code="REQUEST_LIMIT_EXCEEDED"),
        ErrorRule(Disposition.RATE_LIMITED, status=429),
        ErrorRule(Disposition.RETRY, code="UNABLE_TO_LOCK_ROW"),
        ErrorRule(Disposition.RETRY, code="SERVER_UNAVAILABLE"),
        ErrorRule(Disposition.RETRY, status=500),
        ErrorRule(Disposition.RETRY, status=502),
        ErrorRule(Disposition.RETRY, status=503),
        ErrorRule(Disposition.RETRY, status=504),
    )
)

# The token endpoint's refusals (RFC 6749 section 5.2, and Salesforce's invalid_client_id):
# the connection's credentials or its connected app are wrong, not the record.
OAUTH_REFUSALS = frozenset(
    {
        "invalid_request",
        "invalid_client",
        "invalid_client_id",
        "invalid_grant",
        "unauthorized_client",
        "unsupported_grant_type",
        "invalid_scope",
    }
)

# A record that is gone answers these in a collection (an update of a deleted record).
GONE = frozenset({"ENTITY_IS_DELETED"})

_ITEMS = TypeAdapter(list[ApiErrorItem])


def api_error(response: httpx.Response) -> ApiError:
    """Read the error array (or OAuth error object) out of a failed response, with the wait
    its ``Retry-After`` asks for (Salesforce documents none on REQUEST_LIMIT_EXCEEDED, but a
    429 or 503 from its edge may carry one)."""
    wait = retry_after(response)
    try:
        body = loads(response.content) if response.content else None
    except ValueError:
        body = None
    if isinstance(body, list):
        try:
            items = _ITEMS.validate_python(body)
        except ValidationError:
            items = []
        if items:
            first = items[0]
            message = "; ".join(
                f"{i.message}" + (f" [{', '.join(i.fields)}]" if i.fields else "") for i in items
            )
            return ApiError(response.status_code, first.errorCode, message, wait)
    if isinstance(body, dict) and "error" in body:
        return ApiError(
            response.status_code,
            str(body["error"]),
            str(body.get("error_description", "")),
            wait,
        )
    return ApiError(response.status_code, None, response.reason_phrase or "no body", wait)


# A write naming a parent by an external id no record has yet (REST API Developer Guide,
# "Insert or Update (Upsert) a Record Using an External ID"): the parent syncs later.
PARENT_NOT_FOUND = "Foreign key external ID"


def _parent_not_found(code: str | None, message: str) -> bool:
    return code == "INVALID_FIELD" and PARENT_NOT_FOUND in message and "not found" in message


def permanent(exc: ApiError) -> Exception:
    if _parent_not_found(exc.code, exc.message):
        return DependencyPendingError(f"salesforce: {exc.message}")
    if exc.status == 404:
        return NotFoundError(f"salesforce: {exc.message}")
    if exc.code in OAUTH_REFUSALS:
        return AuthenticationError(f"salesforce refused the credentials: {exc.message}")
    return RecordRejectedError("salesforce", exc.message, exc.code)


def record_error(errors: list[SaveError]) -> LedgerlinkError:
    """One record's failure in an sObject Collections answer, through the same table as a
    whole answer: its first ``statusCode`` decides (UNABLE_TO_LOCK_ROW retries,
    REQUEST_LIMIT_EXCEEDED is a rate limit, a parent named by an external id no record has
    yet waits for it, REQUIRED_FIELD_MISSING, FIELD_CUSTOM_VALIDATION_EXCEPTION and the rest
    are the record's own, permanent)."""
    first = errors[0] if errors else SaveError(statusCode="UNKNOWN_EXCEPTION")
    message = (
        "; ".join(e.message + (f" [{', '.join(e.fields)}]" if e.fields else "") for e in errors)
        or first.statusCode
    )
    disposition = POLICY.classify(None, first.statusCode, message)
    error: LedgerlinkError
    if disposition is Disposition.RATE_LIMITED:
        error = RateLimitedError(f"salesforce rate limit: {message}")
    elif disposition in (Disposition.RETRY, Disposition.REFRESH_AUTH):
        error = RetryableError(f"salesforce {first.statusCode}: {message}")
    elif first.statusCode in GONE:
        error = NotFoundError(f"salesforce: {message}")
    elif _parent_not_found(first.statusCode, message):  # as for a single write: wait for it
        error = DependencyPendingError(f"salesforce: {message}")
    else:
        error = RecordRejectedError("salesforce", message, first.statusCode)
    error.system = "salesforce"
    return error
