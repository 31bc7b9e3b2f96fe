"""The engine, the change worker's coalescing and the link store, on batches: what each costs
in requests to the other systems and what each decides, record by record."""

from __future__ import annotations

from collections import Counter

import pytest

from shared.errors import RecordRejectedError, TransportError
from shared.mapping.fields import Side
from shared.models.events import ChangeEvent, Operation, RecordRef
from shared.models.links import SideState, SyncLink
from shared.state.links import ConcurrentLinkUpdateError, RecordLinkedElsewhereError
from shared.sync.outcome import Action, Outcome
from shared.sync.worker import coalesce


def _people(bench, n, **fields):
    refs = []
    for i in range(n):
        key = f"PER{i:05d}"
        bench.crm.table("Person")[key] = {"name": f"Ada {i}", **fields, "_stamp": bench.crm.tick()}
        refs.append(RecordRef(system="fakecrm", object="Person", record_id=key))
    return refs


def _event(ref, **kwargs):
    return ChangeEvent(**{"connection_id": "unit", "ref": ref, "source": "webhook", **kwargs})


def _requests(account):
    return Counter((kind, obj) for kind, obj, _ in account.requests)


def test_ten_creates_cost_one_read_and_one_write_per_object_and_side(bench):
    # Given ten new CRM people
    refs = _people(bench, 10)
    bench.crm.requests.clear()
    # When they are applied as one batch
    outcomes = bench.engine().apply_all([_event(r) for r in refs])
    # Then every one was created in the ERP
    assert [o.action for o in outcomes if isinstance(o, Outcome)] == [Action.CREATED] * 10
    assert len(bench.erp.table("Party")) == 10
    # And the ERP saw one write request for all of them, the CRM one read of the people and
    # one write showing the ten new keys
    assert _requests(bench.erp) == {("write", "Party"): 1}
    assert _requests(bench.crm) == {("read", "Person"): 1, ("write", "Person"): 1}
    assert all(row["erp_code"] for row in bench.crm.table("Person").values())


def test_one_refused_record_fails_alone_and_the_others_are_written(bench):
    # Given ten people, one of whose ERP codes is already taken by a party nobody linked
    refs = _people(bench, 10)
    engine = bench.engine()
    taken = _first_code(bench, engine, refs[3])
    bench.erp.table("Party")[taken] = {"code": taken, "name": "someone", "_stamp": bench.erp.tick()}
    # When the batch runs
    outcomes = engine.apply_all([_event(r) for r in refs])
    # Then that one record has its own permanent error, its intent is forgotten
    assert isinstance(outcomes[3], RecordRejectedError)
    assert bench.links.get("unit", refs[3]) is None
    # And the nine others were created and linked
    created = [o for o in outcomes if isinstance(o, Outcome)]
    assert len(created) == 9
    assert all(o.action is Action.CREATED for o in created)


def _first_code(bench, engine, ref):
    """The ERP code a create of ``ref`` would choose (run and undo it on a scratch copy)."""
    from shared.mapping.computes import COMPUTES

    row = bench.crm.table("Person")[ref.record_id]
    return str(COMPUTES["party_code"].fn({**row, "Id": ref.record_id}))


def test_a_whole_request_failing_fails_every_record_that_waited_on_it(bench, monkeypatch):
    # Given the ERP's batch write fails as a whole (a transport error after the retries)
    refs = _people(bench, 3)

    def down(obj, writes):
        raise TransportError("fakeerp: timed out")

    monkeypatch.setattr(bench.sides.erp, "write_many", down)
    # When the batch runs
    outcomes = bench.engine().apply_all([_event(r) for r in refs])
    # Then each record ends with that retryable error, and each pending intent stays to resume
    assert all(isinstance(o, TransportError) for o in outcomes)
    for ref in refs:
        link = bench.links.get("unit", ref)
        assert link is not None
        assert link.status == "pending"
    # And when the ERP is back, the retry resumes each create and makes no second party
    monkeypatch.undo()
    again = bench.engine().apply_all([_event(r) for r in refs])
    assert [o.action for o in again if isinstance(o, Outcome)] == [Action.CREATED] * 3
    assert len(bench.erp.table("Party")) == 3


def test_a_create_whose_key_could_not_be_shown_resumes_after_its_write(bench, monkeypatch):
    # Given the CRM refuses writes for a while: the ERP copies get made, their keys cannot
    # be shown on the CRM people
    refs = _people(bench, 2)
    crm_write = bench.sides.crm.write_many

    def down(obj, writes):
        raise TransportError("fakecrm: timed out")

    monkeypatch.setattr(bench.sides.crm, "write_many", down)
    first = bench.engine().apply_all([_event(r) for r in refs])
    assert all(isinstance(o, TransportError) for o in first)
    assert all(bench.links.get("unit", r).written for r in refs)
    # When the CRM is back and the changes come again
    monkeypatch.setattr(bench.sides.crm, "write_many", crm_write)
    again = bench.engine().apply_all([_event(r) for r in refs])
    # Then each create resumes after its write: the key is shown, and no second copy is made
    assert [o.action for o in again if isinstance(o, Outcome)] == [Action.CREATED] * 2
    assert len(bench.erp.table("Party")) == 2
    assert all(bench.crm.table("Person")[r.record_id].get("erp_code") for r in refs)


def test_edits_of_a_synced_batch_cost_one_write_and_echoes_cost_no_request(bench):
    refs = _people(bench, 5)
    engine = bench.engine()
    engine.apply_all([_event(r) for r in refs])
    # Given three of the five people are edited in the CRM
    for ref in refs[:3]:
        row = bench.crm.table("Person")[ref.record_id]
        row.update(email=f"{ref.record_id}@example.com", _stamp=bench.crm.tick())
    bench.erp.requests.clear()
    audit_before = _audit_count(bench, refs)
    # When all five come through one batch
    outcomes = engine.apply_all([_event(r) for r in refs])
    # Then the three edits cost one ERP write request, the two unchanged ones nothing
    actions = [o.action for o in outcomes if isinstance(o, Outcome)]
    assert actions == [Action.UPDATED] * 3 + [Action.ECHO_SKIPPED] * 2
    assert _requests(bench.erp) == {("write", "Party"): 1}
    # And only the changes were audited: a no-op writes nothing to the state table
    assert _audit_count(bench, refs) == audit_before + 3


def _audit_count(bench, refs):
    return sum(len(bench.audit.history("unit", r)) for r in refs)


def test_coalescing_keeps_the_latest_state_of_a_record():
    ref = RecordRef(system="fakecrm", object="Person", record_id="PER00001")
    old = _event(ref, source="poll", version="2026-01-01T00:00:01+00:00", snapshot={"name": "a"})
    new = _event(ref, source="poll", version="2026-01-01T00:00:02+00:00", snapshot={"name": "b"})
    # Snapshots: the newest wins, whatever the order they came in
    assert coalesce([new, old]).snapshot == {"name": "b"}
    # A notification without data asks for a fresh read, which sees every edit
    hint = _event(ref)
    assert coalesce([old, hint, new]).snapshot is None
    # A repair among them stays a repair; a delete last stays a delete
    assert coalesce([_event(ref, source="repair"), hint]).source == "repair"
    assert coalesce([hint, _event(ref, operation=Operation.DELETE)]).operation is Operation.DELETE


def test_the_link_is_one_item_found_from_both_sides(bench):
    [ref] = _people(bench, 1)
    bench.engine().apply(_event(ref))
    link = bench.links.get("unit", ref)
    assert link is not None
    assert link.erp is not None
    # Found from the ERP side through its pointer, the same link
    assert bench.links.get("unit", link.erp.ref) == link
    # And in one batched read from either side
    found = bench.links.get_many("unit", [ref, link.erp.ref])
    assert found == {ref: link, link.erp.ref: link}
    # And it is stored under the ERP key (known when it was first saved): a CRM record that
    # shows that key finds its link there directly, and a wrong guess falls back
    assert link.home is Side.ERP
    assert bench.links.get_many("unit", [ref], homes={ref: link.erp.ref}) == {ref: link}
    wrong = RecordRef(system="fakeerp", object="Party", record_id="NOPE")
    assert bench.links.get_many("unit", [ref], homes={ref: wrong}) == {ref: link}


def test_a_record_cannot_belong_to_two_links(bench):
    crm_a, crm_b = _people(bench, 2)
    erp = RecordRef(system="fakeerp", object="Party", record_id="P1")
    first = SyncLink(
        connection_id="unit",
        mapping="person_party",
        crm=SideState(ref=crm_a),
        erp=SideState(ref=erp),
    )
    bench.links.save(first)
    # When another CRM record's link names the same ERP record
    second = first.with_side(first.home, SideState(ref=crm_b))
    second = second.model_copy(update={"rev": 0, "claimed": ()})
    with pytest.raises(RecordLinkedElsewhereError):
        bench.links.save(second)
    # Then the ERP record still leads to the first link
    found = bench.links.get("unit", erp)
    assert found is not None
    assert found.crm is not None
    assert found.crm.ref == crm_a


def test_a_pointer_left_by_a_lost_save_is_taken_over(bench):
    crm_a, crm_b = _people(bench, 2)
    erp = RecordRef(system="fakeerp", object="Party", record_id="P2")
    base = SyncLink(connection_id="unit", mapping="person_party", crm=SideState(ref=crm_a))
    saved = bench.links.save(base)
    # Given a save that claimed the ERP record, then lost its race on the link itself
    claimed = saved.with_side(saved.home.other, SideState(ref=erp)).model_copy(update={"rev": 0})
    with pytest.raises(ConcurrentLinkUpdateError):
        bench.links.save(claimed)
    # Then the pointer leads nowhere: the ERP record counts as unlinked
    assert bench.links.get("unit", erp) is None
    # And another link may claim it
    other = SyncLink(
        connection_id="unit",
        mapping="person_party",
        crm=SideState(ref=crm_b),
        erp=SideState(ref=erp),
    )
    bench.links.save(other)
    found = bench.links.get("unit", erp)
    assert found is not None
    assert found.crm is not None
    assert found.crm.ref == crm_b


def test_a_crm_edit_saved_just_before_our_write_still_flows_out(bench):
    # Given a person linked to a party
    [ref] = _people(bench, 1)
    engine = bench.engine()
    engine.apply(_event(ref))
    link = bench.links.get("unit", ref)
    assert link is not None
    assert link.erp is not None
    party = link.erp.ref
    # And the party's email changed in the ERP, while a person renamed the CRM record
    bench.erp.table("Party")[party.record_id].update(
        email="new@example.com", _stamp=bench.erp.tick()
    )
    bench.crm.table("Person")[ref.record_id].update(name="Renamed", _stamp=bench.crm.tick())
    # When the ERP change is written to the CRM (whose read-back shows the rename too)
    outcome = engine.apply(ChangeEvent(connection_id="unit", ref=party, source="poll"))
    assert outcome.action is Action.UPDATED
    # Then the rename, not yet synced, still reaches the ERP
    again = engine.apply(_event(ref))
    assert again.action is Action.UPDATED
    assert bench.erp.table("Party")[party.record_id]["name"] == "Renamed"
