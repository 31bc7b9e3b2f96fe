"""The Intacct emulator's company store: rollbacks put back exactly what a failed transaction
touched (inserts, changes, deletes, nested levels), and lookups by ID follow them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sandbox.emulators.intacct.clock import CompanyClock
from sandbox.emulators.intacct.objects import CUSTOMER
from sandbox.emulators.intacct.store import Company


class BoomError(Exception):
    pass


@pytest.fixture
def company() -> Company:
    return Company("acme", CompanyClock(lambda: datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)))


def _customer(company: Company, customer_id: str, name: str) -> None:
    company.insert(CUSTOMER, {"CUSTOMERID": customer_id, "NAME": name}, user_key=1)


def test_a_failed_transaction_puts_back_changes_inserts_deletes_and_counters(
    company: Company,
) -> None:
    # Given two customers and an executed controlid
    _customer(company, "C1", "One")
    _customer(company, "C2", "Two")
    company.data.executed.add("ctl-1")

    # When a transaction renames C1, deletes C2, inserts C3, notes a controlid, then fails
    def failing() -> None:
        with company.transaction():
            one = company.by_id(CUSTOMER, "C1")
            assert one is not None
            one["NAME"] = "Renamed"
            company.delete(CUSTOMER, 2, 1)
            _customer(company, "C3", "Three")
            company.data.executed.add("ctl-2")
            raise BoomError

    with pytest.raises(BoomError):
        failing()

    # Then the company is as it was: C1's name, C2 back and findable, no C3, counter unmoved
    assert company.by_id(CUSTOMER, "C1") == {**company.rows(CUSTOMER)[0], "NAME": "One"}
    two = company.by_id(CUSTOMER, "C2")
    assert two is not None
    assert two["NAME"] == "Two"
    assert company.by_id(CUSTOMER, "C3") is None
    assert [r["CUSTOMERID"] for r in company.rows(CUSTOMER)] == ["C1", "C2"]
    assert "ctl-1" in company.data.executed
    assert "ctl-2" not in company.data.executed
    _customer(company, "C4", "Four")
    assert company.by_id(CUSTOMER, "C4") == company.get(CUSTOMER, 3)


def test_an_inner_failure_keeps_the_outer_work_and_an_outer_failure_undoes_the_inner(
    company: Company,
) -> None:
    # Given one customer
    _customer(company, "C1", "One")

    # When an outer transaction changes C1, an inner one changes it again and fails
    with company.transaction() as roll_back_outer:
        one = company.by_id(CUSTOMER, "C1")
        assert one is not None
        one["NAME"] = "Outer"

        def failing_inner() -> None:
            with company.transaction():
                again = company.by_id(CUSTOMER, "C1")
                assert again is not None
                again["NAME"] = "Inner"
                raise BoomError

        with pytest.raises(BoomError):
            failing_inner()
        # Then the inner failure put back the outer's change, not the original
        kept = company.by_id(CUSTOMER, "C1")
        assert kept is not None
        assert kept["NAME"] == "Outer"

        # When a second inner transaction succeeds, then the outer rolls back
        with company.transaction():
            _customer(company, "C2", "Two")
        roll_back_outer()

    # Then neither the outer change nor the inner insert survived
    restored = company.by_id(CUSTOMER, "C1")
    assert restored is not None
    assert restored["NAME"] == "One"
    assert company.by_id(CUSTOMER, "C2") is None


def test_a_committed_transaction_keeps_everything(company: Company) -> None:
    # Given one customer
    _customer(company, "C1", "One")

    # When a transaction changes it and adds another, and ends well
    with company.transaction():
        one = company.by_id(CUSTOMER, "C1")
        assert one is not None
        one["NAME"] = "Kept"
        _customer(company, "C2", "Two")

    # Then both are there
    kept = company.by_id(CUSTOMER, "C1")
    assert kept is not None
    assert kept["NAME"] == "Kept"
    assert company.by_id(CUSTOMER, "C2") is not None
