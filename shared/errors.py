"""Typed exceptions. What matters to the caller is the disposition, not the message text.

- ``RetryableError``: try again later (SQS redelivers the message; at its last delivery the
  worker publishes a fresh copy, a bounded number of times, then moves it to the DLQ with
  ``reason``: shared/queue_worker.py).
- ``PermanentError``: retrying cannot help (bad data, rejected by the other system,
  misconfiguration). The worker moves the message to the DLQ at once, with ``reason``.
"""

from __future__ import annotations


class LedgerlinkError(Exception):
    """Base of every error ledgerlink raises on purpose. ``system`` names the external system
    whose answer (or silence) it reports, where one did: the connectors' retry loop sets it,
    so the outage logic knows which system of a connection to pause."""

    system: str | None = None

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class RetryableError(LedgerlinkError):
    """A transient failure: the same work may succeed later."""


class RateLimitedError(RetryableError):
    """The other system asked us to slow down."""

    def __init__(self, reason: str, retry_after_s: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after_s = retry_after_s


class TransportError(RetryableError):
    """The request may or may not have reached the other system (timeouts, 5xx, lost answers)."""


class DeadlineExceededError(TransportError):
    """The invocation has no time left for another call or wait: try again in a later one."""


class LinkPendingError(RetryableError):
    """Another worker is creating the counterpart of this record right now."""


class DependencyPendingError(RetryableError):
    """The record refers to another one not synced yet (a task's project): its message comes
    back later. It says nothing about any system's health (no outage counts it) and is not
    retried within the call."""


class PermanentError(LedgerlinkError):
    """Retrying cannot help: the message goes to the DLQ with ``reason``."""


class RecordSkippedError(PermanentError):
    """The other system's side chose to write nothing for this record (a duplicate met where
    the connection says skip): an outcome to list with its reason, not a failure."""


class AuthenticationError(PermanentError):
    """Credentials were refused (after a refresh): an operator must fix the connection."""


class RecordRejectedError(PermanentError):
    """The other system refused the record's content (missing required field, bad value...)."""

    def __init__(self, system: str, reason: str, code: str | None = None) -> None:
        super().__init__(f"{system} rejected the record: {reason}")
        self.system = system
        self.code = code
        self.detail = reason


class NotFoundError(PermanentError):
    """The record does not exist (any more) in the other system."""


class ConfigurationError(PermanentError):
    """A connection's configuration is invalid; the message names the field."""


class ValidationFailedError(PermanentError):
    """Input failed validation before any external call (e.g. a workflow precondition)."""


class RequestRejectedError(Exception):
    """A request at one of our doors was turned away: HTTP status and a reason for the
    caller (never a 5xx from our own logic: those are our defects; the one 5xx a door gives
    on purpose is 503 with ``retry_after_s`` when a vendor it must read is unavailable)."""

    def __init__(self, status: int, reason: str, retry_after_s: int | None = None) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.retry_after_s = retry_after_s


class SetupRefusedError(ConfigurationError):
    """Setting up a connection was refused; the reason names the field or the check."""
