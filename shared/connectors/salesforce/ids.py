"""Salesforce record ids: 15 case-sensitive or 18 case-insensitive characters."""

from __future__ import annotations

import re

SALESFORCE_ID = r"^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$"
_ID = re.compile(SALESFORCE_ID)


def is_record_id(value: str) -> bool:
    return bool(_ID.match(value))
