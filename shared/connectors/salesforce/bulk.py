"""Bulk API 2.0 query jobs: one job reads a whole object, its results fetched in pages.

Bulk API 2.0 Developer Guide, "Create a Query Job" (``POST jobs/query`` with ``{"operation":
"query", "query", "contentType": "CSV", "columnDelimiter": "COMMA", "lineEnding": "LF"}``),
"Get Information About a Query Job" (``GET jobs/query/{id}``: ``state`` UploadComplete,
InProgress, JobComplete, Failed, Aborted) and "Get Results for a Query Job" (``GET
jobs/query/{id}/results?maxRecords=&locator=``: CSV with a header row, relationship fields as
dotted headers, null as an empty cell; ``Sforce-Locator`` names the next set, the string
``null`` after the last). A job's results stay readable for days, so a reader that stopped
resumes from the job id and the locator it had reached.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from shared.connectors.salesforce.client import SalesforceClient
from shared.errors import PermanentError, TransportError

DONE = "JobComplete"
FAILED = frozenset({"Failed", "Aborted"})


@dataclass(frozen=True)
class BulkPage:
    rows: list[dict[str, Any]]
    locator: str | None  # the next set's locator; None after the last


def start_query(client: SalesforceClient, soql: str) -> str:
    """Create a query job; returns its id."""
    job = client.json(
        "POST",
        "/jobs/query",
        body={
            "operation": "query",
            "query": soql,
            "contentType": "CSV",
            "columnDelimiter": "COMMA",
            "lineEnding": "LF",
        },
    )
    return str(job["id"])


def wait_until_done(
    client: SalesforceClient,
    job_id: str,
    *,
    sleep: Callable[[float], None] = time.sleep,
    poll_s: float = 2.0,
    max_polls: int = 300,
) -> None:
    """Poll the job's state until it is complete; a failed or aborted job is permanent."""
    for _ in range(max_polls):
        info = client.json("GET", f"/jobs/query/{job_id}")
        state = str(info.get("state", ""))
        if state == DONE:
            return
        if state in FAILED:
            raise PermanentError(f"salesforce bulk query job {job_id} ended {state}")
        sleep(poll_s)
    raise TransportError(f"salesforce bulk query job {job_id} is still running")


def results(
    client: SalesforceClient, job_id: str, locator: str | None, max_records: int
) -> BulkPage:
    """One set of a complete job's rows (dotted relationship headers kept as they are)."""
    params = {"maxRecords": str(max_records)}
    if locator:
        params["locator"] = locator
    response = client.request(
        "GET", f"/jobs/query/{job_id}/results", params=params, headers={"Accept": "text/csv"}
    )
    reader = csv.DictReader(io.StringIO(response.text))
    rows = [{k: (v if v != "" else None) for k, v in row.items()} for row in reader]
    following = response.headers.get("Sforce-Locator", "null")
    return BulkPage(rows, None if following in ("", "null") else following)
