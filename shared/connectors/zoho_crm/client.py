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
from shared.connectors.zoho_accounts import ZohoAuth
from shared.connectors.zoho_crm.errors import POLICY, SYSTEM, api_error, permanent
from shared.connectors.zoho_crm.settings import ZohoCrmSecrets, ZohoCrmSettings
from shared.jsonutil import dumps, loads

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
        self.auth = ZohoAuth(
            http,
            str(settings.accounts_url),
            settings.client_id,
            secrets.client_secret.get_secret_value(),
            secrets.refresh_token.get_secret_value(),
        )
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
            token = self.auth.token()
            url = f"{token.api_domain.rstrip('/')}/crm/{API_VERSION}/{path.lstrip('/')}"
            all_headers = {"Authorization": f"Zoho-oauthtoken {token.access_token}"}
            if body is not None:
                all_headers["Content-Type"] = "application/json"
            all_headers.update(headers or {})
            self.calls += 1
            response = self._http.request(
                method,
                url,
                content=dumps(body) if body is not None else None,
                params=params,
                headers=all_headers,
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
            return loads(response.content)

        return self._runner.run(call)


def _json_or_none(response: httpx.Response) -> Any:
    try:
        return loads(response.content)
    except ValueError:
        return None


__all__ = ["ApiError", "ZohoCrmClient"]
