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
