"""Action-endpoint signatures, Stripe style, covering the route as well as the body:

``X-Ledgerlink-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<route>.<raw body>">``
keyed by the connection's action secret, accepted within a 5-minute tolerance. ``route`` is
the request's path from ``actions/`` on, without a leading or trailing slash
(``actions/<connection_id>/contracts/800.../sync``): a body signed for one record's button
cannot be replayed against another record's, or another connection's.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from urllib.parse import urlsplit

from shared.errors import RequestRejectedError

HEADER = "X-Ledgerlink-Signature"
TOLERANCE_S = 300


def route_of(url: str) -> str:
    """The signed route of an action URL or path: from its ``actions`` segment on."""
    parts = urlsplit(url).path.strip("/").split("/")
    start = parts.index("actions") if "actions" in parts else 0
    return "/".join(parts[start:])


def sign(secret: str, body: bytes, timestamp: int, url: str) -> str:
    """The header for a POST of ``body`` to ``url`` (an action URL, or its path)."""
    message = f"{timestamp}.{route_of(url)}.".encode() + body
    digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(
    header: str | None, secret: str | Sequence[str], body: bytes, now: float, url: str
) -> None:
    """Raise RequestRejectedError (401) unless ``header`` signs ``body`` posted to ``url``
    with ``secret`` (or one of several: the current and the previous one while a rotation is
    under way)."""
    secrets = (secret,) if isinstance(secret, str) else tuple(secret)
    if not header:
        raise RequestRejectedError(401, f"missing {HEADER} header")
    parts: dict[str, list[str]] = {}
    for item in header.split(","):
        key, sep, value = item.strip().partition("=")
        if sep:
            parts.setdefault(key, []).append(value)
    try:
        timestamp = int(parts.get("t", [""])[0])
    except ValueError as exc:
        raise RequestRejectedError(401, f"{HEADER}: t= must be unix seconds") from exc
    if abs(now - timestamp) > TOLERANCE_S:
        raise RequestRejectedError(401, f"{HEADER}: timestamp outside the 5-minute tolerance")
    given = parts.get("v1", [])
    expected = [sign(known, body, timestamp, url).rpartition("v1=")[2] for known in secrets]
    if not expected:  # an unknown connection: answered exactly like a wrong signature
        raise RequestRejectedError(401, f"{HEADER}: signature does not match")
    if not any(hmac.compare_digest(e, g) for e in expected for g in given):
        raise RequestRejectedError(401, f"{HEADER}: signature does not match")
