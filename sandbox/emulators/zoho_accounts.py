"""The Zoho accounts server as both Zoho emulators serve it: the OAuth 2.0 refresh-token grant,
and the clock and ids the two emulated Zoho services share.

``POST {accounts_url}/oauth/v2/token`` with ``grant_type=refresh_token``, ``client_id``,
``client_secret`` and ``refresh_token``, sent in the form body or the query string (Zoho
Accounts, "Access Token Expiry": "(1) Query String ... (2) Request Body ... form-data or
x-www-form-urlencoded"). A success is ``{"access_token", "api_domain", "token_type":
"Bearer", "expires_in": 3600}``; the ``api_domain`` is the base URL of the API (in the sandbox,
the emulator's own). Refusals come back as ``{"error": "invalid_client"}`` /
``{"error": "invalid_code"}`` with HTTP 200, as Zoho's accounts server answers them (Zoho CRM
developer docs, "OAuth Authentication: Refresh Access Tokens"; Kaizen #4 "Troubleshooting
OAuth2.0"). More than ten refreshes a minute per refresh token are refused with HTTP 400
``{"error": "Access Denied", "error_description": "You have made too many requests
continuously. Please try again after some time."}`` (Zoho's documented limit on token
refreshes; the exact threshold is the emulator's choice).

Access tokens last an hour of the emulator's clock; ``expire_all`` ends them early (the fault
``expire_session``).
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from werkzeug.wrappers import Request, Response

from sandbox.emulators.protocol import ProvisionedSide
from shared.jsonutil import dumps

TOKEN_PATH = "/oauth/v2/token"
TOKEN_LIFETIME = timedelta(hours=1)
REFRESHES_PER_MINUTE = 10


def _system_now() -> datetime:
    return datetime.now(UTC)


class Clock:
    """UTC wall time truncated to whole seconds (Zoho stamps records to the second), shifted
    by :meth:`advance`."""

    def __init__(self, now: Callable[[], datetime] | None = None) -> None:
        self._source = now or _system_now
        self._offset = timedelta(0)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            offset = self._offset
        wall = self._source()
        if wall.tzinfo is None:
            wall = wall.replace(tzinfo=UTC)
        return (wall.astimezone(UTC) + offset).replace(microsecond=0)

    def advance(self, delta: timedelta) -> None:
        with self._lock:
            self._offset += delta


class Ids:
    """Zoho record ids: numbers of a fixed width sent as strings, an account's prefix first
    (Zoho CRM: 19 digits, ``4150868000000224005``; Zoho Books: 15, ``460000000026049``)."""

    def __init__(self, prefix: int, digits: int) -> None:
        self._next = prefix * 10 ** (digits - len(str(prefix))) + 1000
        self._lock = threading.Lock()

    def next(self) -> str:
        with self._lock:
            self._next += 1
            return str(self._next)


@dataclass
class OAuthClient:
    client_id: str
    client_secret: str
    refresh_tokens: set[str] = field(default_factory=set)


@dataclass
class Grant:
    client_id: str
    expires_at: datetime


class AccountsServer:
    """Clients, their refresh tokens, and the access tokens handed out."""

    def __init__(self, clock: Clock, api_domain: Callable[[], str]) -> None:
        self._clock = clock
        self._api_domain = api_domain
        self._clients: dict[str, OAuthClient] = {}
        self._tokens: dict[str, Grant] = {}
        self._refreshes: dict[str, list[datetime]] = {}
        self._lock = threading.Lock()
        self.refreshes_per_minute = REFRESHES_PER_MINUTE

    def add_client(self) -> tuple[str, str, str]:
        """A self client with one refresh token: (client_id, client_secret, refresh_token)."""
        client_id = "1000." + secrets.token_hex(15).upper()
        client = OAuthClient(client_id, secrets.token_hex(21))
        refresh = f"1000.{secrets.token_hex(16)}.{secrets.token_hex(16)}"
        client.refresh_tokens.add(refresh)
        with self._lock:
            self._clients[client_id] = client
        return client_id, client.client_secret, refresh

    def grant(self, token: str) -> Grant | None:
        """The live grant behind an access token, if any."""
        with self._lock:
            grant = self._tokens.get(token)
        if grant is None or grant.expires_at <= self._clock.now():
            return None
        return grant

    def expire_all(self) -> None:
        with self._lock:
            self._tokens.clear()

    def handle(self, request: Request) -> Response:
        if request.method != "POST":
            return _json({"error": "invalid_request"}, 405)
        values = {**request.args.to_dict(), **request.form.to_dict()}
        if values.get("grant_type") != "refresh_token":
            return _json({"error": "unsupported_grant_type"})
        with self._lock:
            client = self._clients.get(values.get("client_id", ""))
            if client is None or not secrets.compare_digest(
                client.client_secret, values.get("client_secret", "")
            ):
                return _json({"error": "invalid_client"})
            refresh = values.get("refresh_token", "")
            if refresh not in client.refresh_tokens:
                return _json({"error": "invalid_code"})
            now = self._clock.now()
            recent = [t for t in self._refreshes.get(refresh, []) if now - t < timedelta(minutes=1)]
            if len(recent) >= self.refreshes_per_minute:
                return _json(
                    {
                        "error": "Access Denied",
                        "error_description": "You have made too many requests continuously. "
                        "Please try again after some time.",
                    },
                    400,
                )
            self._refreshes[refresh] = [*recent, now]
            token = f"1000.{secrets.token_hex(16)}.{secrets.token_hex(16)}"
            self._tokens[token] = Grant(client.client_id, now + TOKEN_LIFETIME)
        return _json(
            {
                "access_token": token,
                "api_domain": self._api_domain(),
                "token_type": "Bearer",
                "expires_in": int(TOKEN_LIFETIME.total_seconds()),
            }
        )


def provisioned_side(
    system: str,
    base_url: str,
    accounts: AccountsServer,
    settings: dict[str, Any],
    endpoints: dict[str, Any],
) -> ProvisionedSide:
    """A Zoho side for ledgerlink: a self client with a refresh token on this emulator's
    accounts server, plus the system's own ``settings`` and ``endpoints``."""
    client_id, client_secret, refresh = accounts.add_client()
    return ProvisionedSide(
        system=system,
        settings={"accounts_url": base_url, "client_id": client_id, **settings},
        secrets={"client_secret": client_secret, "refresh_token": refresh},
        endpoints={
            "url": base_url,
            "accounts_url": base_url,
            "client_id": client_id,
            "client_secret": client_secret,
            "refresh_token": refresh,
            **endpoints,
        },
    )


def bearer(request: Request) -> str | None:
    """The token of an ``Authorization: Zoho-oauthtoken <token>`` header."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme != "Zoho-oauthtoken" or not token.strip():
        return None
    return token.strip()


def _json(body: object, status: int = 200) -> Response:
    return Response(dumps(body), status=status, content_type="application/json;charset=UTF-8")
