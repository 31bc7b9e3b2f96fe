"""The Zoho accounts server, as both Zoho plug-ins use it: the OAuth 2.0 refresh-token grant.

``POST {accounts_url}/oauth/v2/token`` with ``grant_type=refresh_token``, ``client_id``,
``client_secret`` and ``refresh_token`` in the form body (Zoho Accounts, "Access Token
Expiry"); the answer ``{"access_token", "api_domain", "token_type", "expires_in": 3600}``
names the API's base URL. Zoho limits how often a refresh token may be used (Zoho CRM "Token
Validity"; Zoho Books "API Call Limit"), so a token is kept for its hour, less a minute.
Refusals come back with HTTP 200 and ``{"error": …}``: the caller's error policy reads them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any, Protocol

import httpx
from pydantic import BaseModel, ConfigDict

from shared.connectors.base import ApiError, retry_after
from shared.jsonutil import dumps, loads

TOKEN_MARGIN_S = 60


class TokenResponse(BaseModel):
    model_config = ConfigDict(extra="ignore")

    access_token: str
    api_domain: str
    token_type: str = "Bearer"  # noqa: S105 - the OAuth token type, not a secret
    expires_in: int = 3600


def token_error(response: httpx.Response) -> ApiError:
    """The accounts server's refusal (``{"error", "error_description"}``) as an ApiError."""
    try:
        body: Any = loads(response.content) if response.content else None
    except ValueError:
        body = None
    if isinstance(body, dict) and "error" in body:
        error = str(body["error"])
        return ApiError(response.status_code, error, str(body.get("error_description", error)))
    return ApiError(response.status_code, None, response.reason_phrase or "no body")


class ZohoSide(Protocol):
    """What both Zoho plug-ins' settings name about the accounts server."""

    @property
    def accounts_url(self) -> Any: ...

    @property
    def client_id(self) -> str: ...


class ZohoSecrets(Protocol):
    @property
    def client_secret(self) -> Any: ...

    @property
    def refresh_token(self) -> Any: ...


class ZohoAuth:
    """Gets and caches an access token from the refresh token. Shared by both Zoho plug-ins:
    each names its own settings and secrets."""

    @classmethod
    def of(cls, http: httpx.Client, settings: ZohoSide, secrets: ZohoSecrets) -> ZohoAuth:
        """The accounts server client a Zoho connection side names."""
        return cls(
            http,
            str(settings.accounts_url),
            settings.client_id,
            secrets.client_secret.get_secret_value(),
            secrets.refresh_token.get_secret_value(),
        )

    def send(
        self,
        http: httpx.Client,
        method: str,
        url: str,
        *,
        body: Any = None,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """One API request under the current access token (``Zoho-oauthtoken``), JSON body."""
        token = self.token()
        all_headers = {"Authorization": f"Zoho-oauthtoken {token.access_token}"}
        if body is not None:
            all_headers["Content-Type"] = "application/json"
        all_headers.update(headers or {})
        return http.request(
            method,
            token.api_domain.rstrip("/") + url,
            content=dumps(body) if body is not None else None,
            params=params,
            headers=all_headers,
        )

    def __init__(
        self,
        http: httpx.Client,
        accounts_url: str,
        client_id: str,
        client_secret: str,
        refresh_token: str,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._http = http
        self._accounts_url = accounts_url.rstrip("/")
        self._client_id = client_id
        self._client_secret = client_secret
        self._refresh_token = refresh_token
        self._clock = clock
        self._token: TokenResponse | None = None
        self._expires_at = 0.0
        self.refreshes = 0

    def token(self) -> TokenResponse:
        if self._token is None or self._clock() >= self._expires_at:
            self._token = self._request_token()
            self._expires_at = self._clock() + max(self._token.expires_in - TOKEN_MARGIN_S, 0)
        return self._token

    def invalidate(self) -> None:
        self._token = None

    def _request_token(self) -> TokenResponse:
        """A refusal goes to the caller's error policy like any other answer (this runs inside
        the client's policy loop): too many refreshes wait, refused credentials are an
        ``AuthenticationError``."""
        self.refreshes += 1
        response = self._http.post(
            self._accounts_url + "/oauth/v2/token",
            data={
                "grant_type": "refresh_token",
                "client_id": self._client_id,
                "client_secret": self._client_secret,
                "refresh_token": self._refresh_token,
            },
        )
        try:
            body = loads(response.content) if response.content else {}
        except ValueError:
            body = None  # not JSON (a proxy's error page): read as the failure it is
        if response.status_code != 200 or not isinstance(body, dict) or "access_token" not in body:
            raise token_error(response)
        return TokenResponse.model_validate(body)


def api_error(response: httpx.Response) -> ApiError:
    """The error a failed Zoho answer carries, for both Zoho APIs: the API's ``{code,
    message}`` or the accounts server's ``{error, error_description}``."""
    wait = retry_after(response)
    try:
        body = loads(response.content) if response.content else None
    except ValueError:
        body = None
    if isinstance(body, dict) and "code" in body:
        return ApiError(response.status_code, str(body["code"]), str(body.get("message", "")), wait)
    if isinstance(body, dict) and "error" in body:
        return ApiError(
            response.status_code,
            str(body["error"]),
            str(body.get("error_description", body["error"])),
            wait,
        )
    return ApiError(response.status_code, None, response.reason_phrase or "no body", wait)
