"""How a backfill reads a whole object: what a connector offers for it.

Every system reads pages in a stable key order after a key (``PagedSource``: Salesforce
SOQL ``ORDER BY Id``, Intacct ``query`` ordered by RECORDNO, 2,000 a page). A system with
an asynchronous bulk export (``BulkSource``: Salesforce Bulk API 2.0 query jobs) reads above
a threshold with one job whose results come in sets. (Ownership is checked for a whole
chunk at once where the system reads "where field in values": ``SupportsWhereIn``.)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from shared.models.records import SourceRecord


@runtime_checkable
class PagedSource(Protocol):
    def read_page(
        self, obj: str, fields: Sequence[str], after: str | None, page_size: int
    ) -> tuple[list[SourceRecord], str | None]:
        """Records after the key ``after`` in a stable order, and where the next page starts
        (None after the last)."""
        ...


@runtime_checkable
class BulkSource(Protocol):
    def count(self, obj: str) -> int:
        """How many records ``obj`` has."""
        ...

    def start_bulk_read(self, obj: str, fields: Sequence[str]) -> str:
        """Start an export of every record of ``obj``; returns the job's id."""
        ...

    def bulk_page(
        self, obj: str, job_id: str, locator: str | None, page_size: int
    ) -> tuple[list[SourceRecord], str | None]:
        """One set of the job's records and the locator of the next (None after the last)."""
        ...


@runtime_checkable
class CountsRequests(Protocol):
    @property
    def requests_sent(self) -> int:
        """Requests this connector has sent so far."""
        ...
