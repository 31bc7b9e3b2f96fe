"""Building SOQL safely and paging through query results."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote_plus

from shared.connectors.salesforce.client import SalesforceClient
from shared.connectors.salesforce.models import QueryPage

# A query travels in the URL of a GET; Salesforce refuses URIs longer than 16,384 characters
# (REST API Developer Guide, "Status Codes and Error Responses": 414 "URI too long"). The
# encoded statement is kept well below that, leaving room for the host and path.
MAX_ENCODED_QUERY = 15_000

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$")


def quote(value: Any) -> str:
    """A SOQL literal. Strings are escaped per the SOQL reference (quote, backslash...)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, datetime):
        utc = value.astimezone(UTC) if value.tzinfo else value
        return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"
    text = str(value)
    for char, escaped in (("\\", "\\\\"), ("'", "\\'"), ("\n", "\\n"), ("\r", "\\r")):
        text = text.replace(char, escaped)
    return f"'{text}'"


def field_list(fields: Iterable[str]) -> str:
    names = sorted(set(fields))
    for name in names:
        if not _NAME.match(name):
            raise ValueError(f"not a SOQL field name: {name!r}")
    return ", ".join(names)


def select(obj: str, fields: Iterable[str], where: str = "", tail: str = "") -> str:
    if not _NAME.match(obj):
        raise ValueError(f"not an sObject name: {obj!r}")
    soql = f"SELECT {field_list(fields)} FROM {obj}"  # noqa: S608 - names validated above
    if where:
        soql += f" WHERE {where}"
    if tail:
        soql += f" {tail}"
    return soql


def count(obj: str) -> str:
    """``SELECT COUNT() FROM obj``: its answer's totalSize is the number of records."""
    if not _NAME.match(obj):
        raise ValueError(f"not an sObject name: {obj!r}")
    return f"SELECT COUNT() FROM {obj}"  # noqa: S608 - name validated above


def in_list(values: Sequence[Any]) -> str:
    return "(" + ", ".join(quote(v) for v in values) + ")"


def select_in(
    obj: str,
    fields: Iterable[str],
    field: str,
    values: Sequence[Any],
    max_encoded: int = MAX_ENCODED_QUERY,
) -> list[str]:
    """``SELECT fields FROM obj WHERE field IN (...)`` statements covering ``values``, as
    few as fit: each statement's URL-encoded form stays within ``max_encoded``."""
    names = list(fields)
    base = len(quote_plus(select(obj, names, f"{field} IN ()")))
    statements: list[str] = []
    chunk: list[Any] = []
    size = base
    for value in values:
        cost = len(quote_plus(quote(value) + ", "))
        if chunk and size + cost > max_encoded:
            statements.append(select(obj, names, f"{field} IN {in_list(chunk)}"))
            chunk, size = [], base
        chunk.append(value)
        size += cost
    if chunk:
        statements.append(select(obj, names, f"{field} IN {in_list(chunk)}"))
    return statements


def query(
    client: SalesforceClient, soql: str, batch_size: int | None = None
) -> Iterator[dict[str, Any]]:
    """Every record of a query, following ``nextRecordsUrl`` page by page."""
    headers = {"Sforce-Query-Options": f"batchSize={batch_size}"} if batch_size else None
    page = QueryPage.model_validate(
        client.json("GET", "/query", params={"q": soql}, headers=headers)
    )
    while True:
        yield from page.records
        if page.done or not page.nextRecordsUrl:
            return
        page = QueryPage.model_validate(client.json("GET", page.nextRecordsUrl, headers=headers))


def flatten(record: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested relationship objects -> dotted paths; drops ``attributes``."""
    flat: dict[str, Any] = {}
    for key, value in record.items():
        if key == "attributes":
            continue
        if isinstance(value, dict):
            flat.update(flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat
