"""OAuth 2.0 token endpoint: client credentials and JWT bearer grants (Salesforce Help,
"OAuth 2.0 Client Credentials Flow" and "OAuth 2.0 JWT Bearer Flow")."""

from __future__ import annotations

import base64
import secrets
import threading
import time
from dataclasses import dataclass

import jwt

JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"


@dataclass
class ConnectedApp:
    client_id: str
    client_secret: str
    public_key_pem: str | None
    run_as_username: str


class OAuthError(Exception):
    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status


class TokenIssuer:
    def __init__(self) -> None:
        self.apps: dict[str, ConnectedApp] = {}
        self.usernames: set[str] = set()
        self.tokens: dict[str, tuple[float, str]] = {}  # token -> (expiry, username)
        self.session_timeout_s = 7200.0
        self._lock = threading.Lock()

    def issue(self, form: dict[str, str], authorization: str | None) -> tuple[str, str]:
        grant = form.get("grant_type", "")
        if grant == "client_credentials":
            client_id, client_secret = form.get("client_id", ""), form.get("client_secret", "")
            if authorization and authorization.lower().startswith("basic "):
                decoded = base64.b64decode(authorization[6:]).decode()
                client_id, _, client_secret = decoded.partition(":")
            app = self.apps.get(client_id)
            if app is None:
                raise OAuthError("invalid_client_id", "client identifier invalid")
            if not secrets.compare_digest(app.client_secret, client_secret):
                raise OAuthError("invalid_client", "invalid client credentials")
            return self._token(app.run_as_username), app.run_as_username
        if grant == JWT_GRANT:
            return self._jwt(form.get("assertion", ""))
        raise OAuthError("unsupported_grant_type", "grant type not supported")

    def _jwt(self, assertion: str) -> tuple[str, str]:
        try:
            claims = jwt.decode(assertion, options={"verify_signature": False})
        except jwt.PyJWTError as exc:
            raise OAuthError("invalid_grant", "invalid assertion") from exc
        app = self.apps.get(str(claims.get("iss", "")))
        if app is None or app.public_key_pem is None:
            raise OAuthError("invalid_client_id", "client identifier invalid")
        try:
            jwt.decode(
                assertion,
                app.public_key_pem,
                algorithms=["RS256"],
                options={"verify_aud": False, "require": ["exp", "sub", "iss"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise OAuthError("invalid_grant", "expired authorization code") from exc
        except jwt.PyJWTError as exc:
            raise OAuthError("invalid_grant", "invalid assertion") from exc
        username = str(claims["sub"])
        if username not in self.usernames:
            raise OAuthError("invalid_grant", "user hasn't approved this consumer")
        return self._token(username), username

    def _token(self, username: str) -> str:
        token = "00D!" + secrets.token_urlsafe(48)
        with self._lock:
            self.tokens[token] = (time.monotonic() + self.session_timeout_s, username)
        return token

    def check(self, authorization: str | None) -> str | None:
        if not authorization or not authorization.startswith("Bearer "):
            return None
        with self._lock:
            entry = self.tokens.get(authorization[7:])
        if entry is None or entry[0] < time.monotonic():
            return None
        return entry[1]

    def expire_all(self) -> None:
        with self._lock:
            self.tokens.clear()
