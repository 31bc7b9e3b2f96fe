"""``returnFormat`` json and csv: the records of a read as JSON or CSV text.

read, readByName, readByQuery and readMore take ``<returnFormat>`` (``xml`` the default,
``json``, ``csv``; developer.intacct.com object pages, "Get Customer"); query takes
``<options><returnformat>`` ("Queries", "Response data format"). The gateway then
answers with the data alone: "CSV and JSON responses do not include any surrounding XML
elements such as ``<control>`` and ``<authentication>``; they only include the response
data" — the documented JSON for a query of three fields::

    [
        {"RECORDNO": "1010", "PAYTOCONTACT.CONTACTNAME": "Ackman, Alice", "TOTALDUE": "3797"},
        {"RECORDNO": "1009", "PAYTOCONTACT.CONTACTNAME": "Halpert, Jim", "TOTALDUE": "2987"}
    ]

and CSV (header row, then one row per record)::

    RECORDNO,PAYTOCONTACT.CONTACTNAME,TOTALDUE
    1010,"Ackman, Alice",3797

The Intacct OpenSource Initiative PHP toolkit reads such answers the same way (a body that
is not XML is the data; ``readMore`` with ``<object>`` continues a readByQuery). Values
are strings written as the XML would write them; query keeps dotted names flat, the
read functions nest owned objects (``{"DISPLAYCONTACT": {"MAILADDRESS": {"CITY": …}}}``)
as their XML does (nesting UNVERIFIED). A failed function still answers XML with its
errors. When a request holds more than one function, each json/csv result's text is
carried in its ``<data>`` element instead (this emulator's choice; UNVERIFIED).
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from sandbox.emulators.intacct import errors
from sandbox.emulators.intacct.schema import Record, format_wire

XML = "xml"
JSON = "json"
CSV = "csv"
FORMATS = (XML, JSON, CSV)
CONTENT_TYPES = {JSON: "application/json; charset=UTF-8", CSV: "text/csv; charset=UTF-8"}


def checked(text: str) -> str:
    fmt = (text or XML).strip().lower()
    if fmt not in FORMATS:
        raise errors.bad_request(f"returnFormat must be one of {', '.join(FORMATS)}, not {fmt}.")
    return fmt


def _nested(record: Record, names: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in names:
        *groups, leaf = name.split(".")
        node = out
        for group in groups:
            node = node.setdefault(group, {})
        node[leaf] = format_wire(record.get(name))
    return out


def render(fmt: str, rows: list[Record], names: list[str], *, nested: bool) -> str:
    """The text of ``rows`` (their ``names`` fields) in ``fmt`` (json or csv)."""
    if fmt == JSON:
        items = [
            _nested(row, names) if nested else {n: format_wire(row.get(n)) for n in names}
            for row in rows
        ]
        return json.dumps(items, indent=4)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(names)
    for row in rows:
        writer.writerow([format_wire(row.get(n)) for n in names])
    return buffer.getvalue()
