"""readByQuery result sets that ``readMore`` continues.

A readByQuery answers its first page with ``resultId`` and ``numremaining``; ``readMore``
with that ``<resultId>`` (or with ``<object>``, meaning the latest readByQuery on that
object in the same session) returns the next page of the *same* result: the rows matched
when the readByQuery ran ("Using the result ID ensures that your paged results are from the
same originating readByQuery call", developer.intacct.com "Queries"). When the last page
has been read, ``numremaining`` is 0, ``resultId`` is empty and the result ID is gone.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sandbox.emulators.intacct.schema import Record


@dataclass
class ResultSet:
    result_id: str
    owner: str  # company ID + user ID: only the reader may continue it
    object_name: str
    fields: list[str]
    rows: list[Record]  # copies of the rows not yet returned
    page_size: int
    total: int
    return_format: str = "xml"  # readMore answers in the readByQuery's returnFormat


class ResultSets:
    def __init__(self) -> None:
        self._sets: dict[str, ResultSet] = {}
        self._latest: dict[tuple[str, str], str] = {}

    def open(
        self,
        owner: str,
        object_name: str,
        fields: list[str],
        rows: list[Record],
        page_size: int,
        return_format: str = "xml",
    ) -> ResultSet:
        result_id = secrets.token_hex(16)
        result = ResultSet(
            result_id, owner, object_name, fields, rows, page_size, len(rows), return_format
        )
        self._sets[result_id] = result
        self._latest[(owner, object_name)] = result_id
        return result

    def find(self, owner: str, result_id: str | None, object_name: str | None) -> ResultSet | None:
        if result_id is None and object_name is not None:
            result_id = self._latest.get((owner, object_name))
        result = self._sets.get(result_id or "")
        return result if result is not None and result.owner == owner else None

    def object_of(self, result_id: str) -> str | None:
        result = self._sets.get(result_id)
        return result.object_name if result else None

    def next_page(self, result: ResultSet) -> list[Record]:
        page, result.rows = result.rows[: result.page_size], result.rows[result.page_size :]
        if not result.rows:
            self._sets.pop(result.result_id, None)
        return page

    def clear(self) -> None:
        self._sets.clear()
        self._latest.clear()
