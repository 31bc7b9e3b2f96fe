"""Building SOQL safely and paging through query results."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from shared.connectors.salesforce.client import SalesforceClient
from shared.connectors.salesforce.models import QueryPage

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


def in_list(values: Sequence[Any]) -> str:
    return "(" + ", ".join(quote(v) for v in values) + ")"


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
