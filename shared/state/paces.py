"""The shared pace of calls to one API account: one item per account, holding the moment its
next call is due (``PACE#<key>``; see shared/pacing.py). Moved only by a conditional write
naming the value it replaces, so containers racing for it never both win."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from botocore.exceptions import ClientError

SK = "PACE"
_CONDITION_FAILED = "ConditionalCheckFailedException"


def _key(account: str) -> dict[str, str]:
    return {"pk": f"PACE#{account}", "sk": SK}


class PaceStore:
    """``table``: the state table, or what gives it when first needed (a runtime builds its
    pacer before any table is touched)."""

    def __init__(self, table: Any) -> None:
        self._given = table
        self._resolved: Any = None

    @property
    def _table(self) -> Any:
        if self._resolved is None:
            self._resolved = self._given() if callable(self._given) else self._given
        return self._resolved

    def due(self, account: str) -> float | None:
        """When the account's next call is due (epoch seconds); None when never paced."""
        item = self._table.get_item(Key=_key(account), ConsistentRead=True).get("Item")
        return float(item["due"]) if item is not None else None

    def move(self, account: str, known: float | None, due: float) -> float | None:
        """Set the next call's moment to ``due`` if it is still ``known``: None when done,
        else the moment another container set meanwhile."""
        condition = "attribute_not_exists(due)" if known is None else "due = :known"
        values: dict[str, Any] = {":due": Decimal(repr(due))}
        if known is not None:
            values[":known"] = Decimal(repr(known))
        try:
            self._table.update_item(
                Key=_key(account),
                UpdateExpression="SET due = :due",
                ConditionExpression=condition,
                ExpressionAttributeValues=values,
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != _CONDITION_FAILED:
                raise
            current = self.due(account)
            return current if current is not None else 0.0
        return None
