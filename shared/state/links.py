"""Links are stored twice, once under each side's key, so either side finds them with one
strongly consistent read. Both copies are written in one transaction, guarded by ``rev``."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from shared.errors import RetryableError
from shared.models.events import RecordRef
from shared.models.links import SyncLink
from shared.state import keys


class ConcurrentLinkUpdateError(RetryableError):
    """Someone saved the link between our read and our write."""


class LinkStore:
    def __init__(self, table: Any) -> None:
        """``table`` is a boto3 DynamoDB Table resource."""
        self._table = table

    def get(self, connection_id: str, ref: RecordRef) -> SyncLink | None:
        item = self._table.get_item(
            Key={"pk": keys.link(connection_id, ref), "sk": keys.LINK_SK}, ConsistentRead=True
        ).get("Item")
        if item is None:
            return None
        return SyncLink.model_validate_json(item["link"])

    def delete(self, link: SyncLink) -> None:
        """Remove both copies, if nobody saved since ``link.rev`` was read."""
        items = [
            {
                "Delete": {
                    "TableName": self._table.name,
                    "Key": {"pk": keys.link(link.connection_id, ref), "sk": keys.LINK_SK},
                    "ConditionExpression": "attribute_not_exists(pk) OR rev = :expected",
                    "ExpressionAttributeValues": {":expected": link.rev},
                }
            }
            for ref in link.refs()
        ]
        self._transact(items, link)

    def save(self, link: SyncLink) -> SyncLink:
        """Write both copies if nobody saved since ``link.rev`` was read; returns rev + 1."""
        saved = link.model_copy(update={"rev": link.rev + 1})
        body = saved.model_dump_json()
        items = []
        for ref in saved.refs():
            items.append(
                {
                    "Put": {
                        "TableName": self._table.name,
                        "Item": {
                            "pk": keys.link(link.connection_id, ref),
                            "sk": keys.LINK_SK,
                            "rev": saved.rev,
                            "status": saved.status,
                            "mapping": saved.mapping,
                            "link": body,
                        },
                        "ConditionExpression": "attribute_not_exists(pk) OR rev = :expected",
                        "ExpressionAttributeValues": {":expected": link.rev},
                    }
                }
            )
        self._transact(items, saved)
        return saved

    def _transact(self, items: list[dict[str, Any]], link: SyncLink) -> None:
        try:
            self._table.meta.client.transact_write_items(TransactItems=items)
        except ClientError as exc:
            if exc.response["Error"]["Code"] in {
                "TransactionCanceledException",
                "ConditionalCheckFailedException",
            }:
                raise ConcurrentLinkUpdateError(
                    f"link {link.refs()[0]} changed while we worked on it"
                ) from exc
            raise
