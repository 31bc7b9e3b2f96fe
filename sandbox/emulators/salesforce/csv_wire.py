"""CSV in and out of Bulk API 2.0, and the reply that carries it.

Bulk API 2.0 Developer Guide ("Create a Job", "Upload Job Data", "Get Job Successful Record
Results", "Get Results for a Query Job"):

- A job names its ``columnDelimiter`` (``COMMA`` by default, or ``TAB``, ``PIPE``,
  ``SEMICOLON``, ``CARET``, ``BACKQUOTE``) and its ``lineEnding`` (``LF`` by default, or
  ``CRLF``); uploads are read and results are written with them.
- Upload bodies are RFC 4180 CSV (``Content-Type: text/csv``): a header row of field names,
  then one row per record; double quotes enclose values holding the delimiter, quotes or
  line breaks.
- Result files quote every value: ``"sf__Id","sf__Created",Name`` then
  ``"001...","true","Acme"`` - the original header is echoed as it was sent.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from werkzeug.wrappers import Response

from sandbox.emulators.salesforce.wire import Reply

CSV_TYPE = "text/csv"
DELIMITERS = {
    "COMMA": ",",
    "TAB": "\t",
    "PIPE": "|",
    "SEMICOLON": ";",
    "CARET": "^",
    "BACKQUOTE": "`",
}
LINE_ENDINGS = {"LF": "\n", "CRLF": "\r\n"}


@dataclass(frozen=True)
class CsvDialect:
    """A job's ``columnDelimiter`` and ``lineEnding``, as the API names them."""

    column_delimiter: str = "COMMA"
    line_ending: str = "LF"

    @property
    def delimiter(self) -> str:
        return DELIMITERS[self.column_delimiter]

    @property
    def newline(self) -> str:
        return LINE_ENDINGS[self.line_ending]


@dataclass(frozen=True)
class CsvTable:
    """An uploaded file: the header line as sent, its column names, and the rows."""

    header_line: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


class CsvDataError(ValueError):
    """Upload data the job cannot read; the job fails with this message (its
    ``errorMessage``, e.g. ``ClientInputError : LineEnding is invalid on user data. Current
    LineEnding setting is LF``)."""


def read_table(data: bytes, dialect: CsvDialect) -> CsvTable:
    """Parse an upload (:class:`CsvDataError` when it is not CSV of the job's dialect)."""
    text = data.decode("utf-8-sig", errors="replace")
    first_break = text.find("\n")
    if first_break >= 0:
        crlf = first_break > 0 and text[first_break - 1] == "\r"
        if crlf != (dialect.line_ending == "CRLF"):
            raise CsvDataError(
                "ClientInputError : LineEnding is invalid on user data. Current LineEnding "
                f"setting is {dialect.line_ending}"
            )
    try:
        parsed = list(csv.reader(io.StringIO(text, newline=""), delimiter=dialect.delimiter))
    except csv.Error as exc:
        raise CsvDataError(f"ClientInputError : {exc}") from exc
    if not parsed or not any(cell.strip() for cell in parsed[0]):
        raise CsvDataError("ClientInputError : The CSV data has no header row")
    header_line = text.splitlines()[0]
    columns = tuple(name.strip() for name in parsed[0])
    rows = tuple(tuple(row) for row in parsed[1:] if any(cell != "" for cell in row))
    return CsvTable(header_line, columns, rows)


def write_rows(
    dialect: CsvDialect,
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    raw_header_tail: str | None = None,
) -> str:
    """Every value quoted. ``raw_header_tail`` (an uploaded header line) follows the quoted
    ``header`` cells verbatim when given."""
    out = io.StringIO()
    writer = csv.writer(
        out,
        delimiter=dialect.delimiter,
        lineterminator=dialect.newline,
        quoting=csv.QUOTE_ALL,
    )
    if not raw_header_tail:
        if header:
            writer.writerow(header)
    else:
        cells = [f'"{name}"' for name in header] + [raw_header_tail]
        out.write(dialect.delimiter.join(cells) + dialect.newline)
    writer.writerows(rows)
    return out.getvalue()


@dataclass
class CsvReply(Reply):
    """A ``text/csv`` answer (results files); ``text`` is the body."""

    text: str = ""

    def to_response(self, extra_headers: Mapping[str, str] | None = None) -> Response:
        response = Response(
            self.text.encode("utf-8"), status=self.status, content_type=f"{CSV_TYPE}"
        )
        for key, value in {**self.headers, **(extra_headers or {})}.items():
            response.headers[key] = value
        return response
