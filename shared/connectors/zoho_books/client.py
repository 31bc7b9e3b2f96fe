"""Auth, the httpx.Client, retries: the only place that talks HTTP to Zoho Books.

Every call goes to ``{api_domain}/books/v3/…`` with ``organization_id`` in the query string
and ``Authorization: Zoho-oauthtoken <token>`` (Zoho Books API v3 "Introduction",
"OAuth"); tokens come from :mod:`shared.connectors.zoho_accounts` and are kept for their hour.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from shared.connectors.base import PolicyRunner, RetrySettings
from shared.connectors.zoho_accounts import ZohoAuth, api_error
from shared.connectors.zoho_books.errors import POLICY, SYSTEM, permanent
from shared.connectors.zoho_books.settings import ZohoBooksSecrets, ZohoBooksSettings
from shared.errors import TransportError
from shared.jsonutil import loads

API_PATH = "/books/v3/"


class ZohoBooksClient:
    def __init__(
        self,
        http: httpx.Client,
        settings: ZohoBooksSettings,
        secrets: ZohoBooksSecrets,
        retry: RetrySettings | None = None,
    ) -> None:
        self._http = http
        self.settings = settings
        self.auth = ZohoAuth.of(http, settings, secrets)
        self._runner = PolicyRunner(SYSTEM, POLICY, self.auth.invalidate, permanent, retry)
        # For a call a retry could repeat (a create Books offers no key to repeat safely by):
        # one attempt, its lost answer left to the caller to look for
        once = (retry or RetrySettings())._replace(attempts=1)
        self._once = PolicyRunner(SYSTEM, POLICY, self.auth.invalidate, permanent, once)
        self._pacer = retry.pacer if retry is not None else None
        self.calls = 0

    def request(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        organization: bool = True,
        once: bool = False,
    ) -> tuple[int, dict[str, Any]]:
        """One call: its HTTP status and ``{code: 0, …}`` answer; errors raise via the policy.
        ``once``: not retried (a lost answer raises ``TransportError``: the call may have been
        done)."""
        status, answer, _ = self._request(
            method,
            path,
            body=body,
            params=params,
            headers=headers,
            organization=organization,
            once=once,
        )
        return status, answer

    def read_dated(
        self, path: str, *, params: Mapping[str, str] | None = None
    ) -> tuple[dict[str, Any], datetime | None]:
        """A GET's answer and when the server answered it: its ``Date`` header (RFC 9110
        6.6.1: an origin server with a clock sends it; whole seconds), None without one."""
        _, answer, date = self._request("GET", path, params=params)
        return answer, date

    def _request(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        organization: bool = True,
        once: bool = False,
    ) -> tuple[int, dict[str, Any], datetime | None]:
        def call() -> tuple[int, dict[str, Any], datetime | None]:
            query = dict(params or {})
            if organization:
                query["organization_id"] = self.settings.organization_id
                if self._pacer is not None:  # the organisation's limit, shared by containers
                    self._pacer.before_call(
                        f"{SYSTEM}#{self.settings.organization_id}",
                        self.settings.requests_per_minute,
                    )
            self.calls += 1
            response = self.auth.send(
                self._http,
                method,
                API_PATH + path.lstrip("/"),
                body=body,
                params=query,
                headers=headers,
            )
            if response.status_code >= 300:
                raise api_error(response)
            try:
                answer = loads(response.content) if response.content else {}
            except ValueError as exc:  # a success whose answer was cut: it may have been done
                raise TransportError("zoho_books answered unreadably") from exc
            if not isinstance(answer, dict) or answer.get("code", 0) != 0:
                raise api_error(response)
            return response.status_code, answer, _date(response.headers.get_list("date"))

        return (self._once if once else self._runner).run(call)


def _date(values: list[str]) -> datetime | None:
    """When the server answered: its ``Date`` header (IMF-fixdate is GMT: a zone-less one is
    taken as UTC). Of several (a proxy's beside the origin's), the earliest: a later one must
    never make a read look newer than it was. None without a readable one."""
    moments = []
    for value in values:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            continue
        moments.append(moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC))
    return min(moments, default=None)
