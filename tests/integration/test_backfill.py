"""Backfill of a new connection, in-process (moto + emulators): every existing record on
either side gets exactly one counterpart, linked; writes go in batches; a run that dies
midway resumes from its checkpoint without making anything twice."""

from __future__ import annotations

import math
from collections import Counter

import httpx
import pytest

from sandbox.emulators.faults import FaultRule
from sandbox.world import World
from shared.backfill import BackfillReport, BackfillSettings, CheckpointStore, run_backfill
from shared.backfill.__main__ import main
from shared.errors import RetryableError
from shared.models.events import RecordRef

N = 30


class _CrashError(Exception):
    """Stands for the process dying between two chunks."""


def _given_existing_records(world: World, sf_api, intacct_api) -> list[str]:
    """N Salesforce accounts, one of which names an Intacct customer and one whose chosen
    key an Intacct customer already has, and three Intacct customers of their own."""
    intacct_api.create("CUSTOMER", CUSTOMERID="NAMED-1", NAME="Named One")
    intacct_api.create("CUSTOMER", CUSTOMERID="ACCT-7", NAME="Numbered Seven")
    for i in range(3):
        intacct_api.create("CUSTOMER", CUSTOMERID=f"ERP-{i}", NAME=f"Intacct Only {i}")
    accounts = [sf_api.create("Account", Name=f"Account {i:02d}") for i in range(N - 2)]
    accounts.append(sf_api.create("Account", Name="Named", Intacct_Customer_ID__c="NAMED-1"))
    accounts.append(sf_api.create("Account", Name="Numbered", AccountNumber="ACCT-7"))
    return accounts


def _customers_created(world: World) -> int:
    return sum(1 for c in world.intacct.calls.writes("CUSTOMER") if c.op == "create")


def _meter(world: World) -> Counter[str]:
    """Counts ledgerlink's requests from here on, by system and kind."""
    counts: Counter[str] = Counter()
    hosts = {httpx.URL(url).host: system for system, url in world.urls.systems.items()}

    def seen(request: httpx.Request) -> None:
        system = hosts.get(request.url.host, "other")
        if "/oauth2/" in request.url.path:
            return  # a token: not an API request
        counts[system] += 1
        if system == "salesforce" and "/composite/sobjects" in request.url.path:
            counts["salesforce_writes"] += 1
        if system == "intacct" and (
            b"<create>" in request.content or b"<update>" in request.content
        ):
            counts["intacct_writes"] += 1

    hooks = world.http.event_hooks
    hooks["request"].append(seen)
    world.http.event_hooks = hooks
    return counts


def _backfill(world: World, **kwargs) -> BackfillReport:
    runtime = world.runtime
    connection = world.connection
    return run_backfill(
        connection,
        runtime.sides(connection),
        runtime.links,
        CheckpointStore(runtime.table),
        objects=["account_customer"],
        **kwargs,
    )


def _assert_each_record_has_one_counterpart(world: World, accounts: list[str]) -> None:
    customers = Counter(c["CUSTOMERID"] for c in world.intacct.records("CUSTOMER"))
    assert all(n == 1 for n in customers.values())
    sf_accounts = world.salesforce.records("Account")
    by_key = Counter(a["Intacct_Customer_ID__c"] for a in sf_accounts)
    assert all(n == 1 for n in by_key.values())
    # every account shows its customer's id, and every customer has its account
    assert None not in by_key
    assert set(by_key) == set(customers)
    assert len(sf_accounts) == N + 3  # the three Intacct-only customers came over
    # and each pair is linked, from both sides
    links = world.runtime.links
    conn = world.connection.connection_id
    for account in sf_accounts:
        link = links.get(
            conn, RecordRef(system="salesforce", object="Account", record_id=account["Id"])
        )
        assert link is not None
        assert link.status == "linked"
        assert link.erp is not None
        assert link.erp.ref.record_id == account["Intacct_Customer_ID__c"]


def test_backfill_links_every_record_once_in_batched_requests(world, sf_api, intacct_api):
    # Given accounts and customers that exist before the connection syncs anything
    accounts = _given_existing_records(world, sf_api, intacct_api)
    counts = _meter(world)
    lines: list[str] = []
    # When the connection is backfilled
    report = _backfill(world, progress=lines.append)
    # Then every record has exactly one counterpart, linked; the named and the numbered
    # accounts were matched to the customers that had their keys, not copied, and (the
    # CRM winning conflicts) those customers took the accounts' names
    _assert_each_record_has_one_counterpart(world, accounts)
    customers = {c["CUSTOMERID"]: c for c in world.intacct.records("CUSTOMER")}
    assert customers["NAMED-1"]["NAME"] == "Named"
    assert customers["ACCT-7"]["NAME"] == "Numbered"
    assert customers["ERP-0"]["NAME"] == "Intacct Only 0"
    assert report.done
    assert report.counts.created == (N - 2) + 3
    assert report.counts.linked_existing == 2
    assert report.counts.failed == 0
    # And the writes went in batches: Salesforce (key write-back and the three new accounts)
    # at most 1.05 x ceil(N / 200) requests per kind, Intacct 1.05 x ceil(N / 100)
    assert counts["intacct_writes"] <= 1.05 * math.ceil((N - 2) / 100)
    assert counts["salesforce_writes"] <= 2 * 1.05 * math.ceil(N / 200)
    assert _customers_created(world) == (N - 2) + 5  # the 5 given + ours
    # And the report counts requests per system as the meter does, and progress was shown
    assert report.requests["salesforce"] == counts["salesforce"]
    assert report.requests["intacct"] == counts["intacct"]
    assert lines
    assert lines[-1].startswith(f"backfill {world.connection.connection_id}: done")


def test_a_second_backfill_changes_nothing(world, sf_api, intacct_api):
    # Given a connection already backfilled
    _given_existing_records(world, sf_api, intacct_api)
    _backfill(world)
    writes = len(world.intacct.calls.writes()) + len(world.salesforce.calls.writes())
    # When it is backfilled again from the start
    report = _backfill(world)
    # Then every record is found linked from both sides, and nothing is written
    assert report.counts.already_linked == 2 * (N + 3)
    assert report.counts.created == 0
    assert len(world.intacct.calls.writes()) + len(world.salesforce.calls.writes()) == writes


def test_a_backfill_that_died_between_chunks_resumes_without_duplicates(world, sf_api, intacct_api):
    # Given a backfill reading 7 records a chunk that dies after its second chunk
    accounts = _given_existing_records(world, sf_api, intacct_api)
    settings = BackfillSettings(page_size=7)
    seen: list[str] = []

    def die_after_two(line: str) -> None:
        seen.append(line)
        if len(seen) == 2:
            raise _CrashError

    with pytest.raises(_CrashError):
        _backfill(world, settings=settings, progress=die_after_two)
    assert 0 < len(world.intacct.records("CUSTOMER")) - 5 < N
    # When it is run again with --resume
    report = _backfill(world, settings=settings, resume=True)
    # Then it carried on from the third chunk, and every record has exactly one counterpart
    assert report.done
    # (the CRM rest, then every Intacct customer: ours and the five given)
    assert report.counts.read == (N - 14) + (N - 2) + 5
    _assert_each_record_has_one_counterpart(world, accounts)
    assert _customers_created(world) == (N - 2) + 5


def test_a_backfill_that_died_inside_a_chunk_resumes_without_duplicates(world, sf_api, intacct_api):
    # Given a backfill whose customers get created but whose write of their keys back onto
    # the accounts keeps failing (the run dies after the customers exist)
    accounts = _given_existing_records(world, sf_api, intacct_api)
    world.salesforce.faults.add(
        FaultRule(match="COMPOSITE Account", kind="http_error", status=503, times=4)
    )
    with pytest.raises(RetryableError):
        _backfill(world, settings=BackfillSettings(page_size=10))
    created = _customers_created(world)
    assert created > 5
    # When it is resumed
    report = _backfill(world, settings=BackfillSettings(page_size=10), resume=True)
    # Then the customers made before the crash were matched by their keys, not made again
    assert report.done
    _assert_each_record_has_one_counterpart(world, accounts)
    assert _customers_created(world) == (N - 2) + 5


def test_a_large_object_is_read_with_one_bulk_job_resumed_at_its_locator(
    world, sf_api, intacct_api
):
    # Given more accounts than the bulk threshold, a job that reports InProgress once, and a
    # backfill reading 8 records a set that dies after its second set
    accounts = _given_existing_records(world, sf_api, intacct_api)
    world.salesforce.org.bulk.in_progress_reads = 1
    connection = world.connection
    crm = world.runtime.sides(connection).crm
    crm.bulk_poll_s = 0.0
    settings = BackfillSettings(page_size=8, bulk_threshold=N - 1)
    seen: list[str] = []

    def die_after_two(line: str) -> None:
        seen.append(line)
        if len(seen) == 2:
            raise _CrashError

    with pytest.raises(_CrashError):
        _backfill(world, settings=settings, progress=die_after_two)
    # When it is resumed
    report = _backfill(world, settings=settings, resume=True)
    # Then the accounts were read by one bulk job (its results in sets, the resumed run
    # carrying on at the saved locator), and every record has exactly one counterpart
    jobs = [c for c in world.salesforce.calls.all() if c.op == "bulk_create_job"]
    assert len(jobs) == 1
    results = [c for c in world.salesforce.calls.all() if c.op == "bulk_results"]
    assert len(results) == math.ceil(N / 8)
    # (its state read until complete: once in progress, once done; never again after that)
    assert [c.op for c in world.salesforce.calls.all()].count("bulk_read_job") == 2
    assert report.done
    assert report.bulk_jobs == 0  # the job was started by the first run
    _assert_each_record_has_one_counterpart(world, accounts)
    assert _customers_created(world) == (N - 2) + 5


def test_contacts_come_over_once_and_customers_own_contacts_stay_home(world, sf_api, intacct_api):
    # Given two accounts with a contact each, and an Intacct contact of its own
    for i in range(2):
        account = sf_api.create("Account", Name=f"Holder {i}")
        sf_api.create("Contact", FirstName="Ana", LastName=f"Person {i}", AccountId=account)
    intacct_api.create(
        "CONTACT", CONTACTNAME="Solo Person", PRINTAS="Solo Person", LASTNAME="Person"
    )
    # When every mapping of the connection is backfilled
    runtime = world.runtime
    connection = world.connection
    report = run_backfill(
        connection, runtime.sides(connection), runtime.links, CheckpointStore(runtime.table)
    )
    # Then each Salesforce contact has one Intacct contact with its account's name, the
    # Intacct contact has one Salesforce contact, and no customer's own display contact
    # became a Salesforce contact
    assert report.done
    assert report.counts.failed == 0
    display = {c["DISPLAYCONTACT.CONTACTNAME"] for c in world.intacct.records("CUSTOMER")}
    people = [c for c in world.intacct.records("CONTACT") if c["CONTACTNAME"] not in display]
    assert sorted(c["COMPANYNAME"] or "" for c in people) == ["", "Holder 0", "Holder 1"]
    sf_contacts = world.salesforce.records("Contact")
    assert sorted(c["LastName"] for c in sf_contacts) == ["Person", "Person 0", "Person 1"]
    assert all(c["Intacct_Contact_Name__c"] for c in sf_contacts)
    assert report.counts.skipped == len(display)


def test_after_a_backfill_the_sync_finds_nothing_to_do(world, sf_api, intacct_api):
    # Given a backfilled connection (the users' and our own change notices still queued)
    _given_existing_records(world, sf_api, intacct_api)
    _backfill(world)
    world.salesforce.calls.clear()
    world.intacct.calls.clear()
    # When every queued notice is processed and both systems are polled
    world.settle()
    world.poll()
    world.settle()
    # Then the engine recognises every record as in step: nothing is written anywhere
    assert world.salesforce.calls.writes() == []
    assert world.intacct.calls.writes() == []
    assert world.dead_letters() == []


def test_the_command_backfills_and_prints_its_report(world, sf_api, intacct_api, capsys):
    # Given existing accounts and customers, and the functions' runtime in place
    _given_existing_records(world, sf_api, intacct_api)
    # When the command runs for the connection's accounts
    code = main([world.connection.connection_id, "--object", "Account"])
    # Then it finished, showed its progress, and ended with the report
    out = capsys.readouterr().out
    assert code == 0
    assert "account_customer from crm Account: chunk 1" in out
    report = BackfillReport.model_validate_json(out[out.index("{") :])
    assert report.done
    assert report.counts.created == (N - 2) + 3
