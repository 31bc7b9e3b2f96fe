"""The backfill sends again, once more, the records whose own answer said "try again"."""

from __future__ import annotations

from collections.abc import Sequence

from shared.backfill.loader import write_with_retries
from shared.connectors.base import Connector, RetrySettings, Write, WriteAnswer
from shared.errors import RetryableError
from shared.models.records import WriteResult
from tests.conformance.cases import intacct_case


class _LockedOnce:
    """The real connector, but the first batch finds one record's row locked: that record
    is not sent and answers a retryable error of its own, as a locked row does."""

    def __init__(self, inner: Connector, locked: int) -> None:
        self.inner = inner
        self.locked: int | None = locked
        self.batches: list[int] = []

    def write_many(self, obj: str, writes: Sequence[Write]) -> list[WriteAnswer]:
        self.batches.append(len(writes))
        locked, self.locked = self.locked, None
        sent = [w for i, w in enumerate(writes) if i != locked]
        answers = list(self.inner.write_many(obj, sent))
        if locked is not None:
            answers.insert(locked, RetryableError("UNABLE_TO_LOCK_ROW: unable to lock row"))
        return answers


def test_a_record_whose_row_was_locked_is_sent_again_alone() -> None:
    # Given three customers to create, the second of which finds its row locked at first
    case = intacct_case(RetrySettings(sleep=lambda _: None), [])
    connector = _LockedOnce(case.connector, locked=1)
    writes = [
        Write(fields=case.record(m), idempotency_key=f"backfill-{m}") for m in ("a", "b", "c")
    ]
    # When the backfill writes them
    answers = write_with_retries(connector, case.obj, writes)  # type: ignore[arg-type]
    # Then every one is created exactly once: the locked one in a second batch of its own
    assert all(isinstance(a, WriteResult) for a in answers)
    assert connector.batches == [3, 1]
    assert [len(case.stored(m)) for m in ("a", "b", "c")] == [1, 1, 1]
