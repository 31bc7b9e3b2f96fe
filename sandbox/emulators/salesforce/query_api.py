"""``GET query?q=``, ``GET queryAll?q=`` and their ``nextRecordsUrl`` pages.

The batch size is what ``Sforce-Query-Options: batchSize=N`` asks for (200..2,000,
default 2,000), further capped by the emulator's ``query_batch_size`` - which tests may set
below 200 to page small result sets, as the platform itself may return smaller batches
than requested.
"""

from __future__ import annotations

from sandbox.emulators.salesforce import errors
from sandbox.emulators.salesforce.context import Ctx
from sandbox.emulators.salesforce.query import requested_batch_size
from sandbox.emulators.salesforce.wire import Reply


def _run(ctx: Ctx, *, include_deleted: bool) -> Reply:
    text = ctx.request.args.get("q")
    if not text:
        raise errors.ApiError(400, "MALFORMED_QUERY", "A query string has to be specified")
    batch = min(
        requested_batch_size(ctx.request.headers.get("Sforce-Query-Options")),
        max(1, ctx.org.query_batch_size),
    )
    try:
        sobject, page = ctx.org.queries.run(
            text, include_deleted=include_deleted, batch=batch, version=ctx.version
        )
    except errors.ApiError:
        ctx.record("query", "", ok=False)
        raise
    ctx.record("query", sobject)
    return Reply(200, page)


def query(ctx: Ctx) -> Reply:
    return _run(ctx, include_deleted=False)


def query_all(ctx: Ctx) -> Reply:
    return _run(ctx, include_deleted=True)


def query_more(ctx: Ctx, locator: str) -> Reply:
    sobject, page = ctx.org.queries.more(locator, ctx.version)
    ctx.record("query", sobject)
    return Reply(200, page)
