"""What a Zoho connection remembers about its finance data in the CRM, in the state table
under its own cursor keys (system ``zoho-finance-mirror``): per Books module, the last
``last_modified_time`` mirrored (its cursor); and ``state``: which modules' data are in the
CRM now, and whether the link itself turned the CRM's multi-currency on (so that disabling
the link turns it back off only then)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from shared.pairs.plugin import PairContext
from shared.state.cursors import PollCursor

MIRROR_SYSTEM = "zoho-finance-mirror"
STATE_OBJECT = "state"


class FinanceState(BaseModel):
    model_config = ConfigDict(frozen=True)

    mirrored: tuple[str, ...] = ()  # switches whose data are in the CRM
    multi_currency_by_link: bool = False


def load_state(ctx: PairContext) -> FinanceState:
    cursor = ctx.cursors.get(ctx.connection.connection_id, MIRROR_SYSTEM, STATE_OBJECT)
    raw = cursor.recent.get(STATE_OBJECT)
    return FinanceState.model_validate_json(raw) if raw else FinanceState()


def save_state(ctx: PairContext, state: FinanceState) -> None:
    cursor = PollCursor(recent={STATE_OBJECT: state.model_dump_json()})
    ctx.cursors.put(ctx.connection.connection_id, MIRROR_SYSTEM, STATE_OBJECT, cursor)


def mirrored_until(ctx: PairContext, switch: str) -> PollCursor:
    """The module's cursor: ``since`` the last stamp mirrored, ``recent`` the documents
    mirrored at that very stamp (id -> stamp), which the next read (at or after it) skips."""
    return ctx.cursors.get(ctx.connection.connection_id, MIRROR_SYSTEM, switch)


def mark_mirrored(
    ctx: PairContext, switch: str, until: datetime | None, recent: dict[str, str] | None = None
) -> None:
    cursor = PollCursor(since=until, recent=recent or {})
    ctx.cursors.put(ctx.connection.connection_id, MIRROR_SYSTEM, switch, cursor)
