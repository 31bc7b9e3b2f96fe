"""Auth, the httpx.Client, retries: the only place that talks HTTP to Salesforce."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import httpx

from shared.connectors.base import ApiError, PolicyRunner, RetrySettings
from shared.connectors.salesforce.errors import POLICY, api_error, permanent
from shared.connectors.salesforce.models import TokenResponse
from shared.connectors.salesforce.settings import SalesforceSecrets, SalesforceSettings
from shared.errors import ConfigurationError
from shared.jsonutil import dumps, loads

SYSTEM = "salesforce"
JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"


class SalesforceAuth:
    """Gets and caches an access token with the connection's OAuth flow."""

    def __init__(
        self, http: httpx.Client, settings: SalesforceSettings, secrets: SalesforceSecrets
    ) -> None:
        self._http = http
        self._settings = settings
        self._secrets = secrets
        self._token: TokenResponse | None = None

    @property
    def token_url(self) -> str:
        return str(self._settings.login_url).rstrip("/") + "/services/oauth2/token"

    def token(self) -> TokenResponse:
        if self._token is None:
            self._token = self._request_token()
        return self._token

    def invalidate(self) -> None:
        self._token = None

    def _request_token(self) -> TokenResponse:
        """Ask for a token; a refusal goes to the error policy like any other answer (runs
        inside ``SalesforceClient.request``'s policy loop): a login rate limit waits and
        retries, refused credentials are an ``AuthenticationError``."""
        response = self._http.post(self.token_url, data=self._grant())
        if response.status_code != 200:
            raise api_error(response)
        return TokenResponse.model_validate(loads(response.content))

    def _grant(self) -> dict[str, str]:
        s = self._settings
        if s.auth_flow == "client_credentials":
            secret = self._secrets.client_secret
            if secret is None:
                raise ConfigurationError("secret.crm.client_secret is required")
            return {
                "grant_type": "client_credentials",
                "client_id": s.client_id,
                "client_secret": secret.get_secret_value(),
            }
        key = self._secrets.private_key
        if key is None or not s.username:
            raise ConfigurationError(
                "crm.username and secret.crm.private_key are required for the jwt_bearer flow"
            )
        claims = {
            "iss": s.client_id,
            "sub": s.username,
            "aud": str(s.login_url).rstrip("/"),
            "exp": int(time.time()) + 180,
        }
        import jwt  # only the JWT bearer flow needs it (and cryptography): keep it off cold starts

        assertion = jwt.encode(claims, key.get_secret_value(), algorithm="RS256")
        return {"grant_type": JWT_GRANT, "assertion": assertion}


class SalesforceClient:
    """REST calls under the error policy, with the data path ``/services/data/vXX.X``."""

    def __init__(
        self,
        http: httpx.Client,
        settings: SalesforceSettings,
        secrets: SalesforceSecrets,
        retry: RetrySettings | None = None,
    ) -> None:
        self._http = http
        self._settings = settings
        self.auth = SalesforceAuth(http, settings, secrets)
        self._runner = PolicyRunner(SYSTEM, POLICY, self.auth.invalidate, permanent, retry)
        self.sleep = (retry or RetrySettings()).sleep  # how waiting is done (tests record it)
        self.calls = 0  # API calls made, for the "calls per business change" number

    @property
    def integration_user_id(self) -> str | None:
        """The User Id ledgerlink writes as, where the connection names it."""
        return self._settings.integration_user_id

    @property
    def data_path(self) -> str:
        return f"/services/data/v{self._settings.api_version}"

    def request(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """Send one request; ``path`` is relative to the data path unless it starts with
        ``/services/``. Answers with status >= 300 become typed errors via the policy."""

        def call() -> httpx.Response:
            token = self.auth.token()
            url = token.instance_url.rstrip("/") + (
                path if path.startswith("/services/") else self.data_path + path
            )
            all_headers = {"Authorization": f"Bearer {token.access_token}"}
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
            if response.status_code >= 300:
                raise api_error(response)
            return response

        return self._runner.run(call)

    def json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.request(method, path, **kwargs)
        return loads(response.content) if response.content else None


__all__ = ["ApiError", "SalesforceAuth", "SalesforceClient"]
