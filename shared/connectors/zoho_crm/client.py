"""Auth, the httpx.Client, retries: the only place that talks HTTP to Zoho CRM.

Access tokens come from the accounts server (:mod:`shared.connectors.zoho_accounts`) and go
as ``Authorization: Zoho-oauthtoken <token>`` to ``{api_domain}/crm/v8/…``, the API domain
the token answer names.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from shared.connectors.base import ApiError, PolicyRunner, RetrySettings
from shared.connectors.zoho_accounts import ZohoAuth, api_error
from shared.connectors.zoho_crm.errors import POLICY, SYSTEM, permanent
from shared.connectors.zoho_crm.settings import ZohoCrmSecrets, ZohoCrmSettings
from shared.errors import TransportError
from shared.jsonutil import loads

API_VERSION = "v8"


class ZohoCrmClient:
    """REST calls under the error policy, relative to ``{api_domain}/crm/v8``."""

    def __init__(
        self,
        http: httpx.Client,
        settings: ZohoCrmSettings,
        secrets: ZohoCrmSecrets,
        retry: RetrySettings | None = None,
    ) -> None:
        self._http = http
        self.settings = settings
        self.auth = ZohoAuth.of(http, settings, secrets)
        self._runner = PolicyRunner(SYSTEM, POLICY, self.auth.invalidate, permanent, retry)
        self.calls = 0

    def request(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        per_record: bool = False,
    ) -> Any:
        """One call; the JSON answer (None for 204). With ``per_record`` a 4xx whose body is
        a ``data`` (or ``watch``) list of per-item answers is an answer, not a failure."""

        def call() -> Any:
            self.calls += 1
            response = self.auth.send(
                self._http,
                method,
                f"/crm/{API_VERSION}/{path.lstrip('/')}",
                body=body,
                params=params,
                headers=headers,
            )
            if response.status_code == 204 or not response.content:
                if response.status_code >= 300:
                    raise api_error(response)
                return None
            if response.status_code >= 300:
                if per_record and response.status_code < 500:
                    parsed = _json_or_none(response)
                    if isinstance(parsed, dict) and any(
                        isinstance(parsed.get(k), list) for k in ("data", "watch")
                    ):
                        return parsed
                raise api_error(response)
            answer = _json_or_none(response)
            if answer is None:  # a success whose answer was cut: it may have been done
                raise TransportError("zoho_crm answered unreadably")
            return answer

        return self._runner.run(call)


def _json_or_none(response: httpx.Response) -> Any:
    try:
        return loads(response.content)
    except ValueError:
        return None


__all__ = ["ApiError", "ZohoCrmClient"]
