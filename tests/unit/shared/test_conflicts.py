from datetime import UTC, datetime

import pytest

from shared.mapping import Side
from shared.models.connection import ConflictPolicy
from shared.models.events import RecordRef
from shared.models.records import SourceRecord
from shared.pairs.salesforce_intacct.mappings import ACCOUNT_CUSTOMER
from shared.sync.conflicts import must_read_target, resolve

PHONE = next(f for f in ACCOUNT_CUSTOMER.fields if f.erp == "DISPLAYCONTACT.PHONE1")
NAME = next(f for f in ACCOUNT_CUSTOMER.fields if f.erp == "NAME")


def _record(system: str, minute: int) -> SourceRecord:
    return SourceRecord(
        ref=RecordRef(system=system, object="x", record_id="1"),
        fields={},
        modified_at=datetime(2026, 1, 1, 0, minute, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    ("policy", "target", "read"),
    [
        (ConflictPolicy.CRM_WINS, Side.ERP, False),  # no billed Intacct read under crm_wins
        (ConflictPolicy.CRM_WINS, Side.CRM, True),
        (ConflictPolicy.ERP_WINS, Side.ERP, True),
        (ConflictPolicy.ERP_WINS, Side.CRM, False),
        (ConflictPolicy.NEWEST_WINS, Side.ERP, True),
    ],
)
def test_the_target_is_read_only_when_it_could_win(policy, target, read):
    assert must_read_target(policy, target) is read


def test_only_fields_changed_on_both_sides_are_decided():
    crm, erp = _record("salesforce", 1), _record("intacct", 2)
    result = resolve(
        ConflictPolicy.ERP_WINS, Side.CRM, [PHONE, NAME], {"DISPLAYCONTACT.PHONE1"}, crm, erp
    )
    assert result.keep == (NAME,)
    assert result.kept_target == ("DISPLAYCONTACT.PHONE1",)


def test_newest_wins_compares_modification_times():
    older_crm, newer_erp = _record("salesforce", 1), _record("intacct", 2)
    lost = resolve(
        ConflictPolicy.NEWEST_WINS,
        Side.CRM,
        [PHONE],
        {"DISPLAYCONTACT.PHONE1"},
        older_crm,
        newer_erp,
    )
    assert lost.keep == ()
    won = resolve(ConflictPolicy.NEWEST_WINS, Side.ERP, [PHONE], {"Phone"}, newer_erp, older_crm)
    assert won.keep == (PHONE,)
