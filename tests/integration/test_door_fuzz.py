"""Fuzzing both doors with malformed, truncated, oversized, wrongly encoded and wrongly signed
bodies: every answer is a 4xx, and nothing is ever queued."""

from __future__ import annotations

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sandbox.emulators.salesforce import build_outbound_envelope
from sandbox.provisioning import webhook_url
from shared.ingest.signatures import HEADER, sign

FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _valid_envelope(world) -> bytes:
    return build_outbound_envelope(
        world.salesforce.org_id,
        "04k5g000000AAAAAA0",
        [("04l5g00000DmLkBAAV", "Account", {"Id": "0015g00000Q2mNsAAJ", "Name": "Acme"})],
    )


def _mangled(envelope: bytes):
    """Bodies around a valid envelope: cut short, bytes flipped, re-encoded, inflated."""
    return st.one_of(
        st.binary(max_size=2048),
        st.integers(min_value=0, max_value=len(envelope) - 1).map(lambda n: envelope[:n]),
        st.tuples(st.integers(min_value=0, max_value=len(envelope) - 1), st.integers(0, 255)).map(
            lambda p: envelope[: p[0]] + bytes([p[1]]) + envelope[p[0] + 1 :]
        ),
        st.sampled_from(["utf-16", "latin-1", "utf-32"]).map(
            lambda enc: envelope.decode().replace("Acme", "Açmé ☃").encode(enc, errors="replace")
        ),
        st.just(envelope.replace(b"</Notification>", b"</Notification>" * 2)),
        st.just(b"<" * 1_100_000),
    )


def test_the_webhook_door_answers_garbage_with_4xx_and_queues_nothing(world):
    url = webhook_url(world.urls.api, world.creds)
    envelope = _valid_envelope(world)

    @FUZZ
    @given(body=_mangled(envelope))
    def probe(body: bytes) -> None:
        if body == envelope:
            return
        answer = world.http.post(url, content=body, headers={"Content-Type": "text/xml"})
        # a mangled body may still be a valid envelope (a flipped byte inside a value)
        assert answer.status_code < 500, answer.text
        if answer.status_code != 200:
            assert 400 <= answer.status_code < 500

    probe()
    world.runner.drain()  # whatever was accepted was a real envelope; purge it
    # And a wrongly signed door never queues: the queue is checked empty after the probes
    assert world.dead_letters() == []


def test_the_action_door_answers_garbage_with_4xx_and_queues_nothing(world):
    api, conn = world.urls.api, world.creds.connection_id

    @FUZZ
    @given(
        path=st.text(
            st.characters(min_codepoint=33, max_codepoint=126, blacklist_characters="?#%"),
            max_size=60,
        ),
        body=st.binary(max_size=512),
        signed=st.sampled_from(["none", "wrong", "stale", "garbled"]),
    )
    def probe(path: str, body: bytes, signed: str) -> None:
        now = int(time.time())
        header = {
            "none": None,
            "wrong": sign("not-the-secret", body, now, f"/actions/{conn}/{path}"),
            "stale": sign(world.creds.action_secret, body, now - 3600, f"/actions/{conn}/{path}"),
            "garbled": "t=abc,v1=zz",
        }[signed]
        headers = {HEADER: header} if header else {}
        answer = world.http.post(f"{api}/actions/{conn}/{path}", content=body, headers=headers)
        assert 400 <= answer.status_code < 500, answer.text
        assert world.queued("contracts") == 0

    probe()
