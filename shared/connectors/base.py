"""What every connector shares: the Connector protocol, error policy as data, and the one
retry loop that applies it.

A connector supplies its policy table (status / error code -> disposition) and a way to
refresh its credentials; the loop here decides whether to retry with backoff, refresh and
retry once, wait for a rate limit, or fail permanently.

A rate-limited answer waits as the other system says: its ``Retry-After`` (delay-seconds or
an HTTP-date, RFC 9110 section 10.2.3) travels from the client in ``ApiError.retry_after_s``
into ``RateLimitedError.retry_after_s``, and the wait honours it up to
``RetrySettings.rate_limit_wait_max_s``. A longer wait is not slept through: the call raises
``RateLimitedError`` at once, carrying ``retry_after_s`` for the caller to act on. Without
``Retry-After`` a rate limit backs off like a retry, growing up to the same bound.

Every call is bounded by the invocation's deadline (shared/deadlines.py): no attempt starts
with less than ``RetrySettings.min_attempt_s`` left, and no wait is begun that would end past
it; the last error then goes back to the caller (a ``DeadlineExceededError`` when not even the
first attempt could start). Every error the loop raises names its ``system``.

The loop is ours, a dozen lines (:func:`_retrying`): a bounded count of attempts, an
exponential backoff, and the two stops above (the count, the deadline) are all it needs;
tenacity, which it used before, cost every function's cold start ~3.5 ms of imports.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from enum import StrEnum
from typing import Any, NamedTuple, Protocol, TypeVar, runtime_checkable

import httpx

from shared import deadlines
from shared.errors import (
    AuthenticationError,
    DeadlineExceededError,
    DependencyPendingError,
    LedgerlinkError,
    RateLimitedError,
    RetryableError,
    TransportError,
)
from shared.models.records import SourceRecord, WriteResult

T = TypeVar("T")


class Disposition(StrEnum):
    RETRY = "retry"  # transient: back off and try again
    REFRESH_AUTH = "refresh_auth"  # credentials expired: refresh once, then try again
    RATE_LIMITED = "rate_limited"  # slow down: wait longer, then try again
    PERMANENT = "permanent"  # retrying cannot help


class ErrorRule(NamedTuple):
    """Match on HTTP status, the API's own error code and/or words of its message (case
    insensitive, for APIs that give one code several meanings); ``None`` matches anything."""

    disposition: Disposition
    status: int | None = None
    code: str | None = None
    message: str | None = None

    def matches(self, status: int | None, code: str | None, message: str = "") -> bool:
        return (
            (self.status is None or self.status == status)
            and (self.code is None or self.code == code)
            and (self.message is None or self.message.casefold() in message.casefold())
        )


class ErrorPolicy(NamedTuple):
    """An ordered table: the first matching rule wins; unmatched errors are permanent."""

    rules: tuple[ErrorRule, ...]

    def classify(self, status: int | None, code: str | None, message: str = "") -> Disposition:
        for rule in self.rules:
            if rule.matches(status, code, message):
                return rule.disposition
        return Disposition.PERMANENT


class ApiError(Exception):
    """An error answer, before the policy decides what it means; ``retry_after_s`` is the
    wait the answer asked for (its ``Retry-After``), if any."""

    def __init__(
        self,
        status: int | None,
        code: str | None,
        message: str,
        retry_after_s: float | None = None,
    ) -> None:
        super().__init__(f"{code or status}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.retry_after_s = retry_after_s


def retry_after(response: httpx.Response, now: datetime | None = None) -> float | None:
    """Seconds to wait from the response's ``Retry-After`` (delay-seconds or HTTP-date);
    None when absent or unreadable."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - (now or datetime.now(UTC))).total_seconds())


class _RefreshNeededError(Exception):
    """Internal: credentials must be refreshed before the next attempt."""


class CallPacer(Protocol):
    """Spaces calls to an API account shared by every container (shared/pacing.py)."""

    def before_call(self, account: str, per_minute: int) -> None:
        """Return when one more call to ``account`` keeps it under ``per_minute``; raise
        ``RateLimitedError`` (with ``retry_after_s``) when that is too far off to wait."""
        ...


class RetrySettings(NamedTuple):
    """``attempts`` per call; ordinary backoff from ``wait_min_s`` up to ``wait_max_s``; a
    rate limit waits what the answer asks, up to ``rate_limit_wait_max_s``; ``sleep`` is
    how waiting is done (tests pass a recorder)."""

    attempts: int = 4
    wait_min_s: float = 0.5
    wait_max_s: float = 8.0
    rate_limit_wait_max_s: float = 10.0  # below the shortest worker timeout (topology)
    sleep: Callable[[float], None] = time.sleep
    min_attempt_s: float = 0.5  # an attempt with less time left before the deadline is not begun
    # Where an API limits calls per account across containers, what spaces them (None: none);
    # a connector whose API has such a limit consults it before each call.
    pacer: CallPacer | None = None


class PolicyRunner:
    """Runs one API call under an ErrorPolicy, refreshing auth at most once per call."""

    def __init__(
        self,
        system: str,
        policy: ErrorPolicy,
        refresh_auth: Callable[[], None],
        on_permanent: Callable[[ApiError], Exception],
        retry: RetrySettings | None = None,
    ) -> None:
        self._system = system
        self._policy = policy
        self._refresh_auth = refresh_auth
        self._on_permanent = on_permanent
        self._retry = retry or RetrySettings()

    def run(self, call: Callable[[], T]) -> T:
        refreshed = False

        def attempt() -> T:
            nonlocal refreshed
            left = deadlines.remaining_s()
            if left is not None and left < self._retry.min_attempt_s:
                raise DeadlineExceededError(f"{self._system}: no time left for a call")
            try:
                return call()
            except httpx.TransportError as exc:
                raise TransportError(f"{self._system}: {type(exc).__name__}") from exc
            except ApiError as exc:
                disposition = self._policy.classify(exc.status, exc.code, exc.message)
                if disposition is Disposition.REFRESH_AUTH:
                    if refreshed:
                        raise AuthenticationError(
                            f"{self._system} refused fresh credentials: {exc.message}"
                        ) from exc
                    refreshed = True
                    self._refresh_auth()
                    raise _RefreshNeededError from exc
                if disposition is Disposition.RATE_LIMITED:
                    raise RateLimitedError(
                        f"{self._system} rate limit: {exc.message}", exc.retry_after_s
                    ) from exc
                if disposition is Disposition.RETRY:
                    raise TransportError(f"{self._system} {exc.code or exc.status}") from exc
                raise self._on_permanent(exc) from exc

        try:
            return _retrying(self._retry, attempt)
        except _RefreshNeededError as exc:  # refreshed on the last attempt: report as transient
            error = TransportError(f"{self._system}: credentials refreshed, retry")
            error.system = self._system
            raise error from exc
        except LedgerlinkError as exc:
            if exc.system is None:
                exc.system = self._system
            raise


def _retrying(settings: RetrySettings, attempt: Callable[[], T]) -> T:
    """``attempt`` until it returns or raises an error not worth retrying; after a failed
    attempt, the wait (:func:`_wait`) unless the attempts are spent or the wait would end
    too near the deadline (:func:`_stop`), when the attempt's error goes back instead."""
    number = 1  # of the attempt under way
    while True:
        try:
            return attempt()
        except (RetryableError, _RefreshNeededError) as exc:
            if not _worth_retrying(settings, exc):
                raise
            wait = _wait(settings, exc, number)
            if _stop(settings, number, wait):
                raise
            settings.sleep(wait)
        number += 1


def _stop(settings: RetrySettings, attempts: int, wait: float) -> bool:
    """Stop after ``attempts``, or when the wait ahead plus one attempt would end past the
    invocation's deadline."""
    if attempts >= settings.attempts:
        return True
    left = deadlines.remaining_s()
    return left is not None and wait + settings.min_attempt_s > left


def _worth_retrying(settings: RetrySettings, exc: BaseException) -> bool:
    """Retryable errors and refreshed credentials retry; a rate limit asking for a longer
    wait than we may sleep goes back to the caller instead."""
    if isinstance(exc, RateLimitedError) and exc.retry_after_s is not None:
        return exc.retry_after_s <= settings.rate_limit_wait_max_s
    if isinstance(exc, DependencyPendingError):
        return False  # the other record will not sync while we wait here
    return isinstance(exc, RetryableError | _RefreshNeededError)


def _wait(settings: RetrySettings, exc: BaseException, attempts: int) -> float:
    """The wait after ``attempts`` failed attempts, the last with ``exc``: none after
    refreshing credentials, what a rate limit asked for, else an exponential backoff from
    ``wait_min_s`` (doubling per attempt) up to its bound."""
    if isinstance(exc, _RefreshNeededError):
        return 0.0
    bound = settings.wait_max_s
    if isinstance(exc, RateLimitedError):
        if exc.retry_after_s is not None:
            return exc.retry_after_s  # within the bound: _worth_retrying checked it
        bound = settings.rate_limit_wait_max_s
    return min(settings.wait_min_s * 2.0 ** (attempts - 1), bound)


class Connector(Protocol):
    """The operations the sync engine needs from any system."""

    system: str  # the plug-in's name
    # Whether every save gives a record a new modification stamp (Salesforce's SystemModstamp,
    # milliseconds). Where not (Intacct's WHENMODIFIED is whole seconds), two versions can
    # share a stamp, and the poller and the engine compare content too.
    unique_stamps: bool
    # Whether reading a record back after writing it is cheap enough to do every time (it
    # gives exact hashes, values the system derived, and the new stamp). Where each read is
    # billed (Intacct), the engine keeps the hashes of what it wrote instead.
    cheap_reads: bool

    def check_access(self) -> None:
        """Prove the credentials work (sign in, one cheap read); raise the typed error."""
        ...

    def fetch(self, obj: str, key: str, fields: Sequence[str]) -> SourceRecord | None:
        """Read one record fresh by its key; None if it does not exist."""
        ...

    def fetch_many(
        self, obj: str, keys: Sequence[str], fields: Sequence[str]
    ) -> list[SourceRecord]:
        """Read several records fresh by their keys in as few calls as the API allows;
        keys that do not exist are left out."""
        ...

    def create(
        self,
        obj: str,
        fields: Mapping[str, Any],
        *,
        idempotency_key: str,
        external_key: tuple[str, str] | None = None,
    ) -> WriteResult:
        """Create a record so that a retry with the same idempotency key (or the same
        external key: a field holding the source's key, to upsert on or look up) can never
        create a second one."""
        ...

    def update(
        self, obj: str, key: str, fields: Mapping[str, Any], *, idempotency_key: str
    ) -> WriteResult:
        """Update the given fields of one record."""
        ...

    def write_many(self, obj: str, writes: Sequence[Write]) -> list[WriteAnswer]:
        """Creates and updates of one object in as few requests as the API allows (Salesforce
        sObject collections, Intacct several functions in one request), each with the same
        guarantees as ``create`` / ``update``. Answers come in the order of ``writes``, one
        each: its ``WriteResult``, or the typed error (``PermanentError``,
        ``RetryableError``) of that record alone. A failure of the whole request (transport,
        credentials, a rate limit outlasting the retries) raises instead."""
        ...

    def changed_since(
        self, obj: str, since: datetime | None, fields: Sequence[str], page_size: int
    ) -> Iterator[SourceRecord]:
        """Records modified at or after ``since`` (all of them when None), oldest first,
        ties in a stable order: what the poller reads."""
        ...


class Write(NamedTuple):
    """One record of a batched write: a create when ``key`` is None, else an update of the
    record with that key. ``idempotency_key`` and ``external_key`` mean what they mean for
    ``Connector.create``; ``read_back`` asks for the record as written."""

    fields: Mapping[str, Any]
    idempotency_key: str
    key: str | None = None
    external_key: tuple[str, str] | None = None
    # Fields to answer with (``WriteResult.record``): the record as the write left it, read
    # in the write's own request where the API allows; a connector that cannot leaves it out.
    read_back: tuple[str, ...] = ()


WriteAnswer = WriteResult | LedgerlinkError


def write_one_by_one(connector: Connector, obj: str, writes: Sequence[Write]) -> list[WriteAnswer]:
    """``write_many`` for an API with no batch write: one request per record, each record's
    own error kept as its answer. A failure of the connection itself (refused credentials, a
    deadline) still raises, as it would for the whole batch."""
    answers: list[WriteAnswer] = []
    for write in writes:
        try:
            if write.key is None:
                answers.append(
                    connector.create(
                        obj,
                        write.fields,
                        idempotency_key=write.idempotency_key,
                        external_key=write.external_key,
                    )
                )
            else:
                answers.append(
                    connector.update(
                        obj, write.key, write.fields, idempotency_key=write.idempotency_key
                    )
                )
        except (AuthenticationError, DeadlineExceededError):
            raise
        except LedgerlinkError as exc:
            answers.append(exc)
    return answers


@runtime_checkable
class SupportsCreatorCheck(Protocol):
    """A system whose records show who created them, for a connection that knows its own
    integration user: a record ledgerlink created is told apart from one a person made
    (``Identity.creator_field``). A connector that has this and creates records with an
    ``external_key`` makes that create an upsert on it (a retry finds the copy)."""

    @property
    def knows_own_user(self) -> bool:
        """Whether this connection names the user ledgerlink writes as."""
        ...

    def made_by_us(self, creator: object) -> bool:
        """Whether ``creator`` (a record's ``creator_field`` value) is that user."""
        ...


@runtime_checkable
class SupportsCreationStamps(Protocol):
    """A system whose records show when they were created and who saved them last: what a
    poll tells of a record's first sight before reading its link (shared/sync/echoes.py)."""

    # Fields a poll reads for it (beyond a mapping's creator field)
    creation_fields: tuple[str, ...]
    # Whether it also pushes its changes (a webhook): a record's first sight by a poll may
    # then be one a notice brought in and synced already
    pushes_changes: bool

    def created_at(self, record: SourceRecord) -> datetime | None:
        """When ``record`` was created, where its fields show it."""
        ...

    def untouched_copy(self, record: SourceRecord) -> bool:
        """Whether ledgerlink created ``record`` and nothing saved it since (its own create
        coming back); False wherever that cannot be told for sure."""
        ...


@runtime_checkable
class SupportsExistsWhere(Protocol):
    """A system that answers whether a value is taken (e.g. whether an ERP record is owned by
    another object, like Intacct's contact behind each customer)."""

    def exists_where(self, obj: str, field: str, value: str) -> bool:
        """Whether some ``obj`` has ``field`` equal to ``value``."""
        ...


@runtime_checkable
class SupportsWhereIn(Protocol):
    """A system that reads the records whose field holds any of many values in one request
    (Intacct's ``in`` filter)."""

    def fetch_where_in(
        self, obj: str, field: str, values: Sequence[str], fields: Sequence[str]
    ) -> list[SourceRecord]:
        """Records of ``obj`` whose ``field`` is one of ``values``."""
        ...


@runtime_checkable
class SupportsChangeMarks(Protocol):
    """A system whose change feed also tells, in the same one request, whether an object has
    any change not there before (Intacct's audit trail, counted): a poll then skips an object
    whose feed is as it was when the object was last queried."""

    def change_marks(self, anchors: Mapping[str, datetime | None]) -> dict[str, str] | None:
        """For each object of ``anchors``, a mark of its changes at or after its anchor (any,
        for None) that any further change alters; None when the system cannot tell."""
        ...


@runtime_checkable
class SupportsChangedObjects(Protocol):
    """A system that tells, in one request, which of several objects changed since their
    cursors (Intacct's audit trail): the poller then queries only those."""

    def changed_objects(self, since: Mapping[str, datetime | None]) -> dict[str, datetime] | None:
        """For each object of ``since`` with changes at or after its time (any change, for
        None), the newest change's time; None when the system cannot tell (then every
        object is queried)."""
        ...
