"""Properties of the mapping, hashing and conflict decisions, over generated inputs."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from shared.mapping.fields import Direction, Side
from shared.mapping.mapper import build_payload, fields_touched_by
from shared.models.connection import ConflictPolicy
from shared.models.events import RecordRef
from shared.models.records import SourceRecord
from shared.pairs.salesforce_intacct.mappings import ACCOUNT_CUSTOMER
from shared.sync.conflicts import resolve
from shared.sync.hashing import changed_paths, hashes_of, normalize, record_digest, value_hash

text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
plain_text = text.filter(lambda t: t.strip() == t)
money = st.decimals(
    allow_nan=False, allow_infinity=False, places=4, max_value=10**9, min_value=-(10**9)
)
BOTH_TEXT = [
    f
    for f in ACCOUNT_CUSTOMER.fields
    if f.direction is Direction.BOTH and f.compute_for_erp is None
]


@given(money)
def test_equal_amounts_hash_equal_whatever_their_scale(amount: Decimal):
    assert value_hash(amount) == value_hash(amount.quantize(Decimal("0.0001")))
    assert value_hash(amount) == value_hash(str(amount))


@given(st.dictionaries(st.sampled_from(["A", "B", "C", "D"]), text, max_size=4))
def test_a_record_digest_does_not_depend_on_key_order(record: dict[str, str]):
    reordered = dict(reversed(list(record.items())))
    assert record_digest(record) == record_digest(reordered)


@given(
    st.dictionaries(st.sampled_from(["A", "B", "C"]), text), st.sampled_from(["A", "B", "C"]), text
)
def test_changed_paths_names_exactly_the_paths_whose_value_changed(
    record: dict[str, str], path: str, value: str
):
    before = hashes_of(record, ["A", "B", "C"])
    after = hashes_of({**record, path: value}, ["A", "B", "C"])
    expected = set() if normalize(record.get(path)) == normalize(value) else {path}
    assert changed_paths(after, before) == expected


@given(st.dictionaries(st.sampled_from([f.crm for f in BOTH_TEXT]), plain_text))
def test_two_way_text_fields_survive_a_round_trip(crm: dict[str, str]):
    # A CRM record's two-way fields, mapped to the ERP and back, are what they were
    to_erp = build_payload(BOTH_TEXT, Side.CRM, crm)
    back = build_payload(BOTH_TEXT, Side.ERP, to_erp)
    for field in BOTH_TEXT:
        assert normalize(back[field.crm]) == normalize(crm.get(field.crm))


@given(
    st.sampled_from(list(ConflictPolicy)),
    st.sampled_from(list(Side)),
    st.sets(st.sampled_from([f.name for f in ACCOUNT_CUSTOMER.flowing_from(Side.CRM)])),
    st.integers(min_value=0, max_value=59),
    st.integers(min_value=0, max_value=59),
)
def test_a_conflict_keeps_or_drops_each_field_and_never_invents_one(
    policy: ConflictPolicy, source: Side, target_changed_names: set[str], src_min: int, tgt_min: int
):
    fields = fields_touched_by(ACCOUNT_CUSTOMER, source, (), creating=True)
    target_changed = {f.target_path(source) for f in fields if f.name in target_changed_names}
    src = _record(source, src_min)
    tgt = _record(source.other, tgt_min)
    resolution = resolve(policy, source, fields, target_changed, src, tgt)
    kept = {f.name for f in resolution.keep}
    # every field is kept or lost, never both, never a new one
    assert kept | set(resolution.kept_target) == {f.name for f in fields}
    assert not kept & set(resolution.kept_target)
    # only fields changed on the target can be lost
    assert {n for n in resolution.kept_target} <= {
        f.name for f in fields if f.target_path(source) in target_changed
    }
    # the side the policy favours never loses a field
    favoured = {ConflictPolicy.CRM_WINS: Side.CRM, ConflictPolicy.ERP_WINS: Side.ERP}.get(policy)
    if favoured is source:
        assert resolution.kept_target == ()


def _record(side: Side, minute: int) -> SourceRecord:
    system = "salesforce" if side is Side.CRM else "intacct"
    return SourceRecord(
        ref=RecordRef(system=system, object="X", record_id="1"),
        fields={},
        modified_at=datetime(2026, 1, 1, 0, minute, tzinfo=UTC),
    )
