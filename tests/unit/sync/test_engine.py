"""The sync engine's own decisions, one by one, against fake connectors."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shared.errors import LinkPendingError, PermanentError
from shared.mapping.fields import Side
from shared.mapping.overrides import MappingOverride
from shared.models.connection import ConflictPolicy
from shared.models.events import ChangeEvent, Operation, RecordRef
from shared.models.links import SideState, SyncLink
from shared.sync.engine import LinkConflictError
from shared.sync.outcome import Action


def _person(bench, key="PER00001", **fields):
    bench.crm.table("Person")[key] = {"name": "Ada", **fields, "_stamp": bench.crm.tick()}
    return RecordRef(system="fakecrm", object="Person", record_id=key)


def _event(ref, **kwargs):
    return ChangeEvent(connection_id="unit", ref=ref, source="webhook", **kwargs)


def test_first_sight_of_a_crm_record_creates_it_under_the_chosen_key(bench):
    ref = _person(bench)
    outcome = bench.engine().apply(_event(ref))
    assert outcome.action is Action.CREATED
    link = bench.links.get("unit", ref)
    assert link is not None
    assert link.status == "linked"
    assert link.erp is not None
    assert link.erp.ref.record_id in bench.erp.table("Party")
    assert bench.metrics.counts["RecordCreated"] == 1


def test_the_same_version_again_is_an_echo_and_writes_nothing(bench):
    ref = _person(bench)
    engine = bench.engine()
    engine.apply(_event(ref))
    writes = list(bench.erp.writes)
    # The CRM record now carries the ERP key we wrote: its new version is our own echo
    outcome = engine.apply(_event(ref))
    assert outcome.action is Action.ECHO_SKIPPED
    assert bench.erp.writes == writes


def test_an_event_older_than_what_the_link_saw_is_stale(bench):
    ref = _person(bench)
    engine = bench.engine()
    engine.apply(_event(ref))
    # Given the link saw the record at a newer stamp than the CRM now shows (a late event)
    link = bench.links.get("unit", ref)
    assert link is not None
    assert link.crm is not None
    assert link.crm.modified_at is not None
    later = link.crm.modified_at + timedelta(hours=1)
    bench.links.save(link.with_side(Side.CRM, link.crm.model_copy(update={"modified_at": later})))
    bench.crm.table("Person")[ref.record_id]["name"] = "Changed"
    outcome = engine.apply(_event(ref))
    assert outcome.action is Action.STALE_SKIPPED


def test_a_record_someone_else_is_linking_is_retried_later(bench):
    ref = _person(bench)
    bench.links.save(
        SyncLink(
            connection_id="unit",
            mapping="person_party",
            status="pending",
            origin=Side.ERP,
            crm=SideState(ref=ref),
        )
    )
    with pytest.raises(LinkPendingError):
        bench.engine().apply(_event(ref))


def test_a_crm_record_naming_its_erp_counterpart_is_linked_not_copied(bench):
    bench.erp.table("Party")["P-1"] = {"code": "P-1", "name": "Ada", "_stamp": bench.erp.tick()}
    ref = _person(bench, erp_code="P-1")
    outcome = bench.engine().apply(_event(ref))
    assert outcome.action is Action.LINKED_EXISTING
    assert list(bench.erp.table("Party")) == ["P-1"]
    # And a second record naming the same ERP record is refused, permanently
    other = _person(bench, key="PER00002", erp_code="P-1")
    with pytest.raises(LinkConflictError):
        bench.engine().apply(_event(other))


def test_a_refused_create_forgets_its_intent_so_a_corrected_record_starts_over(bench):
    ref = _person(bench)
    engine = bench.engine()
    # Given the chosen key is already taken in the ERP by a record we never linked
    taken = engine._catalog.by_name("person_party").erp_identity
    assert taken is not None
    from shared.mapping.computes import COMPUTES

    key = COMPUTES[taken.compute or ""].fn({"Id": ref.record_id})
    bench.erp.table("Party")[key] = {"code": key, "name": "Other", "_stamp": bench.erp.tick()}
    # When the engine tries to create it, the ERP refuses: a permanent error
    with pytest.raises(PermanentError, match="taken"):
        engine.apply(_event(ref))
    # Then no pending link is left behind
    assert bench.links.get("unit", ref) is None


def test_deletes_are_audited_not_propagated(bench):
    ref = _person(bench)
    outcome = bench.engine().apply(_event(ref, operation=Operation.DELETE))
    assert outcome.action is Action.DELETE_NOT_PROPAGATED
    assert bench.erp.writes == []


def test_a_filter_keeps_records_out(bench):
    connection = bench.connection.model_copy(
        update={"mappings": {"person_party": MappingOverride(crm_filter={"kind": "customer"})}}
    )
    ref = _person(bench, kind="prospect")
    assert bench.engine(connection).apply(_event(ref)).action is Action.FILTERED
    assert bench.erp.writes == []


def test_erp_wins_keeps_the_erp_value_when_both_sides_changed(bench):
    ref = _person(bench)
    engine = bench.engine()
    engine.apply(_event(ref))
    link = bench.links.get("unit", ref)
    assert link is not None
    assert link.erp is not None
    code = link.erp.ref.record_id
    # Given both sides renamed the record since the last sync
    bench.erp.table("Party")[code].update({"name": "ERP name", "_stamp": bench.erp.tick()})
    bench.crm.table("Person")[ref.record_id].update(
        {"name": "CRM name", "_stamp": bench.crm.tick()}
    )
    # When the CRM change is synced under erp_wins
    connection = bench.connection.model_copy(update={"conflict_policy": ConflictPolicy.ERP_WINS})
    outcome = bench.engine(connection).apply(_event(ref))
    # Then the ERP keeps its value, and the decision is audited
    assert outcome.action is Action.CONFLICT_KEPT_TARGET
    assert bench.erp.table("Party")[code]["name"] == "ERP name"
    actions = [e.action for e in bench.audit.history("unit", ref)]
    assert "conflict_resolved" in actions


def _linked_person(bench):
    ref = _person(bench, email="a@x")
    engine = bench.engine()
    engine.apply(_event(ref))
    link = bench.links.get("unit", ref)
    assert link is not None
    assert link.erp is not None
    return ref, link.erp.ref, engine


def _erp_event(bench, erp_ref, snapshot):
    row = bench.erp.table("Party")[erp_ref.record_id]
    return ChangeEvent(
        connection_id="unit",
        ref=erp_ref,
        source="poll",
        version=row["_stamp"].isoformat(),
        snapshot={**snapshot, "Id": erp_ref.record_id},
        source_event_id=str(snapshot),
    )


def test_an_erp_read_older_than_our_write_never_undoes_it_but_its_other_fields_flow(bench):
    ref, erp_ref, engine = _linked_person(bench)
    party = bench.erp.table("Party")[erp_ref.record_id]
    engine.apply(_erp_event(bench, erp_ref, {k: v for k, v in party.items() if k != "_stamp"}))
    # Given an ERP user's edit of name and email, read by a poll ...
    party.update({"name": "ERP name", "email": "erp@x", "_stamp": bench.erp.tick()})
    old_read = _erp_event(bench, erp_ref, {k: v for k, v in party.items() if k != "_stamp"})
    # ... then a CRM rename that ledgerlink writes to the ERP after that edit
    bench.crm.table("Person")[ref.record_id].update(
        {"name": "CRM name", "_stamp": bench.crm.tick()}
    )
    engine.apply(_event(ref))
    assert bench.erp.table("Party")[erp_ref.record_id]["name"] == "CRM name"
    # When the older poll read is processed
    engine.apply(old_read)
    # Then our newer name stands in the CRM, and the ERP's email (which we never wrote) flows
    person = bench.crm.table("Person")[ref.record_id]
    assert person["name"] == "CRM name"
    assert person["email"] == "erp@x"


# -- adopting a record that already has the key (Identity.adopt_field) -------------------


def _product(bench, key="PRO00001", **fields):
    bench.crm.table("Product")[key] = {"name": "Widget", **fields, "_stamp": bench.crm.tick()}
    return RecordRef(system="fakecrm", object="Product", record_id=key)


def _good(bench, code, **fields):
    bench.erp.table("Good")[code] = {"code": code, "name": "Widget", **fields}
    bench.erp.table("Good")[code]["_stamp"] = bench.erp.tick()
    return RecordRef(system="fakeerp", object="Good", record_id=code)


def test_a_crm_record_whose_chosen_key_exists_unlinked_in_the_erp_adopts_it(bench):
    # Given the ERP already has good W-1 and the CRM a product coded W-1, never linked
    good = _good(bench, "W-1", name="Old name")
    product = _product(bench, sku="W-1", name="New name")

    # When the CRM product is first seen
    outcome = bench.engine().apply(_event(product))

    # Then the two are linked, no second good is made, the CRM's name flows to it
    assert outcome.action is Action.LINKED_EXISTING
    assert list(bench.erp.table("Good")) == ["W-1"]
    assert bench.erp.table("Good")["W-1"]["name"] == "New name"
    link = bench.links.get("unit", good)
    assert link is not None
    assert link.crm is not None
    assert link.crm.ref == product
    # and the product shows the ERP key it is linked to
    assert bench.crm.table("Product")[product.record_id]["erp_code"] == "W-1"


def test_an_erp_record_whose_key_a_crm_record_carries_adopts_it_instead_of_a_copy(bench):
    # Given a CRM product coded W-2 and an ERP good W-2, never linked
    product = _product(bench, sku="W-2", name="Widget")
    good = _good(bench, "W-2", name="Finance name")

    # When the ERP good is first seen
    outcome = bench.engine().apply(_event(good))

    # Then the CRM product is its counterpart: one product, with the ERP's key and name
    assert outcome.action is Action.LINKED_EXISTING
    assert list(bench.crm.table("Product")) == [product.record_id]
    row = bench.crm.table("Product")[product.record_id]
    assert (row["erp_code"], row["name"]) == ("W-2", "Finance name")
    link = bench.links.get("unit", product)
    assert link is not None
    assert link.erp is not None
    assert link.erp.ref == good


def test_a_record_with_the_key_that_is_linked_elsewhere_is_not_adopted(bench):
    # Given good W-3 is linked to one product
    first = _product(bench, "PRO00001", sku="W-3")
    engine = bench.engine()
    assert engine.apply(_event(first)).action is Action.CREATED

    # When a second CRM product with the same code is first seen
    second = _product(bench, "PRO00002", sku="W-3")

    # Then it is refused with the reason, and the good stays the first product's
    with pytest.raises(LinkConflictError, match="W-3 already exists and is linked"):
        engine.apply(_event(second))
    link = bench.links.get("unit", RecordRef(system="fakeerp", object="Good", record_id="W-3"))
    assert link is not None
    assert link.crm is not None
    assert link.crm.ref == first


def test_nothing_to_adopt_creates_as_usual(bench):
    # Given a CRM product whose code no good has
    product = _product(bench, sku="W-4")

    # When it is first seen
    outcome = bench.engine().apply(_event(product))

    # Then the good is created under that code
    assert outcome.action is Action.CREATED
    assert bench.erp.table("Good")["W-4"]["name"] == "Widget"


# -- a mapping's on_conflict: the whole record, when both sides changed -------------------


def _renamed_on_both_sides(bench, on_conflict):
    ref = _person(bench)
    connection = bench.connection.model_copy(update={"person_on_conflict": on_conflict})
    engine = bench.engine(connection)
    engine.apply(_event(ref))
    link = bench.links.get("unit", ref)
    assert link is not None
    assert link.erp is not None
    code = link.erp.ref.record_id
    bench.erp.table("Party")[code].update({"name": "ERP name", "_stamp": bench.erp.tick()})
    bench.crm.table("Person")[ref.record_id].update(
        {"name": "CRM name", "_stamp": bench.crm.tick()}
    )
    return ref, link.erp.ref, engine


def test_skip_writes_nothing_either_way_and_notes_the_fields(bench):
    # Given a person renamed on both sides, its mapping saying skip
    ref, erp_ref, engine = _renamed_on_both_sides(bench, "skip")
    writes = list(bench.erp.writes) + list(bench.crm.writes)

    # When the CRM's change, then the ERP's, are synced
    crm_outcome = engine.apply(_event(ref))
    erp_outcome = engine.apply(_event(erp_ref))

    # Then nothing was written on either side, each keeping its own name
    assert crm_outcome.action is Action.SKIPPED
    assert crm_outcome.conflicts == ("name",)
    # both versions were noted as seen: the ERP's is no news
    assert erp_outcome.action in (Action.ECHO_SKIPPED, Action.STALE_SKIPPED)
    assert list(bench.erp.writes) + list(bench.crm.writes) == writes
    assert bench.erp.table("Party")[erp_ref.record_id]["name"] == "ERP name"
    assert bench.crm.table("Person")[ref.record_id]["name"] == "CRM name"
    # And the audit trail says why
    [skipped] = [e for e in bench.audit.history("unit", ref) if e.action == "skipped"]
    assert skipped.detail["reason"] == "changed on both sides: name"


def test_overwrite_gives_the_erp_the_crm_values_in_either_order(bench):
    # Given a person renamed on both sides, its mapping saying overwrite
    ref, erp_ref, engine = _renamed_on_both_sides(bench, "overwrite")

    # When the ERP's change comes first, then the CRM's
    first = engine.apply(_event(erp_ref))
    engine.apply(_event(ref))

    # Then the CRM's name won on both sides
    assert first.action is Action.CONFLICT_KEPT_TARGET
    assert bench.erp.table("Party")[erp_ref.record_id]["name"] == "CRM name"
    assert bench.crm.table("Person")[ref.record_id]["name"] == "CRM name"
