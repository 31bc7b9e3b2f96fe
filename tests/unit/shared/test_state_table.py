"""The state table over a DynamoDB client (shared/state/table.py) takes and answers the same
Python values as boto3's Table resource, for every call the stores make: items with Decimal,
bytes and sets, conditional writes, updates, begins_with queries, batch writes, and the
transactions and batch reads the stores send through ``meta.client``."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from sandbox.aws import create_tables
from shared.state.table import Table
from shared.topology import STATE_TABLE

ITEM = {
    "pk": "CONN#acme",
    "sk": "LINK#1",
    "amount": Decimal("1234.56"),
    "blob": b"\x00\x01",
    "tags": {"a", "b"},
    "nested": {"list": [Decimal(1), "x", None, True]},
}


@pytest.fixture
def tables() -> Iterator[tuple[Table, Any]]:
    """The client-backed table and boto3's resource table over the same moto table."""
    with mock_aws():
        create_tables(boto3.client("dynamodb"))
        yield (
            Table(boto3.client("dynamodb"), STATE_TABLE.name),
            boto3.resource("dynamodb").Table(STATE_TABLE.name),
        )


def _plain(item: dict[str, Any]) -> dict[str, Any]:
    """An item with its Binary values as bytes (the resource answers boto3 Binary)."""
    return {k: bytes(v.value) if hasattr(v, "value") else v for k, v in item.items()}


def test_an_item_written_through_the_client_reads_back_the_same_through_both(
    tables: tuple[Table, Any],
) -> None:
    table, resource = tables
    # Given an item of Python values put through the client-backed table
    table.put_item(Item=ITEM)
    # When it is read through the table and through boto3's resource
    key = {"pk": ITEM["pk"], "sk": ITEM["sk"]}
    mine = table.get_item(Key=key, ConsistentRead=True)["Item"]
    theirs = resource.get_item(Key=key, ConsistentRead=True)["Item"]
    # Then both give the item as it was written
    assert _plain(mine) == ITEM
    assert _plain(theirs) == ITEM
    assert table.name == STATE_TABLE.name


def test_conditional_writes_updates_and_deletes_behave_as_through_the_resource(
    tables: tuple[Table, Any],
) -> None:
    table, resource = tables
    resource.put_item(Item={"pk": "P", "sk": "S", "n": Decimal(1)})
    key = {"pk": "P", "sk": "S"}
    # When a put conditioned on the item's absence meets it
    with pytest.raises(ClientError) as caught:
        table.put_item(
            Item={**key, "n": Decimal(9)}, ConditionExpression="attribute_not_exists(pk)"
        )
    # Then DynamoDB's condition failure is raised and the item kept
    assert caught.value.response["Error"]["Code"] == "ConditionalCheckFailedException"
    assert resource.get_item(Key=key)["Item"]["n"] == Decimal(1)
    # When it is updated with expression values in Python types
    answer = table.update_item(
        Key=key,
        UpdateExpression="SET n = n + :one",
        ConditionExpression="n = :was",
        ExpressionAttributeValues={":one": Decimal(1), ":was": Decimal(1)},
        ReturnValues="ALL_NEW",
    )
    # Then the answer and the stored item have the new value
    assert answer["Attributes"]["n"] == Decimal(2)
    assert resource.get_item(Key=key)["Item"]["n"] == Decimal(2)
    # When it is deleted
    table.delete_item(Key=key)
    # Then it is gone
    assert "Item" not in resource.get_item(Key=key)


def test_queries_page_by_prefix_with_python_values(tables: tuple[Table, Any]) -> None:
    table, resource = tables
    # Given three items under one key, two of them with the prefix
    for sk in ("AUDIT#1", "AUDIT#2", "CURSOR#x"):
        resource.put_item(Item={"pk": "CONN#q", "sk": sk})
    # When the prefix is queried a page of one at a time
    kwargs: dict[str, Any] = {
        "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
        "ExpressionAttributeValues": {":pk": "CONN#q", ":prefix": "AUDIT#"},
        "Limit": 1,
    }
    found = []
    while True:
        page = table.query(**kwargs)
        found += [item["sk"] for item in page["Items"]]
        if "LastEvaluatedKey" not in page:
            break
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    # Then exactly the prefixed items come back, in order
    assert found == ["AUDIT#1", "AUDIT#2"]


def test_batch_writes_transactions_and_batch_reads_go_through_its_client(
    tables: tuple[Table, Any],
) -> None:
    table, resource = tables
    # When 30 items are written with the batch writer (more than one BatchWriteItem)
    with table.batch_writer() as batch:
        for n in range(30):
            batch.put_item(Item={"pk": "B", "sk": f"{n:02d}", "n": Decimal(n)})
    # And two items are written in one transaction of Python values
    table.meta.client.transact_write_items(
        TransactItems=[
            {"Put": {"TableName": table.name, "Item": {"pk": "T", "sk": str(n), "v": {"x"}}}}
            for n in (1, 2)
        ]
    )
    # Then a batch read through the client answers them in Python values
    answer = table.meta.client.batch_get_item(
        RequestItems={
            table.name: {"Keys": [{"pk": "T", "sk": "1"}, {"pk": "B", "sk": "29"}]},
        }
    )
    got = {(item["pk"], item["sk"]): item for item in answer["Responses"][table.name]}
    assert got[("T", "1")]["v"] == {"x"}
    assert got[("B", "29")]["n"] == Decimal(29)
    # And the resource sees all thirty batch-written items
    page = resource.query(KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": "B"})
    assert len(page["Items"]) == 30


def test_making_a_client_speak_python_twice_transforms_values_once() -> None:
    with mock_aws():
        create_tables(boto3.client("dynamodb"))
        client = boto3.client("dynamodb")
        # Given two tables over the same client (the handlers registered twice)
        first, second = Table(client, STATE_TABLE.name), Table(client, STATE_TABLE.name)
        # When an item is written through one and read through the other
        first.put_item(Item={"pk": "D", "sk": "1", "n": Decimal("2.5")})
        item = second.get_item(Key={"pk": "D", "sk": "1"})["Item"]
        # Then the value went out and came back transformed exactly once
        assert item == {"pk": "D", "sk": "1", "n": Decimal("2.5")}
