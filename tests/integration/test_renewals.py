"""A retryable failure at a message's last delivery: a fresh copy of the message, not SQS's
silent move to the DLQ; after the last copy, the DLQ with the reason (shared/queue_worker.py)."""

from __future__ import annotations

from typing import Any

from shared.models.events import ChangeEvent, RecordRef
from shared.queue_worker import RENEWALS
from shared.queues import PublishError
from shared.topology import CHANGES

LAST = CHANGES.max_receive_count


def _task_waiting_for_its_project(world, sf_api) -> tuple[str, str]:
    """A Salesforce project and its task; the project not synced yet: (project, task)."""
    project = sf_api.create("Intacct_Project__c", Name="Globex migration", Account__c=None)
    task = sf_api.create("Intacct_Project_Task__c", Name="Cut-over", Project__c=project)
    return project, task


def _deliver(world, task: str, receive_count: int, renewals: int | None = None) -> dict[str, Any]:
    event = ChangeEvent(
        connection_id=world.connection.connection_id,
        ref=RecordRef(system="salesforce", object="Intacct_Project_Task__c", record_id=task),
        source="webhook",
    )
    record: dict[str, Any] = {
        "messageId": "m-1",
        "receiptHandle": "r",
        "body": event.model_dump_json(),
        "attributes": {"ApproximateReceiveCount": str(receive_count)},
        "messageAttributes": {},
        "eventSource": "aws:sqs",
    }
    if renewals is not None:
        attribute = {"stringValue": str(renewals), "dataType": "String"}
        record["messageAttributes"]["renewals"] = attribute
    answer: dict[str, Any] = world.runner.invoke("sync_records", {"Records": [record]})
    return answer


def _queued(world) -> list[dict[str, Any]]:
    answer = world.runtime.sqs.receive_message(
        QueueUrl=world.resources.queues[CHANGES.key].url,
        MaxNumberOfMessages=10,
        MessageAttributeNames=["All"],
        VisibilityTimeout=0,
    )
    return list(answer.get("Messages", []))


def test_an_early_failed_delivery_is_left_to_sqs_to_deliver_again(world, sf_api):
    # Given a task whose project is not linked yet
    _, task = _task_waiting_for_its_project(world, sf_api)
    # When its message fails at a delivery before the last
    answer = _deliver(world, task, receive_count=LAST - 1)
    # Then SQS is asked to deliver it again, and no copy is queued
    assert answer == {"batchItemFailures": [{"itemIdentifier": "m-1"}]}
    assert _queued(world) == []
    assert world.dead_letters() == []


def test_a_task_still_waiting_at_its_last_delivery_gets_a_fresh_copy_then_syncs(world, sf_api):
    # Given a task whose project is not linked yet
    project, task = _task_waiting_for_its_project(world, sf_api)
    # When its message fails at its last delivery
    answer = _deliver(world, task, receive_count=LAST)
    # Then the delivery is done, and a fresh copy (one renewal) waits on the queue: no DLQ
    assert answer == {"batchItemFailures": []}
    [copy] = _queued(world)
    assert copy["MessageAttributes"]["renewals"]["StringValue"] == "1"
    assert ChangeEvent.model_validate_json(copy["Body"]).ref.record_id == task
    assert world.dead_letters() == []
    # And once the project syncs, the copy takes the task to Intacct under it
    sf_api.update("Intacct_Project__c", project, Name="Globex migration (phase 1)")
    world.settle()
    [intacct_task] = world.intacct.records("TASK")
    [intacct_project] = world.intacct.records("PROJECT")
    assert intacct_task["PROJECTID"] == intacct_project["PROJECTID"]
    assert world.dead_letters() == []


def test_a_copy_renewed_again_counts_its_renewals(world, sf_api):
    # Given a task's message already renewed twice, still waiting at its last delivery
    _, task = _task_waiting_for_its_project(world, sf_api)
    _deliver(world, task, receive_count=LAST, renewals=2)
    # Then its fresh copy says three
    [copy] = _queued(world)
    assert copy["MessageAttributes"]["renewals"]["StringValue"] == "3"


def test_a_message_out_of_renewals_goes_to_the_dlq_with_its_reason(world, sf_api):
    # Given a task's message on its last copy, its project still not linked
    _, task = _task_waiting_for_its_project(world, sf_api)
    # When its last delivery fails
    answer = _deliver(world, task, receive_count=LAST, renewals=RENEWALS)
    # Then it is in the DLQ, saying how long it tried and why, and no copy is queued
    assert answer == {"batchItemFailures": []}
    assert _queued(world) == []
    [dead] = world.dead_letters()
    reason = dead["MessageAttributes"]["reason"]["StringValue"]
    assert reason.startswith(f"still failing after {(RENEWALS + 1) * LAST} deliveries: ")
    assert "project" in reason.lower()
    # And the task never reached Intacct
    assert world.intacct.records("TASK") == []


def test_a_copy_sqs_refuses_leaves_the_message_to_sqs(world, sf_api, monkeypatch):
    # Given a task waiting at its last delivery, and SQS refusing the fresh copy
    _, task = _task_waiting_for_its_project(world, sf_api)

    def refusing(queue: str) -> Any:
        class Refusing:
            def publish(self, messages: Any) -> int:
                list(messages)
                raise PublishError("SQS refused 1 of 1 messages: InternalError")

        return Refusing()

    monkeypatch.setattr(type(world.runtime), "publisher", lambda self, queue: refusing(queue))
    # When the delivery fails
    answer = _deliver(world, task, receive_count=LAST)
    # Then the message is reported failed (SQS's redrive is the backstop), nothing is lost
    assert answer == {"batchItemFailures": [{"itemIdentifier": "m-1"}]}
    assert _queued(world) == []
