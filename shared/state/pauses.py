"""What the state table remembers about a connection's outages: which of its systems are paused
(why, since when, when to probe next), how many messages failed on each system lately, and the
messages parked while it is paused (their bodies, to be re-published when it resumes).

One partition per connection (``OUTAGE#<connection>``): checking whether a connection is paused
is one query. A message is parked only while its connection is still paused (a transaction
checks the pause item), so a resume that deletes the pause first and then re-publishes what is
parked can never leave a message behind.
"""

from __future__ import annotations

import time
import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from botocore.exceptions import ClientError
from pydantic import BaseModel, Field

from shared.state import keys

_CONDITION_FAILED = {"TransactionCanceledException", "ConditionalCheckFailedException"}


class PauseReason(StrEnum):
    UNREACHABLE = "unreachable"  # transport errors / 5xx outlived the connector's retries
    RATE_LIMITED = "rate_limited"  # the system kept asking us to slow down
    CREDENTIALS = "credentials"  # the system refused the connection's credentials


class Pause(BaseModel):
    system: str
    reason: PauseReason
    detail: str = Field(default="", max_length=300)  # the system's words, never a secret
    since: datetime
    probe_at: datetime  # no probe before this moment
    probes: int = 0  # failed probes so far (the backoff grows with them)


class FailureCount(BaseModel):
    first_at: datetime  # the first failure of the current window
    count: int


class ParkedMessage(BaseModel):
    """A queue message kept while its connection is paused."""

    sk: str
    queue: str  # QueueSpec.key it came from and goes back to
    body: str
    group_id: str
    dedup_id: str
    parked_at: datetime


class PauseStore:
    def __init__(self, table: Any) -> None:
        self._table = table

    # -- pauses --------------------------------------------------------------------------

    def paused(self, connection_id: str, *, consistent: bool = True) -> list[Pause]:
        """The connection's paused systems (a strongly consistent read unless told)."""
        return [
            Pause.model_validate_json(item["pause"])
            for item in self._query(connection_id, keys.PAUSED_PREFIX, consistent=consistent)
        ]

    def pause(self, connection_id: str, pause: Pause) -> bool:
        """Pause ``pause.system``; False if it already was (the first pause stands)."""
        return self._put_pause(connection_id, pause, "attribute_not_exists(pk)")

    def reschedule(self, connection_id: str, pause: Pause) -> None:
        """Store a paused system's next probe time (only while it is still paused)."""
        self._put_pause(connection_id, pause, "attribute_exists(pk)")

    def _put_pause(self, connection_id: str, pause: Pause, condition: str) -> bool:
        """Write the pause record under ``condition``; False when the condition failed."""
        try:
            self._table.put_item(
                Item={
                    "pk": keys.outage(connection_id),
                    "sk": keys.paused(pause.system),
                    "pause": pause.model_dump_json(),
                },
                ConditionExpression=condition,
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] not in _CONDITION_FAILED:
                raise
            return False
        return True

    def unpause(self, connection_id: str, system: str) -> bool:
        """End a system's pause; False if it was not paused (someone else resumed it)."""
        try:
            self._table.delete_item(
                Key={"pk": keys.outage(connection_id), "sk": keys.paused(system)},
                ConditionExpression="attribute_exists(pk)",
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] in _CONDITION_FAILED:
                return False
            raise
        return True

    # -- failure counters ----------------------------------------------------------------

    def count_failure(self, connection_id: str, system: str, now: datetime, since: datetime) -> int:
        """Count one failed message on ``system``; failures before ``since`` are forgotten.
        Answers how many failed in the current window (approximate under races: enough to
        decide a pause)."""
        key = {"pk": keys.outage(connection_id), "sk": keys.failures(system)}
        item = self._table.get_item(Key=key, ConsistentRead=True).get("Item")
        current = FailureCount.model_validate_json(item["failures"]) if item else None
        if current is None or current.first_at < since:
            current = FailureCount(first_at=now, count=1)
        else:
            current = current.model_copy(update={"count": current.count + 1})
        self._table.put_item(Item={**key, "failures": current.model_dump_json()})
        return current.count

    def clear_failures(self, connection_id: str, system: str) -> None:
        self._table.delete_item(Key={"pk": keys.outage(connection_id), "sk": keys.failures(system)})

    # -- parked messages -----------------------------------------------------------------

    def park(
        self,
        connection_id: str,
        paused_system: str,
        *,
        queue: str,
        body: str,
        group_id: str,
        dedup_id: str,
        now: datetime,
    ) -> bool:
        """Keep a message while ``paused_system`` is paused; False if it no longer is."""
        message = ParkedMessage(
            # Within one instant of ``now``, the wall clock's nanoseconds keep the order.
            sk=keys.parked(now.isoformat(), f"{time.time_ns():020d}-{uuid.uuid4().hex[:8]}"),
            queue=queue,
            body=body,
            group_id=group_id,
            dedup_id=dedup_id,
            parked_at=now,
        )
        try:
            self._table.meta.client.transact_write_items(
                TransactItems=[
                    {
                        "ConditionCheck": {
                            "TableName": self._table.name,
                            "Key": {
                                "pk": keys.outage(connection_id),
                                "sk": keys.paused(paused_system),
                            },
                            "ConditionExpression": "attribute_exists(pk)",
                        }
                    },
                    {
                        "Put": {
                            "TableName": self._table.name,
                            "Item": {
                                "pk": keys.outage(connection_id),
                                "sk": message.sk,
                                "parked": message.model_dump_json(),
                            },
                        }
                    },
                ]
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] in _CONDITION_FAILED:
                return False
            raise
        return True

    def parked(self, connection_id: str) -> list[ParkedMessage]:
        """Every parked message of the connection, oldest first."""
        return [
            ParkedMessage.model_validate_json(item["parked"])
            for item in self._query(connection_id, keys.PARKED_PREFIX)
        ]

    def unpark(self, connection_id: str, messages: list[ParkedMessage]) -> None:
        with self._table.batch_writer() as batch:
            for message in messages:
                batch.delete_item(Key={"pk": keys.outage(connection_id), "sk": message.sk})

    def _query(
        self, connection_id: str, prefix: str, *, consistent: bool = True
    ) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
            "ExpressionAttributeValues": {":pk": keys.outage(connection_id), ":prefix": prefix},
            "ConsistentRead": consistent,
        }
        while True:
            page = self._table.query(**kwargs)
            found.extend(page["Items"])
            if "LastEvaluatedKey" not in page:
                return found
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
