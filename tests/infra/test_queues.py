import pytest

from infra.constructs.schedules import FAILED_RUNS_QUEUE
from shared.topology import QUEUES, consumer_of
from tests.infra.helpers import queue_id, resources

pytestmark = pytest.mark.infra


@pytest.mark.parametrize("spec", QUEUES, ids=lambda s: s.key)
def test_each_fifo_queue_has_a_fifo_dlq_with_the_topology_receive_count(template, spec):
    queues = resources(template, "AWS::SQS::Queue")
    main = queues[queue_id(template, spec.name)]["Properties"]
    dlq_id = queue_id(template, spec.dlq_name)
    dlq = queues[dlq_id]["Properties"]

    assert main["FifoQueue"] is True
    assert dlq["FifoQueue"] is True
    assert main["RedrivePolicy"] == {
        "deadLetterTargetArn": {"Fn::GetAtt": [dlq_id, "Arn"]},
        "maxReceiveCount": spec.max_receive_count,
    }
    assert main["VisibilityTimeout"] == spec.visibility_timeout_s


@pytest.mark.parametrize("spec", QUEUES, ids=lambda s: s.key)
def test_queues_take_explicit_dedup_ids_and_are_encrypted(template, spec):
    queues = resources(template, "AWS::SQS::Queue")
    for name in (spec.name, spec.dlq_name):
        props = queues[queue_id(template, name)]["Properties"]
        assert props["ContentBasedDeduplication"] is False, name
        assert props["SqsManagedSseEnabled"] is True, name


def test_every_queue_refuses_plain_http(template):
    policies = resources(template, "AWS::SQS::QueuePolicy").values()
    guarded = set()
    for policy in policies:
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            if statement["Effect"] == "Deny" and statement.get("Condition") == {
                "Bool": {"aws:SecureTransport": "false"}
            }:
                guarded.update(q["Ref"] for q in policy["Properties"]["Queues"])
    expected = {queue_id(template, n) for s in QUEUES for n in (s.name, s.dlq_name)}
    expected.add(queue_id(template, FAILED_RUNS_QUEUE))
    assert guarded == expected


@pytest.mark.parametrize("spec", QUEUES, ids=lambda s: s.key)
def test_dead_letters_outlive_the_stack_and_live_queues_do_not(template, spec):
    # unresolved dead letters are data: changes that have not reached the other system yet
    queues = resources(template, "AWS::SQS::Queue")
    assert queues[queue_id(template, spec.dlq_name)]["DeletionPolicy"] == "Retain"
    assert queues[queue_id(template, spec.name)]["DeletionPolicy"] == "Delete"


def test_failed_scheduled_runs_queue_is_encrypted_and_retained(template):
    failed = resources(template, "AWS::SQS::Queue")[queue_id(template, FAILED_RUNS_QUEUE)]
    assert failed["DeletionPolicy"] == "Retain"
    assert failed["Properties"]["SqsManagedSseEnabled"] is True


@pytest.mark.parametrize("spec", QUEUES, ids=lambda s: s.key)
def test_queue_names_carry_the_stage(template, spec):
    names = {q["Properties"]["QueueName"] for q in resources(template, "AWS::SQS::Queue").values()}
    assert {f"prod-{spec.name}", f"prod-{spec.dlq_name}"} <= names


@pytest.mark.parametrize("spec", QUEUES, ids=lambda s: s.key)
def test_visibility_timeout_is_six_times_the_consumer_timeout(spec):
    # AWS's guidance for SQS event sources: leave room for the consumer's retries.
    assert spec.visibility_timeout_s >= 6 * consumer_of(spec.key).timeout_s
