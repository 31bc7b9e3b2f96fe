"""The poller's own decisions: what it hands off, and when its cursor moves."""

from __future__ import annotations

import pytest

from shared.queues import PublishError
from shared.sync.poller import Poller
from tests.unit.sync.conftest import KeptMessages


def _poller(bench, publisher):
    return Poller(bench.connection, bench.sides, bench.cursors, publisher, bench.metrics)


def test_every_changed_record_of_both_sides_is_handed_off_with_its_snapshot(bench):
    bench.crm.table("Person")["PER1"] = {"name": "Ada", "_stamp": bench.crm.tick()}
    bench.erp.table("Party")["P-1"] = {"code": "P-1", "name": "Bo", "_stamp": bench.erp.tick()}
    kept = KeptMessages()
    handed = _poller(bench, kept).poll()
    assert handed == {"fakeerp/Party": 1, "fakecrm/Person": 1}
    assert {str(e.ref) for e in kept.sent} == {"fakecrm/Person/PER1", "fakeerp/Party/P-1"}
    assert all(e.snapshot is not None and e.source == "poll" for e in kept.sent)
    # One poll run, one correlation id on every event it handed off
    assert len({e.correlation_id for e in kept.sent}) == 1


def test_records_already_handed_off_are_not_sent_again_even_inside_the_overlap(bench):
    bench.crm.table("Person")["PER1"] = {"name": "Ada", "_stamp": bench.crm.tick()}
    bench.crm.table("Person")["PER2"] = {
        "name": "Bo",
        "_stamp": bench.crm.table("Person")["PER1"]["_stamp"],
    }
    kept = KeptMessages()
    _poller(bench, kept).poll()
    assert len(kept.sent) == 2  # two records sharing one stamp: both handed off
    _poller(bench, kept).poll()
    assert len(kept.sent) == 2
    # A record changed again is handed off again
    bench.crm.table("Person")["PER2"].update({"name": "Bob", "_stamp": bench.crm.tick()})
    _poller(bench, kept).poll()
    assert [str(e.ref) for e in kept.sent[2:]] == ["fakecrm/Person/PER2"]


def test_the_cursor_moves_only_after_the_queue_took_the_events(bench):
    bench.crm.table("Person")["PER1"] = {"name": "Ada", "_stamp": bench.crm.tick()}
    refusing = KeptMessages(refuse=True)
    with pytest.raises(PublishError):
        _poller(bench, refusing).poll()
    assert bench.cursors.get("unit", "fakecrm", "Person").since is None
    # The next poll, with the queue back, hands the record off
    kept = KeptMessages()
    _poller(bench, kept).poll()
    assert [str(e.ref) for e in kept.sent] == ["fakecrm/Person/PER1"]
    assert bench.cursors.get("unit", "fakecrm", "Person").since is not None


def _filtered_poller(bench, publisher):
    from shared.sync.echoes import EchoFilter

    echoes = EchoFilter(bench.engine(), bench.links, bench.sides, bench.metrics)
    return Poller(
        bench.connection, bench.sides, bench.cursors, publisher, bench.metrics, echoes=echoes
    )


def test_versions_the_engine_would_skip_are_not_queued_and_changes_are(bench):
    from shared.models.events import ChangeEvent

    # Given a CRM person synced to the ERP (the ERP party now exists, the CRM shows its key)
    bench.crm.table("Person")["PER1"] = {"name": "Ada", "_stamp": bench.crm.tick()}
    first = KeptMessages()
    _filtered_poller(bench, first).poll()
    assert [str(e.ref) for e in first.sent] == ["fakecrm/Person/PER1"]
    bench.engine().apply(first.sent[0])
    # When both sides are polled again: our own writes (the party, the key on the person)
    kept = KeptMessages()
    _filtered_poller(bench, kept).poll()
    # Then nothing is queued, and the echoes are counted
    assert kept.sent == []
    assert bench.metrics.counts["EchoSkipped"] >= 2
    # And a real edit on the ERP side is queued
    party = next(iter(bench.erp.table("Party")))
    bench.erp.table("Party")[party].update(email="ada@example.com", _stamp=bench.erp.tick())
    _filtered_poller(bench, kept).poll()
    assert [str(e.ref) for e in kept.sent] == [f"fakeerp/Party/{party}"]
    assert isinstance(kept.sent[0], ChangeEvent)
