"""Connection configurations (no secrets), cached briefly per Lambda container."""

from __future__ import annotations

import time
from typing import Any

from shared.errors import ConfigurationError
from shared.models.connection import Connection
from shared.pairs.registry import load_connection
from shared.state import keys


class UnknownConnectionError(ConfigurationError):
    """No connection with that id."""


class ConnectionStore:
    def __init__(self, table: Any, cache_ttl_s: float = 60.0) -> None:
        self._table = table
        self._ttl = cache_ttl_s
        self._cache: dict[str, tuple[float, Connection]] = {}

    def get(self, connection_id: str) -> Connection:
        cached = self._cache.get(connection_id)
        if cached and time.monotonic() - cached[0] < self._ttl:
            return cached[1]
        item = self._table.get_item(
            Key={"pk": keys.connection(connection_id), "sk": keys.CONFIG}
        ).get("Item")
        if item is None:
            raise UnknownConnectionError(f"unknown connection '{connection_id}'")
        connection = load_connection(item["config"])
        self._cache[connection_id] = (time.monotonic(), connection)
        return connection

    def put(self, connection: Connection) -> None:
        self._table.put_item(
            Item={
                "pk": keys.connection(connection.connection_id),
                "sk": keys.CONFIG,
                "config": connection.model_dump_json(),
            }
        )
        self._table.put_item(
            Item={"pk": keys.REGISTRY_PK, "sk": keys.connection(connection.connection_id)}
        )
        self._cache.pop(connection.connection_id, None)

    def ids(self) -> list[str]:
        found: list[str] = []
        kwargs: dict[str, Any] = {
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": keys.REGISTRY_PK},
        }
        while True:
            page = self._table.query(**kwargs)
            found.extend(keys.connection_id_of(item["sk"]) for item in page["Items"])
            if "LastEvaluatedKey" not in page:
                return found
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
