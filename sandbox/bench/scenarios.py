"""What the benchmark drives through the in-process world, and what each run measured.

Each scenario acts as people using Salesforce and Intacct through their real APIs (on a
client of their own), then lets the world work: the emulators deliver (outbound
messages), the Lambda runner drains the queues, and the poll schedule fires.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, cast

from sandbox.bench.aws_meter import AwsMeter, AwsTotals
from sandbox.bench.own_time import OwnTime
from sandbox.bench.saas_meter import SaasMeter, intacct_transactions, users_client
from sandbox.users import IntacctUser, SalesforceUser
from sandbox.world import World
from shared.topology import FUNCTIONS, QUEUES

TICK = timedelta(seconds=2)  # past the systems' whole-second stamps between rounds


@dataclass
class Measured:
    """What one stretch of work cost, from the meters' differences."""

    records: int
    wall_s: float
    aws: AwsTotals
    saas: Counter[str]
    saas_s: float
    intacct_functions: int  # billed: Intacct API transactions (saas_meter)
    intacct_writes: int
    invocations: Counter[str]
    invocation_s: dict[str, float]
    metrics: Counter[str]
    # ledgerlink's own CPU time: in its functions, less their AWS and systems' requests
    # (sandbox.bench.own_time; not wall time less those, which also held the emulators' own
    # work, the runner's and the world's, the meters', and the waits for a shared core)
    own_s: float = 0.0


@dataclass
class Run:
    """Meters over a world; ``measure`` brackets a stretch of work."""

    world: World
    aws: AwsMeter
    saas: SaasMeter
    own: OwnTime
    sf: SalesforceUser
    intacct: IntacctUser
    invocation_s: dict[str, float] = field(default_factory=dict)

    @classmethod
    def start(cls, world: World, aws: AwsMeter) -> Run:
        view = _PeopleView(world)
        run = cls(
            world=world,
            aws=aws,
            saas=SaasMeter(world, aws.own),
            own=aws.own,
            sf=SalesforceUser(cast(World, view)),
            intacct=IntacctUser(cast(World, view)),
        )
        run._time_invocations()
        return run

    def _time_invocations(self) -> None:
        """Wrap each handler module's ``handler``: both the runner's deliveries and the API
        stand-in (which holds the runner's bound ``invoke``) call it by that name."""
        for spec in FUNCTIONS:
            module = self.world.runner.handler_module(spec.name)
            module.handler = self._timed(spec.name, module.handler)  # type: ignore[attr-defined]

    def _timed(self, name: str, handler: Callable[..., Any]) -> Callable[..., Any]:
        totals = self.invocation_s
        running = self.saas.running
        own = self.own

        def timed(event: dict[str, Any], context: Any) -> Any:
            start = time.perf_counter()
            outer = getattr(running, "name", None)
            running.name = name
            try:
                with own.ours():
                    return handler(event, context)
            finally:
                running.name = outer
                totals[name] = totals.get(name, 0.0) + time.perf_counter() - start

        return timed

    def _state(self) -> tuple[Any, ...]:
        requests, saas_s = self.saas.snapshot()
        calls = self.world.intacct.calls
        return (
            self.aws.snapshot(),
            requests,
            saas_s,
            intacct_transactions(calls.all()),
            len(calls.writes()),
            Counter(self.world.runner.invocations),
            dict(self.invocation_s),
            Counter(self.world.metrics.counts),
            time.perf_counter(),
            self.own.seconds,
        )

    def measure(self, records: int, work: Any) -> Measured:
        before = self._state()
        work()
        after = self._state()
        return Measured(
            records=records,
            wall_s=after[8] - before[8],
            aws=after[0].minus(before[0]),
            saas=after[1] - before[1],
            saas_s=after[2] - before[2],
            intacct_functions=after[3] - before[3],
            intacct_writes=after[4] - before[4],
            invocations=after[5] - before[5],
            invocation_s={k: v - before[6].get(k, 0.0) for k, v in after[6].items()},
            metrics=after[7] - before[7],
            own_s=after[9] - before[9],
        )

    def tick(self) -> None:
        for emulator in self.world.emulators.values():
            emulator.advance_clock(TICK)

    def sync_round(self) -> None:
        """Webhooks delivered and processed, then a poll of both sides (our own writes come
        back here as echoes), and everything that follows."""
        self.world.settle()
        self.tick()
        self.world.poll()


class _PeopleView:
    """What sandbox.users needs of a World, with a client of the people's own."""

    def __init__(self, world: World) -> None:
        self.connection = world.connection
        self.creds = world.creds
        self.http = users_client(world)


# -- the scenarios --------------------------------------------------------------------------


@dataclass
class DirectionResult:
    sync: Measured  # from the first change until nothing moves, echoes included
    echo: Measured  # within it, the poll round after the writes: only no-ops come back


def salesforce_to_intacct(run: Run, n: int, tag: str) -> DirectionResult:
    """N accounts created in Salesforce reach Intacct as customers: by outbound message,
    then a poll round brings back our own writes (and the accounts again)."""
    for i in range(n):
        run.sf.create("Account", Name=f"Bench {tag} {i}", Phone="+1 415 555 0100")
    return _direction(run, n, run.world.settle)


def intacct_to_salesforce(run: Run, n: int, tag: str) -> DirectionResult:
    """N customers created in Intacct reach Salesforce as accounts."""
    for i in range(n):
        run.intacct.create("CUSTOMER", CUSTOMERID=f"B{tag}-{i}", NAME=f"Bench {tag} {i}")
    run.tick()
    return _direction(run, n, run.world.poll)


def _direction(run: Run, n: int, first: Callable[[], object]) -> DirectionResult:
    echoes: list[Measured] = []

    def rounds() -> None:
        first()
        run.tick()
        echoes.append(run.measure(n, run.world.poll))
        run.tick()
        run.world.poll()

    sync = run.measure(n, rounds)
    return DirectionResult(sync=sync, echo=echoes[0])


def salesforce_edits(run: Run, n: int, tag: str) -> DirectionResult:
    """The steady state: N accounts already synced, each edited once in Salesforce."""
    ids = [run.sf.create("Account", Name=f"Edit {tag} {i}") for i in range(n)]
    run.sync_round()
    run.sync_round()
    for i, account in enumerate(ids):
        run.sf.update("Account", account, Phone=f"+1 415 555 {i:04d}")
    return _direction(run, n, run.world.settle)


def intacct_edits(run: Run, n: int, tag: str) -> DirectionResult:
    """The steady state: N customers already synced, each edited once in Intacct."""
    keys = [
        run.intacct.create("CUSTOMER", CUSTOMERID=f"E{tag}-{i}", NAME=f"Edit {tag} {i}")
        for i in range(n)
    ]
    run.tick()
    run.sync_round()
    run.sync_round()
    for i, key in enumerate(keys):
        run.intacct.update("CUSTOMER", key, NAME=f"Edited {tag} {i}")
    run.tick()
    return _direction(run, n, run.world.poll)


def coalescing(run: Run, records: int, edits: int) -> Measured:
    """``edits`` edits spread over ``records`` synced accounts, all before the world works."""
    ids = [run.sf.create("Account", Name=f"Coalesce {i}") for i in range(records)]
    run.sync_round()
    run.sync_round()

    def burst() -> None:
        for i in range(edits):
            run.sf.update("Account", ids[i % records], Phone=f"+1 415 555 {i:04d}")
        run.sync_round()

    return run.measure(edits, burst)


@dataclass
class Latencies:
    seconds: list[float]
    unseen: int
    offered_rate: float
    achieved_rate: float


def webhook_latency(run: Run, rate: float, duration_s: float, pool: int) -> Latencies:
    """Edits of distinct accounts at a steady ``rate`` for ``duration_s``, each measured
    from the Salesforce edit to Intacct's write of it (the emulators' call timestamps),
    on the webhook path only (no poll). One thread: between edits due, the world works."""
    ids = [run.sf.create("Account", Name=f"Steady {i}") for i in range(pool)]
    run.sync_round()
    run.sync_round()
    recordno = {i: str((run.world.intacct.get("CUSTOMER", i) or {})["RECORDNO"]) for i in ids}
    total = int(rate * duration_s)
    edited: list[tuple[str, float]] = []
    run.world.intacct.calls.clear()
    start = time.time()
    deadline = start + duration_s * 3 + 30
    while time.time() < deadline:
        if len(edited) < total and time.time() >= start + len(edited) / rate:
            record = ids[len(edited) % pool]
            at = time.time()
            run.sf.update("Account", record, Phone=f"+1 415 555 {len(edited):04d}")
            edited.append((record, at))
            continue
        moved = run.world.background_work()
        for spec in QUEUES:
            moved += run.world.runner.deliver(spec).received
        if len(edited) == total and moved == 0:
            break
    finished = time.time()
    writes = [c for c in run.world.intacct.calls.writes("CUSTOMER") if c.record_id]
    seconds: list[float] = []
    unseen = 0
    for record, at in edited:
        seen = [c.at for c in writes if c.record_id == recordno[record] and c.at >= at]
        if seen:
            seconds.append(min(seen) - at)
        else:  # never written: counted with the time it waited, a lower bound
            unseen += 1
            seconds.append(finished - at)
    return Latencies(
        seconds=sorted(seconds),
        unseen=unseen,
        offered_rate=rate,
        achieved_rate=total / max(finished - start, 1e-9),
    )


@dataclass
class BackfillRun:
    """A backfill of N existing records on each side: what it cost, and what it wrote."""

    n: int
    measured: Measured
    records_written: dict[str, int]  # system -> records created or updated there
    done: bool


def backfill(run: Run, n: int) -> BackfillRun:
    """N accounts in Salesforce and N customers in Intacct exist before the connection;
    ``python -m shared.backfill`` links them all (run here as its function)."""
    from shared.backfill import CheckpointStore, run_backfill

    for start in range(0, n, 200):
        records = [
            {"attributes": {"type": "Account"}, "Name": f"Existing {i}"}
            for i in range(start, min(n, start + 200))
        ]
        run.sf.client.json(
            "POST", "/composite/sobjects", body={"allOrNone": True, "records": records}
        )
    run.intacct.create_many(
        "CUSTOMER", [{"CUSTOMERID": f"EX-{i}", "NAME": f"Existing customer {i}"} for i in range(n)]
    )
    world = run.world
    runtime = world.runtime
    connection = runtime.connections.get(world.connection.connection_id)
    writes_before = {s: len(e.calls.writes()) for s, e in world.emulators.items()}
    reports = []

    def work() -> None:
        with run.own.ours():  # the backfill's function, called here directly
            reports.append(
                run_backfill(
                    connection,
                    runtime.sides(connection),
                    runtime.links,
                    CheckpointStore(runtime.table),
                )
            )

    measured = run.measure(2 * n, work)
    written = {s: len(e.calls.writes()) - writes_before[s] for s, e in world.emulators.items()}
    return BackfillRun(n, measured, written, reports[0].done)


@dataclass
class PressRun:
    """N presses of a CRM button, each on its own won opportunity."""

    presses: int  # requests sent (some pressed again)
    subjects: int  # opportunities pressed on
    measured: Measured
    made: int  # documents (or projects) the ERP holds for them afterwards


def sales_order_presses(run: Run, n: int) -> PressRun:
    """N won Sales Order opportunities with three products each, "Create Sales Order"
    pressed once on each (and once more on the first: the same request again)."""
    from sandbox.stories import sales_deal

    deals = [
        sales_deal(run.sf, run.intacct if i == 0 else None, account_name=f"Bench {i}")
        for i in range(n)
    ]
    run.world.settle()
    before = len(_sales_documents(run))

    def presses() -> None:
        moment = int(time.time())
        for i, deal in enumerate(deals):
            _press(run, f"opportunities/{deal.opportunity_id}/sales-transaction", moment + i)
        _press(run, f"opportunities/{deals[0].opportunity_id}/sales-transaction", moment)
        run.world.settle()

    measured = run.measure(n + 1, presses)
    return PressRun(n + 1, n, measured, len(_sales_documents(run)) - before)


def project_presses(run: Run, n: int) -> PressRun:
    """N won opportunities, "Create Project" pressed twice on each."""
    opportunities = []
    for i in range(n):
        account = run.sf.create("Account", Name=f"Project bench {i}")
        opportunities.append(
            run.sf.create(
                "Opportunity",
                Name=f"Rollout {i}",
                AccountId=account,
                StageName="Closed Won",
                CloseDate="2026-03-01",
            )
        )
    run.world.settle()
    before = len(run.world.intacct.records("PROJECT"))

    def presses() -> None:
        moment = int(time.time())
        for i, opportunity in enumerate(opportunities):
            _press(run, f"opportunities/{opportunity}/project", moment + i)
            _press(run, f"opportunities/{opportunity}/project", moment + n + i)
        run.world.settle()

    measured = run.measure(2 * n, presses)
    return PressRun(2 * n, n, measured, len(run.world.intacct.records("PROJECT")) - before)


def _press(run: Run, path: str, moment: int) -> None:
    from sandbox.stories import press_button

    answer = press_button(run.world, path, moment=moment)
    if answer.status_code != 202:
        raise RuntimeError(f"bench press refused: {answer.status_code} {answer.text[:200]}")


def _sales_documents(run: Run) -> list[dict[str, Any]]:
    return [
        d for d in run.world.intacct.records("SODOCUMENT") if d["DOCPARID"] != "Contract Invoice"
    ]
