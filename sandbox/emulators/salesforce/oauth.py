"""The OAuth 2.0 token endpoint (``POST /services/oauth2/token``) and the sessions it opens.

Grants (Salesforce Help, "OAuth 2.0 Client Credentials Flow for Server-to-Server
Integration" and "OAuth 2.0 JWT Bearer Flow for Server-to-Server Integration"):

- ``grant_type=client_credentials`` with ``client_id``/``client_secret`` in the form or in
  an HTTP Basic header; the session runs as the connected app's "run as" user.
- ``grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer`` with ``assertion``: an RS256
  JWT whose ``iss`` is the consumer key, ``sub`` the username, ``aud`` the login URL and
  ``exp`` a few minutes ahead, signed with the key of the certificate on the app.

Errors are ``400 {"error", "error_description"}`` with the platform's texts:
``invalid_client_id``/``client identifier invalid``, ``invalid_client``/``invalid client
credentials``, ``unsupported_grant_type``/``grant type not supported``, and for JWTs
``invalid_grant`` with ``invalid assertion``, ``expired authorization code``, ``audience is
invalid`` or ``user hasn't approved this consumer``.

Success: ``{"access_token", "signature", "scope", "instance_url", "id", "token_type":
"Bearer", "issued_at"}`` (``id`` is the identity URL ``.../id/<org id>/<user id>``;
``issued_at`` milliseconds since the epoch). A session lasts ``session_timeout_s``; after
that the REST API answers 401 INVALID_SESSION_ID.
"""

from __future__ import annotations

import base64
import binascii
import secrets
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import unquote_plus

import jwt

JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
LOGIN_AUDIENCES = ("https://login.salesforce.com", "https://test.salesforce.com")


@dataclass(frozen=True)
class ConnectedApp:
    client_id: str
    client_secret: str
    public_key_pem: str | None
    run_as_username: str


class OAuthError(Exception):
    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description
        self.status = status

    def body(self) -> dict[str, str]:
        return {"error": self.error, "error_description": self.description}


@dataclass
class _Session:
    username: str
    opened: float  # time.monotonic()


class TokenIssuer:
    """Connected apps, approved users and open sessions."""

    def __init__(self, org_id: str, audiences: tuple[str, ...]) -> None:
        self.org_id = org_id
        self.audiences = (*LOGIN_AUDIENCES, *audiences)
        self.apps: dict[str, ConnectedApp] = {}
        self.users: set[str] = set()
        self.session_timeout_s = 7200.0
        self._sessions: dict[str, _Session] = {}
        self._lock = threading.Lock()

    # -- granting ------------------------------------------------------------------------

    def grant(self, form: Mapping[str, str], authorization: str | None) -> str:
        """The username a token request authenticates (``OAuthError`` when refused)."""
        grant_type = form.get("grant_type", "")
        if grant_type == "client_credentials":
            return self._client_credentials(form, authorization)
        if grant_type == JWT_BEARER:
            return self._jwt_bearer(form.get("assertion", ""))
        raise OAuthError("unsupported_grant_type", "grant type not supported")

    def _client_credentials(self, form: Mapping[str, str], authorization: str | None) -> str:
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        if authorization and authorization[:6].lower() == "basic ":
            try:
                decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode()
            except (binascii.Error, UnicodeDecodeError) as exc:
                raise OAuthError("invalid_client", "invalid client credentials") from exc
            raw_id, _, raw_secret = decoded.partition(":")
            client_id, secret = unquote_plus(raw_id), unquote_plus(raw_secret)
        app = self.apps.get(client_id)
        if app is None:
            raise OAuthError("invalid_client_id", "client identifier invalid")
        if not secrets.compare_digest(app.client_secret.encode(), secret.encode()):
            raise OAuthError("invalid_client", "invalid client credentials")
        return app.run_as_username

    def _jwt_bearer(self, assertion: str) -> str:
        try:
            unverified = jwt.decode(assertion, options={"verify_signature": False})
        except jwt.PyJWTError as exc:
            raise OAuthError("invalid_grant", "invalid assertion") from exc
        app = self.apps.get(str(unverified.get("iss", "")))
        if app is None:
            raise OAuthError("invalid_client_id", "client identifier invalid")
        if app.public_key_pem is None:
            raise OAuthError("invalid_grant", "invalid assertion")
        try:
            claims = jwt.decode(
                assertion,
                app.public_key_pem,
                algorithms=["RS256"],
                audience=list(self.audiences),
                options={"require": ["iss", "sub", "aud", "exp"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise OAuthError("invalid_grant", "expired authorization code") from exc
        except jwt.InvalidAudienceError as exc:
            raise OAuthError("invalid_grant", "audience is invalid") from exc
        except jwt.PyJWTError as exc:
            raise OAuthError("invalid_grant", "invalid assertion") from exc
        username = str(claims["sub"])
        if username not in self.users:
            raise OAuthError("invalid_grant", "user hasn't approved this consumer")
        return username

    # -- sessions ------------------------------------------------------------------------

    def open_session(self, username: str) -> str:
        token = f"{self.org_id[:15]}!{secrets.token_urlsafe(72)}"
        with self._lock:
            self._sessions[token] = _Session(username, time.monotonic())
        return token

    def session_user(self, authorization: str | None) -> str | None:
        """The username behind ``Authorization: Bearer <token>``, if the session is live."""
        token = _bearer(authorization)
        if token is None:
            return None
        with self._lock:
            session = self._sessions.get(token)
            if session is None:
                return None
            if time.monotonic() - session.opened >= self.session_timeout_s:
                del self._sessions[token]
                return None
            return session.username

    def end_session(self, authorization: str | None) -> None:
        token = _bearer(authorization)
        with self._lock:
            self._sessions.pop(token or "", None)

    def end_all_sessions(self) -> None:
        with self._lock:
            self._sessions.clear()


def _bearer(authorization: str | None) -> str | None:
    scheme, _, token = (authorization or "").strip().partition(" ")
    if scheme.lower() not in {"bearer", "oauth"} or not token.strip():
        return None
    return token.strip()
