"""Whole-module reads and deletes in Zoho CRM: every record of a module matching a COQL
condition, keyset-paged by id (``limit`` 2000, Zoho CRM "COQL Limits"), and deletes of up to
100 ids a request (``DELETE /{module}?ids=…``, Zoho CRM v8 "Delete Records")."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from shared.connectors.zoho_crm import coql
from shared.connectors.zoho_crm.client import ZohoCrmClient
from shared.connectors.zoho_crm.connector import BATCH

PAGE = 2000
IN_VALUES = 50  # values per COQL ``in (…)``


def select_all(
    client: ZohoCrmClient, module: str, fields: Sequence[str], where: str = "(id is not null)"
) -> Iterator[dict[str, Any]]:
    """Every record of ``module`` matching ``where`` (a COQL condition), ordered by id."""
    last: str | None = None
    while True:
        condition = where if last is None else f"({where} and (id > {last}))"
        query = coql.select(module, [*fields, "id"], condition, "id asc", PAGE)
        body = client.request("POST", "coql", body={"select_query": query})
        rows = (body or {}).get("data") or []
        for row in rows:
            yield dict(row)
        more = bool(((body or {}).get("info") or {}).get("more_records"))
        if not rows or not more:
            return
        last = str(rows[-1]["id"])
        if not last.isdigit():
            raise ValueError(f"not a Zoho record id: {last!r}")


def quoted_in(field: str, values: Sequence[str]) -> str:
    """``(field in ('a', 'b'))``, values quoted safely."""
    listed = ", ".join("'" + v.replace("'", "''") + "'" for v in values)
    return f"({coql.name(field)} in ({listed}))"


def delete_many(client: ZohoCrmClient, module: str, ids: Sequence[str]) -> int:
    """Delete ``ids`` of ``module``, 100 a request; how many the CRM deleted."""
    wanted = [i for i in dict.fromkeys(ids) if i.isdigit()]
    deleted = 0
    for start in range(0, len(wanted), BATCH):
        chunk = wanted[start : start + BATCH]
        body = client.request(
            "DELETE", coql.name(module), params={"ids": ",".join(chunk)}, per_record=True
        )
        deleted += sum(1 for a in (body or {}).get("data", []) if a.get("status") == "success")
    return deleted
