"""The Zoho CRM <-> Zoho Books connection's rows of ``make bench``: what a change costs.

Four stretches, each in a fresh world, each measured from the first change until nothing
moves (the poll that brings our own writes back as echoes included):

- ``zoho.crm_to_books``: N accounts, each with one contact, made in the CRM (its
  notifications bring them in) -> N Books customers with one contact person each;
- ``zoho.books_to_crm``: N items made in Books (polled) -> N CRM products;
- ``zoho.edits.crm_to_books`` / ``zoho.edits.books_to_crm``: the same records, synced, each
  edited once on one side.

Per change: queue messages, Books requests and CRM requests made by the change worker (the
polls' own reads are per run, not per record), DynamoDB write units. A change is one record
made or edited by a person.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import timedelta

from sandbox.bench.figures import Row, per
from sandbox.bench.scenarios import TICK, Measured, Run
from shared.topology import CHANGES, consumer_of

WORKER = consumer_of(CHANGES.key).name
PREFIX = "zoho"
# Targets: Books has no batch read or write, so a record costs its own calls there: a create
# checks for its duplicate and upserts (2), a contact person's create reads its customer's
# persons once per batch and posts (<= 2), an edit is one update; the CRM's reads and writes
# go 100 at a time (the stamp of the Books id on a new record is one batched write). With the
# polls: a changed customer costs the contact persons' poll one read of it.
TARGETS = {
    "crm_to_books": {"messages": 1.6, "books": 2.5, "books_all": 3.5, "crm": 0.6, "wru": 6.0},
    "books_to_crm": {"messages": 1.1, "books": 0.2, "books_all": 0.5, "crm": 0.4, "wru": 6.0},
    "edits.crm_to_books": {"messages": 1.1, "books": 1.1, "books_all": 2.5, "crm": 0.3, "wru": 4.0},
    "edits.books_to_crm": {"messages": 1.1, "books": 0.2, "books_all": 0.5, "crm": 0.3, "wru": 4.0},
}

UNLIMITED = 10**9
World = Callable[[], AbstractContextManager[Run]]


def _settled(run: Run) -> None:
    """What the CRM's notifications bring, then two polls (the second sees only echoes)."""
    run.world.settle()
    for _ in range(2):
        run.tick()
        run.world.poll()


def crm_to_books(run: Run, n: int) -> Measured:
    crm = run.world.zoho_crm
    for i in range(n):
        account = crm.insert("Accounts", {"Account_Name": f"Bench {i}", "Phone": "555 0100"})
        crm.insert("Contacts", {"Last_Name": f"Person {i}", "Account_Name": {"id": account}})
    return run.measure(2 * n, lambda: _settled(run))


def books_to_crm(run: Run, n: int) -> Measured:
    books = run.world.zoho_books
    for i in range(n):
        books.create("items", {"name": f"Bench item {i}", "rate": "10.00"})
    run.tick()
    return run.measure(n, lambda: _settled(run))


def crm_edits(run: Run, n: int) -> Measured:
    crm = run.world.zoho_crm
    ids = [crm.insert("Accounts", {"Account_Name": f"Edit {i}"}) for i in range(n)]
    _settled(run)
    crm.advance_clock(timedelta(seconds=2))
    for i, account in enumerate(ids):
        crm.update("Accounts", account, {"Phone": f"555 {i:04d}"})
    return run.measure(n, lambda: _settled(run))


def books_edits(run: Run, n: int) -> Measured:
    books = run.world.zoho_books
    ids = [books.create("items", {"name": f"Edit item {i}", "rate": "5.00"}) for i in range(n)]
    run.tick()
    _settled(run)
    books.advance_clock(TICK)
    for i, item in enumerate(ids):
        books.edit("items", item, {"rate": f"{6 + i}.00"})
    run.tick()
    return run.measure(n, lambda: _settled(run))


SCENARIOS: dict[str, Callable[[Run, int], Measured]] = {
    "crm_to_books": crm_to_books,
    "books_to_crm": books_to_crm,
    "edits.crm_to_books": crm_edits,
    "edits.books_to_crm": books_edits,
}


def rows_of(name: str, m: Measured) -> list[Row]:
    target = TARGETS[name]
    prefix = f"{PREFIX}.{name}"
    return [
        Row(
            f"{prefix}.queue_messages_per_change",
            per(m, m.aws.sqs_sent),
            target["messages"],
            "msg",
            "lower",
        ),
        Row(
            f"{prefix}.books_requests_per_record",
            per(m, m.saas[f"{WORKER}/zoho_books"]),
            target["books"],
            "req (worker)",
            "lower",
        ),
        # with the polls' reads: Books' allowance (100 a minute) is shared by both
        Row(
            f"{prefix}.books_requests_per_record_with_polls",
            per(m, m.saas["zoho_books"]),
            target["books_all"],
            "req (all)",
            "lower",
        ),
        Row(
            f"{prefix}.crm_requests_per_record",
            per(m, m.saas[f"{WORKER}/zoho_crm"]),
            target["crm"],
            "req (worker)",
            "lower",
        ),
        Row(
            f"{prefix}.dynamodb_write_units_per_change",
            per(m, m.aws.write_units),
            target["wru"],
            "WRU",
            "lower",
        ),
    ]


def zoho_rows(world_run: World, n: int, progress: Callable[[str], None]) -> list[Row]:
    """Every Zoho scenario at size ``n``, each in a fresh world from ``world_run``."""
    rows: list[Row] = []
    for name, scenario in SCENARIOS.items():
        progress(f"zoho: {name}, N={n}")
        with world_run() as run:
            # The rows count calls, not how Books' per-minute limit spreads them: the world's
            # clock stands still while it works, so its minute would never end
            run.world.zoho_books.rate_limit_per_minute = UNLIMITED
            rows += rows_of(name, scenario(run, n))
    return rows
