"""``make chaos``: a soak of the whole pipe under faults, with a verdict.

N records are created on both sides of the sandbox's connection (every mapped object, split
evenly; see :mod:`sandbox.chaos_objects`), then edited from both sides — each edit writing a
value never used before, some records edited on both sides before either edit syncs — while
about 20% of the calls to each external system fault (429 with and without Retry-After, 5xx,
timeouts, expired sessions and tokens, Salesforce UNABLE_TO_LOCK_ROW and
REQUEST_LIMIT_EXCEEDED, Intacct GW-0010, and writes that succeed but whose answer is lost),
every outbound message is delivered 1-3 times in shuffled order, and a few worker
invocations are killed mid-batch (nothing of their batch deleted, as a Lambda timeout).

Then the faults stop, the queues drain, both sides are polled until quiet, and the verdict is
read off the two systems:

- **lost**: a record (not invalid by design) with no counterpart, or a link left pending or
  pointing at nothing (the reconciliation's missing, pending and orphan);
- **duplicated**: a record chaos made that exists twice on either side;
- **drifted**: linked records whose mapped fields disagree, and Intacct's managed lists not
  exactly what Salesforce shows (:mod:`sandbox.chaos_lists`: they are edited on both sides
  and refreshed with every poll);
- **flipped**: a watched field that went back to a value it held before (A → B → A), from the
  values read after every write, unless the audit trail holds a conflict decision for it;
- **dead-lettered**: records in the DLQs; only the ones invalid by design may be there.

The last line: ``chaos: N records, F faults injected, lost L, duplicated D, drifted R,
flipped P, dead-lettered Q (by design Q0)``; the exit status is 1 on any loss, duplicate,
drift, flip or unexpected dead letter.
"""

from __future__ import annotations

import json
import random
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from moto import mock_aws

from sandbox import chaos_lists
from sandbox.chaos_joins import JoinFactory
from sandbox.chaos_objects import OBJECTS, ChaosObject, SideOps
from sandbox.chaos_zoho import ZOHO_JOINS, ZOHO_OBJECTS
from sandbox.emulators.faults import FaultRule
from sandbox.emulators.protocol import BackgroundWorker
from sandbox.emulators.salesforce import build_outbound_envelope
from sandbox.provisioning import DEMO_CONNECTIONS, webhook_url
from sandbox.world import World
from shared.mapping.fields import Side
from shared.models.connection import Connection
from shared.models.events import RecordRef
from shared.outages import OutagePolicy
from shared.pairs.catalog import MappingCatalog
from shared.pairs.registry import pair_of
from shared.reconcile import reconcile
from shared.runtime import set_runtime
from shared.state.pauses import PauseStore
from shared.topology import QUEUES

FAULT_SHARE = 0.20
KILL_SHARE = 0.02  # of worker invocations
BATCHES_PER_ROUND = 5  # per queue: the workers keep up, as Lambda's scaling would
# A failed message comes back after this many seconds, not at once: SQS hides it for the
# queue's visibility timeout (3 minutes on AWS), so its five deliveries are spread out while
# the rest of the pipe moves (a task waiting for its project must not spend them in a blink).
RETRY_DELAY_S = 1
EDITS_PER_RECORD = (1, 2)
RACING_SHARE = 0.2  # of edited records: edited on both sides before either syncs
INVALID_SHARE = 0.005  # of CRM records: refused by the ERP by design
# The chaos objects of each pair, by mapping name
OBJECTS_BY_PAIR: dict[str, dict[str, ChaosObject]] = {
    "salesforce_intacct": OBJECTS,
    "zoho_crm_books": ZOHO_OBJECTS,
}
# The joins of each pair beyond its mapped objects (sandbox/chaos_joins.py)
JOINS_BY_PAIR: dict[str, tuple[JoinFactory, ...]] = {"zoho_crm_books": ZOHO_JOINS}


def _fault_menu(system: str) -> list[FaultRule]:
    """About FAULT_SHARE of all calls to ``system``, spread over the faults its wire has."""
    common = [
        FaultRule("*", "http_error", status=503),
        FaultRule("*", "http_error", status=500),
        FaultRule("*", "timeout"),
        FaultRule("*", "expire_session"),
        FaultRule("*", "lose_response"),
        FaultRule("*", "rate_limit"),
    ]
    specific = {
        "salesforce": [
            FaultRule("* *", "http_error", status=400, code="UNABLE_TO_LOCK_ROW"),  # not TOKEN
            FaultRule("TOKEN", "rate_limit"),  # the token endpoint's login rate limit
        ],
        "intacct": [FaultRule("*", "rate_limit", status=429, retry_after_s=0.01)],
        "zoho_crm": [FaultRule("token", "rate_limit")],  # the accounts server's refresh limit
        "zoho_books": [FaultRule("token", "rate_limit")],
    }[system]
    rules = [*common, *specific]
    each = 1 - (1 - FAULT_SHARE) ** (1 / len(rules))  # so that about FAULT_SHARE fire in all
    for rule in rules:
        rule.times = 10**9
        rule.probability = each
    return rules


@dataclass
class Made:
    """What chaos made, per mapping and side, and what it expects."""

    records: dict[tuple[str, Side], list[RecordRef]] = field(default_factory=dict)
    invalid: set[str] = field(default_factory=set)  # refs refused by design


@dataclass
class History:
    """Values of watched fields as read after each write: the flip detector's evidence."""

    values: dict[tuple[str, str], list[Any]] = field(default_factory=lambda: defaultdict(list))
    seen_calls: dict[str, int] = field(default_factory=dict)

    def note(self, ref: str, name: str, value: Any) -> None:
        series = self.values[(ref, name)]
        if not series or series[-1] != value:
            series.append(value)

    def flips(self) -> list[tuple[str, str]]:
        return [key for key, series in self.values.items() if len(series) != len(set(series))]


class Chaos:
    def __init__(self, world: World, records: int, seed: int, connection_id: str = "demo") -> None:
        self.world = world
        self.n = records
        self.rng = random.Random(seed)
        self.made = Made()
        self.history = History()
        self.connection = world.runtime.connections.get(connection_id)
        self.objects = OBJECTS_BY_PAIR.get(pair_of(self.connection).name, {})
        self.joins = [make() for make in JOINS_BY_PAIR.get(pair_of(self.connection).name, ())]
        self.catalog = MappingCatalog.for_connection(self.connection)
        self.connection = _poll_every_mapped_object(world, self.connection, self.catalog)
        missing = [m.name for m in self.catalog.mappings if m.name not in self.objects]
        if missing:
            raise SystemExit(f"chaos: no chaos_objects entry for mapping(s) {', '.join(missing)}")
        self.url = webhook_url(world.urls.api, world.creds)
        self.kills = 0
        self.connection_id = connection_id
        self.verdict = Verdict()
        self.dead_reasons: dict[str, str] = {}
        self.paused_at_end = 0
        self.parked_at_end = 0

    # -- the run ----------------------------------------------------------------------------

    def run(self) -> int:
        world = self.world
        # Probe a paused system on every poll: the soak's clock is the wall clock, in minutes
        world.runtime.outages.policy = OutagePolicy(
            first_probe_after=timedelta(0),
            max_probe_interval=timedelta(seconds=1),
            credentials_probe_interval=timedelta(seconds=1),
        )
        for system, emulator in world.emulators.items():
            emulator.faults.seed(self.rng.randrange(2**32))
            for rule in _fault_menu(system):
                emulator.faults.add(rule)
        with world.salesforce.holding_outbound():
            self._create_all()
            for join in self.joins:
                join.start(world, self.rng, self.n)
            self._pump_until_quiet(max_rounds=100_000)
            for join in self.joins:
                join.move(world, self.rng)
            self._edit_all()
            self._pump_until_quiet(max_rounds=100_000)
            for join in self.joins:  # its second move, after the first has synced
                join.move(world, self.rng)
            self._pump_until_quiet(max_rounds=100_000)
            faults = sum(e.faults.fired for e in world.emulators.values())
            for emulator in world.emulators.values():
                emulator.faults.clear()
            self._pump_until_quiet(max_rounds=100_000)
        # the clean tail: everything left, then polls (which also probe and resume a paused
        # system) until nothing moves and no system is paused
        conn = self.connection.connection_id
        for _ in range(20):
            self._settle()
            moved = self._poll()
            self._settle()
            self._observe_writes()
            if moved == 0 and not world.runtime.outages.paused(conn):
                break
        self.paused_at_end = len(world.runtime.outages.paused(conn))
        self.parked_at_end = len(PauseStore(world.runtime.table).parked(conn))
        return self._verdict(faults)

    def _create_all(self) -> None:
        objects = [self.objects[m.name] for m in self.catalog.mappings]
        per = max(1, self.n // (2 * len(objects)))
        for obj in objects:
            for side, ops in ((Side.CRM, obj.crm), (Side.ERP, obj.erp)):
                refs: list[RecordRef] = []
                for i in range(per):  # people keep working while ledgerlink syncs
                    refs.append(ops.create(self.world, f"{obj.mapping[:2]}{side.value}{i}"))
                    self._observe(refs[-1], ops.watched)
                    if i % 10 == 9:
                        self._pump_round()
                self.made.records[(obj.mapping, side)] = refs
            self._make_invalid(obj, per)

    def _make_invalid(self, obj: ChaosObject, per: int) -> None:
        taken = self.made.records[(obj.mapping, Side.ERP)]
        if obj.invalid_crm is None or not taken:
            return
        for i in range(max(1, int(per * INVALID_SHARE))):
            ref = obj.invalid_crm(self.world, f"bad{i}", taken[i % len(taken)])
            self.made.invalid.add(str(ref))

    def _edit_all(self) -> None:
        edits: list[tuple[ChaosObject, Side, RecordRef]] = []
        for (mapping, side), refs in self.made.records.items():
            for ref in refs:
                for _ in range(self.rng.randint(*EDITS_PER_RECORD)):
                    edits.append((self.objects[mapping], side, ref))
        self.rng.shuffle(edits)
        for number, (obj, side, ref) in enumerate(edits):
            self._edit(obj, side, ref, f"e{number}")
            if self.rng.random() < RACING_SHARE:
                other = self._counterpart(obj, side, ref)
                if other is not None:  # the other side edits too, before either syncs
                    self._edit(obj, side.other, other, f"r{number}")
            if number % 13 == 0:  # finance and people change the managed lists too
                chaos_lists.people_edit(self.world, self.connection_id, number)
            if number % 7 == 0:
                self._pump_round()

    def _edit(self, obj: ChaosObject, side: Side, ref: RecordRef, tok: str) -> None:
        ops = obj.crm if side is Side.CRM else obj.erp
        ops.edit(self.world, ref, tok)
        self._observe(ref, ops.watched)

    def _counterpart(self, obj: ChaosObject, side: Side, ref: RecordRef) -> RecordRef | None:
        link = self.world.runtime.links.get(self.connection.connection_id, ref)
        other = link.side(side.other) if link is not None and link.status == "linked" else None
        return other.ref if other is not None else None

    # -- moving things along ---------------------------------------------------------------

    def _pump_until_quiet(self, max_rounds: int) -> None:
        quiet = 0
        for number in range(max_rounds):
            moved = self._pump_round()
            if number % 25 == 0:
                moved += self._poll()
            if moved == 0 and self._retries_waiting():
                continue  # a failed message is not quiet: its retry is due shortly
            quiet = quiet + 1 if moved == 0 else 0
            if quiet >= 3:
                return
        raise RuntimeError("chaos: the pipe did not go quiet")

    def _settle(self) -> None:
        """The world settled, failed messages' retries included."""
        self.world.settle(max_rounds=10_000)
        while self._retries_waiting():
            self.world.settle(max_rounds=10_000)

    def _retries_waiting(self) -> bool:
        """Whether a failed message waits for its retry (hidden, as SQS hides it for the
        visibility timeout); if so, a moment passes."""
        if not self.world.waiting_retry():
            return False
        time.sleep(RETRY_DELAY_S / 10)
        return True

    def _pump_round(self) -> int:
        moved = self._deliver_webhooks()
        for spec in QUEUES:
            for _ in range(BATCHES_PER_ROUND):
                dies = self.rng.random() < KILL_SHARE
                delivery = self.world.runner.deliver(
                    spec, dies_after=self.rng.randint(0, spec.batch_size - 1) if dies else None
                )
                self.kills += dies and delivery.received > 0
                moved += delivery.received
                if delivery.received == 0:
                    break
        self._observe_writes()
        return moved

    def _poll(self) -> int:
        result = self.world.runner.fire_schedule("poll-changes")
        report = result.get(self.connection.connection_id) or {}
        moved = chaos_lists.refresh(self.world, self.connection.connection_id)
        return moved + sum(v for v in report.values() if isinstance(v, int))

    def _deliver_webhooks(self) -> int:
        """Each pending outbound notification, delivered 1-3 times, all shuffled; what the
        other systems send by themselves (Zoho CRM's callbacks), as they send it."""
        moved = sum(
            e.background_work(self.world.http)
            for system, e in self.world.emulators.items()
            if system != "salesforce" and isinstance(e, BackgroundWorker)
        )
        return moved + self._deliver_outbound()

    def _deliver_outbound(self) -> int:
        sf = self.world.salesforce
        bodies = [
            build_outbound_envelope(sf.org_id, n.action_id, [n])
            for n in sf.take_outbound()
            for _ in range(self.rng.randint(1, 3))
        ]
        self.rng.shuffle(bodies)
        for body in bodies:
            answer = self.world.http.post(
                self.url, content=body, headers={"Content-Type": "text/xml"}
            )
            if answer.status_code >= 500:
                raise RuntimeError(f"chaos: the webhook door answered {answer.status_code}")
        return len(bodies)

    # -- watching for flips ----------------------------------------------------------------

    def _observe(self, ref: RecordRef, watched: Sequence[str]) -> None:
        values = self._read(ref.system, ref.object, ref.record_id)
        if values is None:
            return
        for name in watched:
            self.history.note(str(ref), name, values.get(name))

    def _ops(self, system: str, obj: str) -> SideOps | None:
        for chaos_object in self.objects.values():
            for side, ops in ((Side.CRM, chaos_object.crm), (Side.ERP, chaos_object.erp)):
                if ops.object == obj and self.connection.settings(side).system == system:
                    return ops
        return None

    def _read(self, system: str, obj: str, key: str) -> dict[str, Any] | None:
        ops = self._ops(system, obj)
        if ops is not None and ops.read is not None:
            return ops.read(self.world, obj, key)
        if system == "salesforce":
            return self.world.salesforce.get_record(obj, key)
        record = self.world.intacct.get(obj, key)
        return record

    def _observe_writes(self) -> None:
        """After a round: the watched fields of every record ledgerlink wrote in it."""
        for system, emulator in self.world.emulators.items():
            calls = emulator.calls.all()
            start = self.history.seen_calls.get(system, 0)
            self.history.seen_calls[system] = len(calls)
            for call in calls[start:]:
                if not (call.is_write and call.ok and call.record_id):
                    continue
                watched = self._watched(system, call.target)
                if watched is None:
                    continue
                for key in call.record_id.split(","):
                    values = self._read(system, call.target, key)
                    if values is None:
                        continue
                    ref = self._ref_of(system, call.target, key, values)
                    for name in watched:
                        self.history.note(ref, name, values.get(name))

    def _watched(self, system: str, obj: str) -> tuple[str, ...] | None:
        ops = self._ops(system, obj)
        return ops.watched if ops is not None else None

    def _ref_of(self, system: str, obj: str, key: str, values: dict[str, Any]) -> str:
        """Intacct's call log names RECORDNOs; links and chaos name records by their ID."""
        if system == "salesforce" or self.catalog.side_of(system) is Side.CRM:
            return str(RecordRef(system=system, object=obj, record_id=key))
        mapping, _ = self.catalog.for_object(system, obj)
        return str(
            RecordRef(system=system, object=obj, record_id=str(values[mapping.erp_key_field]))
        )

    # -- the verdict -----------------------------------------------------------------------

    def _verdict(self, faults: int) -> int:
        report = reconcile(self.world.runtime, self.connection)
        lost_drifts = [
            d
            for d in report.drifts
            if d.kind in {"missing", "pending", "orphan"} and d.ref not in self.made.invalid
        ]
        drifted = [d for d in report.drifts if d.kind == "differs"]
        lists_drifted = chaos_lists.drift(self.world, self.connection.connection_id)
        duplicated = self._duplicates()
        joined = [join.verdict(self.world) for join in self.joins]
        joined_lost = [item for found in joined for item in found.get("lost", [])]
        duplicated += [item for found in joined for item in found.get("duplicated", [])]
        flipped = [f for f in self.history.flips() if not self._explained(f[0])]
        dead = self._dead_lettered()
        unexpected_dead = dead - self.made.invalid
        for label, items in (
            ("lost", [d.ref for d in lost_drifts] + joined_lost),
            ("duplicated", duplicated),
            ("drifted", [f"{d.ref} {','.join(d.fields)}" for d in drifted]),
            ("list drifted", lists_drifted),
            (
                "flipped",
                [f"{ref} {name}: {self.history.values[(ref, name)]}" for ref, name in flipped],
            ),
            (
                "dead-lettered, not by design",
                [f"{ref}: {self.dead_reasons.get(ref, '')}" for ref in sorted(unexpected_dead)],
            ),
        ):
            for item in items[:20]:
                sys.stdout.write(f"  {label}: {item}\n")
        counts = self.world.metrics.counts
        sys.stdout.write(
            f"  pauses {counts['ConnectionPaused']}, resumes {counts['ConnectionResumed']}, "
            f"workers killed {self.kills}\n"
        )
        records = sum(len(v) for v in self.made.records.values()) + len(self.made.invalid)
        self.verdict = Verdict(
            records,
            faults,
            len(lost_drifts) + len(joined_lost),
            len(duplicated),
            len(drifted) + len(lists_drifted),
            len(flipped),
            len(dead),
            len(self.made.invalid),
        )
        sys.stdout.write(f"  {self.connection_id}: {self.verdict.line()}\n")
        if self.paused_at_end or self.parked_at_end:
            sys.stdout.write(
                f"  still paused: {self.paused_at_end} system(s), {self.parked_at_end} parked\n"
            )
        bad = (
            lost_drifts
            or duplicated
            or drifted
            or lists_drifted
            or joined_lost
            or flipped
            or unexpected_dead
            or self.parked_at_end
        )
        return 1 if bad else 0

    def _duplicates(self) -> list[str]:
        found = []
        for obj in self.objects.values():
            prefixes = (obj.crm.identity_prefix, obj.erp.identity_prefix)
            for side, ops in ((Side.CRM, obj.crm), (Side.ERP, obj.erp)):
                if ops.rows is not None:
                    rows = ops.rows(self.world, ops.object)
                elif side is Side.CRM:
                    rows = self.world.salesforce.records(ops.object)
                else:
                    rows = self.world.intacct.records(ops.object)
                names = Counter(
                    str(r.get(ops.identity_field))
                    for r in rows
                    if str(r.get(ops.identity_field) or "").startswith(prefixes)
                )
                found += [f"{side.value} {ops.object} {n}" for n, c in names.items() if c > 1]
        return found

    def _explained(self, ref: str) -> bool:
        system, obj, key = ref.split("/", 2)
        entries = self.world.runtime.audit.history(
            self.connection.connection_id, RecordRef(system=system, object=obj, record_id=key)
        )
        return any(e.action == "conflict_resolved" for e in entries)

    def _dead_lettered(self) -> set[str]:
        refs: set[str] = set()
        for spec in QUEUES:
            url = self.world.resources.queues[spec.key].dlq_url
            while True:
                answer = self.world.runtime.sqs.receive_message(
                    QueueUrl=url,
                    MaxNumberOfMessages=10,
                    VisibilityTimeout=600,
                    MessageAttributeNames=["All"],
                )
                messages = answer.get("Messages", [])
                if not messages:
                    break
                for message in messages:
                    body = json.loads(message["Body"])
                    ref = body.get("ref") or body.get("subject") or {}
                    name = f"{ref.get('system')}/{ref.get('object')}/{ref.get('record_id')}"
                    refs.add(name)
                    reason = message.get("MessageAttributes", {}).get("reason", {})
                    self.dead_reasons[name] = str(reason.get("StringValue", ""))[:160]
        return refs


def _poll_every_mapped_object(
    world: World, connection: Connection, catalog: MappingCatalog
) -> Connection:
    """The soak covers every mapping: objects a connection syncs only on demand by default
    (products) are polled too."""
    crm = (*connection.crm_polled_objects, *(m.crm_object for m in catalog.mappings))
    erp = (*connection.erp_polled_objects, *(m.erp_object for m in catalog.mappings))
    polled = connection.model_copy(
        update={
            "crm_polled_objects": tuple(dict.fromkeys(crm)),
            "erp_polled_objects": tuple(dict.fromkeys(erp)),
        }
    )
    world.runtime.connections.put(polled)
    return polled


@dataclass
class Verdict:
    """What a soak found, and the line that says it."""

    records: int = 0
    faults: int = 0
    lost: int = 0
    duplicated: int = 0
    drifted: int = 0
    flipped: int = 0
    dead: int = 0
    by_design: int = 0

    def add(self, other: Verdict) -> Verdict:
        return Verdict(*(getattr(self, f) + getattr(other, f) for f in self.__dataclass_fields__))

    def line(self) -> str:
        return (
            f"{self.records} records, {self.faults} faults injected, lost {self.lost}, "
            f"duplicated {self.duplicated}, drifted {self.drifted}, flipped {self.flipped}, "
            f"dead-lettered {self.dead} (by design {self.by_design})"
        )


def run_chaos(records: int, seed: int = 7) -> int:
    """One soak per demo connection, each in a world of its own; the last line totals them."""
    status = 0
    total = Verdict()
    for connection_id in DEMO_CONNECTIONS:
        started = time.monotonic()
        with mock_aws():
            world = World.in_process(retry_delay_s=RETRY_DELAY_S)
            # Books' per-minute allowance and Zoho's limit on token refreshes are exercised
            # by their own tests; here they would only slow the soak to the wall clock's
            # minutes, the expired tokens it injects burning the refreshes (their 429s and
            # refusals are among the faults)
            if "zoho_books" in world.emulators:
                world.zoho_books.rate_limit_per_minute = 10**9
                world.zoho_books.accounts.refreshes_per_minute = 10**9
            if "zoho_crm" in world.emulators:
                world.zoho_crm.accounts.refreshes_per_minute = 10**9
            try:
                sys.stdout.write(f"{connection_id}:\n")
                soak = Chaos(world, records, seed, connection_id)
                status |= soak.run()
                total = total.add(soak.verdict)
            finally:
                set_runtime(None)
        sys.stdout.write(f"  ({time.monotonic() - started:.0f} s)\n")
    sys.stdout.write(f"chaos: {total.line()}\n")
    return status
