"""Action-endpoint signatures, Stripe style:

``X-Ledgerlink-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">``
keyed by the connection's action secret, accepted within a 5-minute tolerance.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence

from shared.errors import RequestRejectedError

HEADER = "X-Ledgerlink-Signature"
TOLERANCE_S = 300


def sign(secret: str, body: bytes, timestamp: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(header: str | None, secret: str | Sequence[str], body: bytes, now: float) -> None:
    """Raise RequestRejectedError (401) unless ``header`` signs ``body`` with ``secret`` (or
    one of several: the current and the previous one while a rotation is under way)."""
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
    expected = [sign(known, body, timestamp).rpartition("v1=")[2] for known in secrets]
    if not expected:  # an unknown connection: answered exactly like a wrong signature
        raise RequestRejectedError(401, f"{HEADER}: signature does not match")
    if not any(hmac.compare_digest(e, g) for e in expected for g in given):
        raise RequestRejectedError(401, f"{HEADER}: signature does not match")
