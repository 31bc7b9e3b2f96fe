"""Where a backfill has got to: one checkpoint per mapping and source side, saved after
every chunk, in the state table under ``BACKFILL#<connection>`` (shared/state/keys.py).

A checkpoint says where the next read starts (the key after which to read, or a bulk job
and the locator of its next set of results), whether the step is done, and the counts so
far. No record payloads: keys and counts only.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from shared.state import keys


class Counts(BaseModel):
    read: int = 0
    linked_existing: int = 0  # matched to a record already on the other side
    created: int = 0
    already_linked: int = 0
    skipped: int = 0  # filtered out, or owned by another record
    failed: int = 0

    def add(self, other: Counts) -> Counts:
        return Counts(**{k: getattr(self, k) + getattr(other, k) for k in Counts.model_fields})


class Checkpoint(BaseModel):
    mapping: str
    side: str
    after: str | None = None  # read the records after this key next
    job_id: str | None = None  # or the next set of this bulk job's results
    locator: str | None = None
    started: bool = False
    done: bool = False
    chunks: int = 0
    counts: Counts = Field(default_factory=Counts)


class CheckpointStore:
    def __init__(self, table: Any) -> None:
        """``table`` is a boto3 DynamoDB Table resource."""
        self._table = table

    def get(self, connection_id: str, mapping: str, side: str) -> Checkpoint | None:
        item = self._table.get_item(
            Key={"pk": keys.backfill(connection_id), "sk": keys.backfill_step(mapping, side)},
            ConsistentRead=True,
        ).get("Item")
        return None if item is None else Checkpoint.model_validate_json(item["checkpoint"])

    def put(self, connection_id: str, checkpoint: Checkpoint) -> None:
        self._table.put_item(
            Item={
                "pk": keys.backfill(connection_id),
                "sk": keys.backfill_step(checkpoint.mapping, checkpoint.side),
                "checkpoint": checkpoint.model_dump_json(),
            }
        )

    def clear(self, connection_id: str) -> None:
        """Forget every checkpoint of the connection (a fresh backfill)."""
        page = self._table.query(
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": keys.backfill(connection_id)},
        )
        for item in page["Items"]:
            self._table.delete_item(Key={"pk": item["pk"], "sk": item["sk"]})
