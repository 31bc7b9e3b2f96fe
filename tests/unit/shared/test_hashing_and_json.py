from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from shared.jsonutil import dumps, loads
from shared.sync.hashing import changed_paths, hashes_of, normalize, value_hash


def test_equal_meanings_hash_equal():
    assert value_hash(None) == value_hash("") == value_hash("  ")
    assert value_hash(True) == value_hash("true") == value_hash("TRUE")
    assert value_hash(Decimal("1.50")) == value_hash("1.5") == value_hash(1.5)
    assert value_hash("00123") != value_hash("123")  # ids keep their zeros


def test_changed_paths_are_those_whose_hash_moved():
    stored = hashes_of({"NAME": "Acme", "PHONE1": "1"}, ["NAME", "PHONE1"])
    current = hashes_of({"NAME": "Acme Inc", "PHONE1": "1"}, ["NAME", "PHONE1"])
    assert changed_paths(current, stored) == {"NAME"}


@given(st.decimals(allow_nan=False, allow_infinity=False, places=2))
def test_money_round_trips_exactly_through_json(amount: Decimal):
    assert loads(dumps({"amount": amount}))["amount"] == amount


@given(st.decimals(allow_nan=False, allow_infinity=False, places=4))
def test_normalize_is_stable_for_decimals_and_their_text(amount: Decimal):
    assert normalize(amount) == normalize(str(amount))


def test_json_dumps_decimals_as_numbers_not_strings():
    assert dumps({"a": Decimal("10.10"), "b": [Decimal("-0.5")]}) == '{"a": 10.10, "b": [-0.5]}'
