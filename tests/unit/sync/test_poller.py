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


class _FeedErp:
    """The fake ERP with a change feed (as Intacct's audit trail): it answers which objects
    changed with ``answer`` and counts the queries the poller makes."""

    def __init__(self, inner, answer):
        self._inner = inner
        self.answer = answer
        self.asked: list[dict] = []
        self.queried: list[str] = []

    def __getattr__(self, name):
        return getattr(self._inner, name)

    def changed_objects(self, since):
        self.asked.append(dict(since))
        return self.answer

    def changed_since(self, obj, since, fields, page_size):
        self.queried.append(obj)
        return self._inner.changed_since(obj, since, fields, page_size)


def _fed_poller(bench, publisher, feed):
    from shared.sync.engine import Sides

    sides = Sides(crm=bench.sides.crm, erp=feed)
    return Poller(bench.connection, sides, bench.cursors, publisher, bench.metrics)


def test_an_object_the_change_feed_calls_unchanged_is_not_queried_once_checked(bench):
    # Given an ERP whose change feed says nothing changed
    feed = _FeedErp(bench.sides.erp, answer={})
    kept = KeptMessages()
    # When it is polled twice
    _fed_poller(bench, kept, feed).poll()
    _fed_poller(bench, kept, feed).poll()
    # Then the first poll queries the object anyway (never checked: the sweep), notes when,
    # and the second asks the feed only
    assert feed.queried == ["Party"]
    assert len(feed.asked) == 2
    assert feed.asked[0] == {"Party": None}
    assert bench.cursors.get("unit", "fakeerp", "Party").checked_at is not None


def test_an_object_the_change_feed_names_is_queried_and_its_changes_handed_off(bench):
    from datetime import UTC, datetime

    # Given a party changed in the ERP, and a first poll that set the cursor
    feed = _FeedErp(bench.sides.erp, answer={})
    kept = KeptMessages()
    bench.erp.table("Party")["P-1"] = {"code": "P-1", "name": "Bo", "_stamp": bench.erp.tick()}
    _fed_poller(bench, kept, feed).poll()
    assert [str(e.ref) for e in kept.sent] == ["fakeerp/Party/P-1"]
    # When the party changes again and the feed names the object
    bench.erp.table("Party")["P-1"].update(name="Bob", _stamp=bench.erp.tick())
    feed.answer = {"Party": datetime.now(UTC)}
    since = bench.cursors.get("unit", "fakeerp", "Party").since
    _fed_poller(bench, kept, feed).poll()
    # Then the poll asked the feed from the cursor's time, queried, and handed the edit off
    assert feed.asked[-1]["Party"] == since
    assert feed.queried == ["Party", "Party"]
    assert [str(e.ref) for e in kept.sent] == ["fakeerp/Party/P-1", "fakeerp/Party/P-1"]


def test_an_object_is_queried_when_the_feed_cannot_tell_or_the_sweep_is_due(bench):
    from datetime import UTC, datetime

    from shared.sync.poller import SWEEP

    feed = _FeedErp(bench.sides.erp, answer={})
    kept = KeptMessages()
    _fed_poller(bench, kept, feed).poll()  # checked now
    # When the feed cannot tell (e.g. the trail is refused)
    feed.answer = None
    _fed_poller(bench, kept, feed).poll()
    # Then the object is queried
    assert feed.queried == ["Party", "Party"]
    # And when the feed says unchanged but the last query is older than the sweep
    feed.answer = {}
    cursor = bench.cursors.get("unit", "fakeerp", "Party")
    stale = cursor.model_copy(update={"checked_at": datetime.now(UTC) - SWEEP})
    bench.cursors.put("unit", "fakeerp", "Party", stale)
    _fed_poller(bench, kept, feed).poll()
    # Then it is queried again, and the note of the query is renewed
    assert feed.queried == ["Party", "Party", "Party"]
    assert bench.cursors.get("unit", "fakeerp", "Party").checked_at > stale.checked_at
    # A system with no feed (the CRM here) is queried every poll
    assert kept.sent == []


class _CountingCursors:
    """The cursor store, noting how many keys each save wrote."""

    def __init__(self, inner):
        self._inner = inner
        self.keys_written: list[int] = []

    def get(self, *args):
        return self._inner.get(*args)

    def put(self, connection_id, system, obj, cursor):
        self.keys_written.append(len(cursor.recent))
        self._inner.put(connection_id, system, obj, cursor)


def test_a_burst_inside_one_overlap_window_saves_its_cursor_in_proportion_to_its_records(bench):
    stamp = bench.crm.tick()
    for n, first in ((300, 0), (3000, 300)):
        # Given n new people in the CRM, all stamped within one overlap window
        for i in range(first, first + n):
            bench.crm.table("Person")[f"PER{i:05d}"] = {"name": f"P{i}", "_stamp": stamp}
        cursors = _CountingCursors(bench.cursors)
        kept = KeptMessages()
        # When one poll hands them off
        Poller(bench.connection, bench.sides, cursors, kept, bench.metrics).poll()
        # Then every one is handed off, the cursor ends holding every key of the window,
        assert len(kept.sent) == n
        assert len(bench.cursors.get("unit", "fakecrm", "Person").recent) == first + n
        # and its saves wrote fewer than three keys per record in all, at either size (each
        # hand-off of 100 saving the whole window wrote n / 200 keys per record: 15 at 3000)
        assert sum(cursors.keys_written) < 3 * (first + n)


def test_a_poll_of_exactly_a_hand_off_keeps_the_cursor_it_moved_to(bench):
    from datetime import UTC, datetime

    from shared.sync.poller import HANDOFF_BATCH, SWEEP

    # Given an ERP with a change feed whose object was last queried half a sweep ago
    feed = _FeedErp(bench.sides.erp, answer=None)
    stale = bench.cursors.get("unit", "fakeerp", "Party").model_copy(
        update={"checked_at": datetime.now(UTC) - SWEEP}
    )
    bench.cursors.put("unit", "fakeerp", "Party", stale)
    # and exactly one hand-off's worth of changed parties
    for i in range(HANDOFF_BATCH):
        bench.erp.table("Party")[f"P-{i}"] = {
            "code": f"P-{i}",
            "name": "B",
            "_stamp": bench.erp.tick(),
        }
    kept = KeptMessages()
    # When it is polled
    _fed_poller(bench, kept, feed).poll()
    # Then the cursor stays past them (not put back to the old one with a new check time),
    cursor = bench.cursors.get("unit", "fakeerp", "Party")
    assert cursor.since == bench.erp.table("Party")[f"P-{HANDOFF_BATCH - 1}"]["_stamp"]
    # and the next poll hands none of them off again
    _fed_poller(bench, kept, feed).poll()
    assert len(kept.sent) == HANDOFF_BATCH


class _MarkedErp(_FeedErp):
    """The fake ERP with a change feed that marks each object's changes (as Intacct's audit
    trail counts its rows): ``marks`` answers, ``anchors`` records what was asked."""

    def __init__(self, inner, marks):
        super().__init__(inner, answer=None)
        self.marks = marks
        self.anchors: list[dict] = []

    def change_marks(self, anchors):
        self.anchors.append(dict(anchors))
        return dict(self.marks)


def test_an_object_whose_mark_is_unchanged_is_not_queried_again_inside_the_overlap(bench):
    from datetime import UTC, datetime

    from shared.sync.poller import SWEEP

    # Given a party changed in the ERP, polled once (the object queried, its mark noted)
    feed = _MarkedErp(bench.sides.erp, marks={"Party": "t1#1"})
    kept = KeptMessages()
    bench.erp.table("Party")["P-1"] = {"code": "P-1", "name": "Bo", "_stamp": bench.erp.tick()}
    _fed_poller(bench, kept, feed).poll()
    assert feed.queried == ["Party"]
    assert bench.cursors.get("unit", "fakeerp", "Party").mark == "t1#1"
    # When the next poll finds the same mark (the change is still inside the overlap)
    _fed_poller(bench, kept, feed).poll()
    # Then the object is not queried again, and the anchor asked about is the noted one
    assert feed.queried == ["Party"]
    assert feed.anchors[1] == feed.anchors[0]
    # And when the mark moves (another change), it is queried and the new mark noted
    bench.erp.table("Party")["P-1"].update(name="Bob", _stamp=bench.erp.tick())
    feed.marks = {"Party": "t1#2"}
    _fed_poller(bench, kept, feed).poll()
    assert feed.queried == ["Party", "Party"]
    assert [str(e.ref) for e in kept.sent] == ["fakeerp/Party/P-1", "fakeerp/Party/P-1"]
    assert bench.cursors.get("unit", "fakeerp", "Party").mark == "t1#2"
    # And once the sweep is due, it is queried whatever the mark, from a new anchor
    cursor = bench.cursors.get("unit", "fakeerp", "Party")
    stale = cursor.model_copy(update={"checked_at": datetime.now(UTC) - SWEEP})
    bench.cursors.put("unit", "fakeerp", "Party", stale)
    _fed_poller(bench, kept, feed).poll()
    assert feed.queried == ["Party", "Party", "Party"]
    assert bench.cursors.get("unit", "fakeerp", "Party").anchor != feed.anchors[0]["Party"]
