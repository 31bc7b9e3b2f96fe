"""Links to a record's page in the other system, made by ledgerlink and opened through its API.

A link is ``<api>/open/<connection_id>/<page>/<key>?sig=<hex>``: ``page`` names what the pair
can open (its ``record_pages``, e.g. ``project``), ``key`` the record, and ``sig`` is the hex
HMAC-SHA256 of the route ``open/<connection_id>/<page>/<key>`` keyed by the connection's
action secret (the key of the signed buttons, :mod:`shared.ingest.signatures`). A link signed
for one record, page or connection opens no other, and nobody without the secret can make
one. It carries no time: it is written once into a record (a URL field) and works as long as
the record exists and the secret that signed it is accepted — the current one, or the
previous one while a rotation is under way. Once a previous secret is retired, the links it
signed are refused like any link we did not make (answered 403).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Sequence
from urllib.parse import quote

from shared.errors import RequestRejectedError

PREFIX = "open"
SIG_PARAMETER = "sig"
_PART = re.compile(r"^[A-Za-z0-9_.-]{1,255}$")
_SIG = re.compile(r"^[0-9a-f]{64}$")


def route(connection_id: str, page: str, key: str) -> str:
    """The signed route: the link's path without a leading slash."""
    return f"{PREFIX}/{connection_id}/{page}/{key}"


def signature(secret: str, connection_id: str, page: str, key: str) -> str:
    message = route(connection_id, page, key).encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def compose(api_url: str, secret: str, connection_id: str, page: str, key: str) -> str:
    """The link to ``key``'s ``page``, through the API at ``api_url``."""
    for part in (connection_id, page, key):
        if not _PART.match(part):
            raise ValueError(f"not a link part: {part[:40]!r}")
    sig = signature(secret, connection_id, page, key)
    path = quote(route(connection_id, page, key))
    return f"{api_url.rstrip('/')}/{path}?{SIG_PARAMETER}={sig}"


def check_parts(page: str, key: str) -> None:
    """400 unless ``page`` and ``key`` could be parts of a link we make."""
    if not _PART.match(page):
        raise RequestRejectedError(400, "link names no page (letters, digits, _ . - only)")
    if not _PART.match(key):
        raise RequestRejectedError(400, "link names no record key (letters, digits, _ . - only)")


def verify(
    sig: str | None, secrets: str | Sequence[str], connection_id: str, page: str, key: str
) -> None:
    """Raise RequestRejectedError unless ``sig`` signs this link with one of ``secrets``:
    401 when there is no signature, 403 when it does not match (an unknown connection, no
    secrets, is answered exactly like a wrong signature)."""
    known = (secrets,) if isinstance(secrets, str) else tuple(secrets)
    if not sig:
        raise RequestRejectedError(401, f"link has no {SIG_PARAMETER} (open it from the record)")
    if not _SIG.match(sig):
        raise RequestRejectedError(403, f"link {SIG_PARAMETER} is not a signature")
    expected = [signature(s, connection_id, page, key) for s in known]
    if not any(hmac.compare_digest(e, sig) for e in expected):
        raise RequestRejectedError(
            403,
            "link signature does not match: not a link ledgerlink made for this record, "
            "or made with a secret since retired",
        )
