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
