"""Building COQL safely (Zoho CRM "Query API": ``select … from … where … order by … limit``)
and the field names a record read asks for."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
MAX_LIMIT = 2000


def name(value: str) -> str:
    if not _NAME.match(value):
        raise ValueError(f"not a Zoho CRM API name: {value!r}")
    return value


def base_fields(fields: Iterable[str]) -> list[str]:
    """The API names to ask for: a lookup's ``Account_Name.id`` is read as ``Account_Name``."""
    return sorted({name(f.split(".", 1)[0]) for f in fields})


def datetime_literal(moment: datetime) -> str:
    """A COQL datetime, to the second (Zoho's precision), rounded down so that ``>=`` keeps
    the instant itself."""
    utc = moment.astimezone(UTC).replace(microsecond=0)
    return f"'{utc.isoformat()}'"


def select(module: str, fields: Iterable[str], where: str, order: str, limit: int) -> str:
    columns = ", ".join(base_fields(fields))
    return (
        f"select {columns} from {name(module)} where {where} "  # noqa: S608 - names validated
        f"order by {order} limit {max(1, min(limit, MAX_LIMIT))}"
    )


def changed_since(since: datetime | None, after: tuple[datetime, str] | None) -> str:
    """Records modified at or after ``since``; with ``after`` (the last stamp and id read),
    only those past it in (Modified_Time, id) order: keyset paging, stable under ties."""
    if after is not None:
        stamp, last_id = after
        literal = datetime_literal(stamp)
        if not last_id.isdigit():
            raise ValueError(f"not a Zoho record id: {last_id!r}")
        return (
            f"((Modified_Time > {literal}) or ((Modified_Time = {literal}) and (id > {last_id})))"
        )
    if since is None:
        return "(id is not null)"
    return f"(Modified_Time >= {datetime_literal(since)})"
