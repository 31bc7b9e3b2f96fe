"""A warm container stays as fast on its thousandth message as on its first: nothing is
added to the AWS clients per message."""

from __future__ import annotations


def _handlers(client) -> int:
    """How many hooks run around each DynamoDB GetItem this client sends."""
    emitter = client.meta.events._emitter
    events = ("before-call.dynamodb.GetItem", "after-call.dynamodb.GetItem", "request-created")
    return sum(len(emitter._handlers.prefix_search(event)) for event in events)


def test_processing_messages_adds_no_hooks_to_the_dynamodb_client(world, sf_api):
    # Given a warm container that has processed one change
    sf_api.create("Account", Name="Warm Up Ltd")
    world.settle()
    before = _handlers(world.runtime.dynamodb_client)
    # When it processes twenty more
    for n in range(20):
        sf_api.create("Account", Name=f"Busy {n} Ltd")
    world.settle()
    # Then its DynamoDB client carries no more event hooks than before
    assert _handlers(world.runtime.dynamodb_client) == before
