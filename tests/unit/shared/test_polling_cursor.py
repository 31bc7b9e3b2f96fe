from datetime import UTC, datetime, timedelta

from shared.state.cursors import PollCursor
from shared.sync.poller import _CursorState

T0 = datetime(2026, 11, 1, 10, 0, 0, tzinfo=UTC)


def test_a_record_handed_off_at_a_stamp_is_not_handed_off_again():
    state = _CursorState(PollCursor())
    state.hand("C-1", T0.isoformat(), T0)
    assert state.already_handed("C-1", T0.isoformat())
    assert not state.already_handed("C-1", (T0 + timedelta(seconds=1)).isoformat())
    assert not state.already_handed("C-2", T0.isoformat())


def test_the_cursor_keeps_only_keys_inside_the_overlap_window():
    state = _CursorState(PollCursor())
    old = T0 - timedelta(minutes=5)
    state.hand("OLD", old.isoformat(), old)
    state.hand("NEW", T0.isoformat(), T0)
    cursor = state.snapshot(timedelta(seconds=60))
    assert cursor.since == T0
    assert set(cursor.recent) == {"NEW"}


def test_the_cursor_never_moves_backwards():
    state = _CursorState(PollCursor(since=T0))
    earlier = T0 - timedelta(seconds=30)
    state.hand("LATE", earlier.isoformat(), earlier)  # committed late, inside the overlap
    assert state.snapshot(timedelta(seconds=60)).since == T0


def test_a_cursor_is_stored_compressed_and_one_stored_plainly_still_reads():
    import boto3
    from moto import mock_aws

    from sandbox.aws import create_tables
    from shared.state import keys
    from shared.state.cursors import CursorStore
    from shared.topology import STATE_TABLE

    with mock_aws():
        create_tables(boto3.client("dynamodb", region_name="us-east-1"))
        table = boto3.resource("dynamodb", region_name="us-east-1").Table(STATE_TABLE.name)
        store = CursorStore(table)
        # Given a cursor holding 200 keys of one overlap window
        recent = {f"0015g0000{i:06d}AAA": f"{T0.isoformat()}#{i:016x}" for i in range(200)}
        cursor = PollCursor(since=T0, recent=recent, checked_at=T0)
        # When it is saved and read back
        store.put("c", "intacct", "CUSTOMER", cursor)
        # Then it reads back whole, and is stored in far fewer bytes than its JSON
        assert store.get("c", "intacct", "CUSTOMER") == cursor
        pk = keys.cursor("c", "intacct", "CUSTOMER")
        item = table.get_item(Key={"pk": pk, "sk": keys.CURSOR_SK})["Item"]
        assert len(bytes(item["z"].value)) * 3 < len(cursor.model_dump_json())
        # And a cursor stored before compression (plain JSON) still reads
        table.put_item(Item={"pk": pk, "sk": keys.CURSOR_SK, "cursor": cursor.model_dump_json()})
        assert store.get("c", "intacct", "CUSTOMER") == cursor


def test_keys_leave_the_window_as_the_cursor_moves_and_the_poll_still_knows_them():
    # Given a key handed off, then another five minutes later (the cursor moves past it)
    state = _CursorState(PollCursor())
    state.hand("A", T0.isoformat(), T0)
    assert set(state.snapshot(timedelta(seconds=60)).recent) == {"A"}
    later = T0 + timedelta(minutes=5)
    state.hand("B", f"{later.isoformat()}#d1", later)
    # When the cursor is taken again
    cursor = state.snapshot(timedelta(seconds=60))
    # Then the first key has left the window, the poll still knows it was handed off,
    assert set(cursor.recent) == {"B"}
    assert state.already_handed("A", T0.isoformat())
    # and a key handed again inside the window (a new mark) is back in the next cursor
    state.hand("A", f"{later.isoformat()}#d2", later)
    assert state.snapshot(timedelta(seconds=60)).recent == {
        "A": f"{later.isoformat()}#d2",
        "B": f"{later.isoformat()}#d1",
    }


def test_a_mark_without_a_stamp_leaves_the_window_once_the_cursor_has_a_time():
    state = _CursorState(PollCursor(recent={"NOSTAMP": "#digest"}))
    state.hand("C-1", T0.isoformat(), T0)
    assert set(state.snapshot(timedelta(seconds=60)).recent) == {"C-1"}


def test_a_save_is_due_once_a_poll_handed_as_many_records_as_the_stored_cursor_held():
    # Given a stored cursor holding 300 keys inside its window (a burst polled before)
    stored = PollCursor(since=T0, recent={f"K{i}": f"{T0.isoformat()}#d" for i in range(300)})
    state = _CursorState(stored)
    # When a poll hands 200 records on
    for i in range(200):
        state.hand(f"N{i}", f"{T0.isoformat()}#n", T0)
    # Then no save is due yet (a save would rewrite its 500 keys for 200 new ones) ...
    assert not state.save_due()
    # ... until it handed as many as the stored cursor held
    for i in range(200, 300):
        state.hand(f"N{i}", f"{T0.isoformat()}#n", T0)
    assert state.save_due()
