"""Web Services senders and API sessions.

The control block's sender ID and password are checked first (a wrong pair fails the
whole request at control level); then the operation authenticates either with
``<login>`` (user ID, company ID, password) or with a ``<sessionid>`` from
``getAPISession`` (developer.intacct.com "API Sessions").

Sessions: "The session timeout is calculated based on the session duration … plus the
current time. A timeout occurs if the session timeout is reached before any subsequent
API calls are made. If a call occurs before the projected timeout, it is reset to the
current time plus the session duration." Each authenticated response reports the
projected timeout in ``<sessiontimeout>``.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass
class Sender:
    sender_id: str
    password: str
    companies: frozenset[str] | None  # None: authorized for every company


@dataclass
class Session:
    sessionid: str
    company_id: str
    user_id: str
    locationid: str
    expires_at: datetime


class Senders:
    def __init__(self) -> None:
        self._senders: dict[str, Sender] = {}

    def add(self, sender_id: str, password: str, companies: frozenset[str] | None) -> None:
        self._senders[sender_id] = Sender(sender_id, password, companies)

    def check(self, sender_id: str, password: str) -> Sender | None:
        sender = self._senders.get(sender_id)
        if sender is None or not secrets.compare_digest(sender.password, password):
            return None
        return sender


class Sessions:
    """Live sessions by ID; the caller holds the emulator lock."""

    def __init__(self) -> None:
        self._sessions: dict[str, Session] = {}

    def open(
        self, company_id: str, user_id: str, locationid: str, now: datetime, timeout_s: float
    ) -> Session:
        sessionid = secrets.token_urlsafe(24).replace("-", "x").replace("_", "y") + ".."
        session = Session(
            sessionid, company_id, user_id, locationid, now + timedelta(seconds=timeout_s)
        )
        self._sessions[sessionid] = session
        return session

    def use(self, sessionid: str, now: datetime, timeout_s: float) -> Session | None:
        """The live session (its timeout pushed out), or None if unknown or timed out."""
        session = self._sessions.get(sessionid)
        if session is None:
            return None
        if now >= session.expires_at:
            del self._sessions[sessionid]
            return None
        session.expires_at = now + timedelta(seconds=timeout_s)
        return session

    def expire(self, sessionid: str) -> None:
        self._sessions.pop(sessionid, None)

    def expire_user(self, company_id: str, user_id: str) -> None:
        for key, session in list(self._sessions.items()):
            if session.company_id == company_id and session.user_id == user_id:
                del self._sessions[key]

    def clear(self) -> None:
        self._sessions.clear()
