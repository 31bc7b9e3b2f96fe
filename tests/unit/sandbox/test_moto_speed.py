"""The sandbox's cheap transaction backup restores exactly what moto's deep copy did."""

from __future__ import annotations

import boto3
import pytest
from boto3.dynamodb.conditions import Key
from moto import mock_aws

from sandbox.aws import create_tables
from sandbox.moto_speed import install
from shared.models.events import RecordRef
from shared.models.links import SideState, SyncLink
from shared.state.links import ConcurrentLinkUpdateError, LinkStore
from shared.topology import STATE_TABLE

CRM = RecordRef(system="salesforce", object="Account", record_id="001000000000001AAA")
ERP = RecordRef(system="intacct", object="CUSTOMER", record_id="C-1")


def test_a_refused_transaction_leaves_both_copies_of_a_link_as_they_were():
    install()
    with mock_aws():
        create_tables(boto3.client("dynamodb"))
        links = LinkStore(boto3.resource("dynamodb").Table(STATE_TABLE.name))
        # Given a saved link, and a second writer holding an old revision
        saved = links.save(
            SyncLink(connection_id="c", mapping="m", crm=SideState(ref=CRM), erp=SideState(ref=ERP))
        )
        links.save(saved.model_copy(update={"mapping": "newer"}))
        # When the old revision is saved with other content, the transaction is refused
        with pytest.raises(ConcurrentLinkUpdateError):
            links.save(saved.model_copy(update={"mapping": "stale"}))
        # Then both copies still hold the newer link, at the same revision
        by_crm, by_erp = links.get("c", CRM), links.get("c", ERP)
        assert by_crm is not None
        assert by_erp is not None
        assert (by_crm.mapping, by_crm.rev) == (by_erp.mapping, by_erp.rev) == ("newer", 2)


def test_a_query_answers_its_partition_in_range_key_order_as_before():
    install()
    with mock_aws():
        create_tables(boto3.client("dynamodb"))
        table = boto3.resource("dynamodb").Table(STATE_TABLE.name)
        for pk in ("A", "B"):
            for sk in ("3", "1", "2"):
                table.put_item(Item={"pk": pk, "sk": sk, "v": f"{pk}{sk}"})
        forward = table.query(KeyConditionExpression=Key("pk").eq("B"))["Items"]
        backward = table.query(KeyConditionExpression=Key("pk").eq("B"), ScanIndexForward=False)
        assert [i["v"] for i in forward] == ["B1", "B2", "B3"]
        assert [i["v"] for i in backward["Items"]] == ["B3", "B2", "B1"]
        assert table.query(KeyConditionExpression=Key("pk").eq("C"))["Items"] == []


def test_fifo_queues_still_deduplicate_and_count_their_messages():
    from botocore.exceptions import ClientError

    install()
    with mock_aws():
        sqs = boto3.client("sqs", region_name="us-east-1")
        url = sqs.create_queue(QueueName="q.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
        # Given three messages sent, one of them twice with its deduplication id
        for dedup in ("a", "b", "c", "a"):
            sqs.send_message(
                QueueUrl=url, MessageBody=dedup, MessageGroupId=dedup, MessageDeduplicationId=dedup
            )
        # Then the repeat was dropped, and the queue's attributes count and describe it whole
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        assert attributes["ApproximateNumberOfMessages"] == "3"
        assert attributes["ContentBasedDeduplication"] == "false"
        # And a message without a deduplication id is still refused (no content-based one)
        with pytest.raises(ClientError, match="MessageDeduplicationId"):
            sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g")


def test_a_cancelled_transaction_puts_back_every_item_it_touched():
    from botocore.exceptions import ClientError

    install()
    with mock_aws():
        client = boto3.client("dynamodb")
        create_tables(client)
        name = STATE_TABLE.name

        def key(pk: str) -> dict:
            return {"pk": {"S": pk}, "sk": {"S": "x"}}

        client.put_item(TableName=name, Item={**key("B"), "n": {"N": "1"}})
        client.put_item(TableName=name, Item={**key("D"), "n": {"N": "1"}})
        # Given a transaction that adds A, changes B, deletes D, then fails its check on C
        with pytest.raises(ClientError, match="TransactionCanceled"):
            client.transact_write_items(
                TransactItems=[
                    {"Put": {"TableName": name, "Item": {**key("A"), "n": {"N": "1"}}}},
                    {
                        "Update": {
                            "TableName": name,
                            "Key": key("B"),
                            "UpdateExpression": "SET n = :two",
                            "ExpressionAttributeValues": {":two": {"N": "2"}},
                        }
                    },
                    {"Delete": {"TableName": name, "Key": key("D")}},
                    {
                        "ConditionCheck": {
                            "TableName": name,
                            "Key": key("C"),
                            "ConditionExpression": "attribute_exists(pk)",
                        }
                    },
                ]
            )
        # Then nothing of it stays: A absent, B unchanged, D still there
        assert "Item" not in client.get_item(TableName=name, Key=key("A"))
        assert client.get_item(TableName=name, Key=key("B"))["Item"]["n"] == {"N": "1"}
        assert client.get_item(TableName=name, Key=key("D"))["Item"]["n"] == {"N": "1"}
        # And a transaction that passes keeps all it did
        client.transact_write_items(
            TransactItems=[{"Put": {"TableName": name, "Item": {**key("A"), "n": {"N": "3"}}}}]
        )
        assert client.get_item(TableName=name, Key=key("A"))["Item"]["n"] == {"N": "3"}
