"""Why a request at the door was turned away: HTTP status and a reason for the caller."""

from __future__ import annotations


class RequestRejectedError(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
