"""Exchange rates keep their direction, and conversions agree to 9 decimals, half-up."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.pairs.zoho_crm_books.currencies import (
    books_rate_from_crm,
    crm_rate_from_books,
    foreign_at_books_rate,
    foreign_at_crm_rate,
    home_at_books_rate,
    home_at_crm_rate,
    to_nine,
)

D = Decimal


def test_a_books_rate_becomes_the_crms_inverse_rate_and_back():
    # Given Books' 1 INR = 0.012 USD
    books = D("0.012")
    # When it is stated the CRM's way and back again
    crm = crm_rate_from_books(books)
    back = books_rate_from_crm(crm)
    # Then the CRM says 1 USD = 83.333333333 INR, and back it is 0.012 again to 9 decimals
    assert crm == D("83.333333333")
    assert back == D("0.012000000")


def test_the_ninth_decimal_rounds_half_up_not_half_even():
    # Given 100.00 INR at 1 INR = 0.012345678905 USD: exactly 1.2345678905 USD
    # When converted to the home currency
    home = home_at_books_rate(D("100.00"), D("0.012345678905"))
    # Then the tenth decimal's 5 rounds the ninth up (half-even would keep ...890)
    assert home == D("1.234567891")
    assert to_nine(D("2.0000000005")) == D("2.000000001")
    assert to_nine(D("-2.0000000005")) == D("-2.000000001")
    assert to_nine(D("2.00000000049")) == D("2.000000000")


def test_home_and_foreign_amounts_convert_both_ways_at_either_sides_rate():
    # Given 1 INR = 0.0125 USD in Books, which is 1 USD = 80 INR in the CRM
    books, crm = D("0.0125"), D("80")
    assert crm_rate_from_books(books) == D("80.000000000")
    # When 1,000.00 INR is converted to USD, and 12.50 USD to INR, on each side's rate
    # Then both sides give the same amounts, exactly
    assert home_at_books_rate(D("1000.00"), books) == D("12.500000000")
    assert home_at_crm_rate(D("1000.00"), crm) == D("12.500000000")
    assert foreign_at_books_rate(D("12.50"), books) == D("1000.000000000")
    assert foreign_at_crm_rate(D("12.50"), crm) == D("1000.000000000")


def test_a_rate_must_be_positive():
    with pytest.raises(ValueError, match="must be positive"):
        crm_rate_from_books(D(0))
    with pytest.raises(ValueError, match="must be positive"):
        home_at_crm_rate(D(1), D("-80"))


@given(
    amount=st.decimals(min_value=D("0.01"), max_value=D("10000000"), places=2),
    crm=st.decimals(min_value=D("0.5"), max_value=D("500"), places=4),
)
def test_an_amount_and_its_home_value_agree_whichever_side_converts(amount, crm):
    # Given a CRM rate with four decimals and its Books rate
    books = books_rate_from_crm(crm)
    # When an amount is converted home on the CRM's rate and on the Books rate
    via_crm = home_at_crm_rate(amount, crm)
    via_books = home_at_books_rate(amount, books)
    # Then both are 9-decimal values, within what the Books rate's own 9-decimal rounding
    # can move them (the amount times half a unit of the ninth decimal)
    assert via_crm == to_nine(via_crm)
    assert abs(via_crm - via_books) <= amount * D("0.0000000005") + D("0.000000001")
