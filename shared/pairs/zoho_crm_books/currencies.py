"""Exchange rates with their direction, and amounts converted exactly.

Zoho CRM and Zoho Books state one rate the opposite ways round (Zoho CRM Help, "Setting up
the Zoho Finance Suite integration", on multi-currency): the CRM asks "1 USD is how many INR"
(**1 home unit = N foreign units**), Books asks "how many USD make 1 INR" (**1 foreign unit =
N base units**). Home and base currency are the same (the set-up refuses otherwise). A Books
document in a foreign currency shows in the CRM with its home amount converted at the
document's own Books rate; the figures agree to 9 decimal places, so every result here is
a Decimal rounded half-up at the ninth.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal

NINE = Decimal("0.000000001")
_EXACT = Context(prec=60)


def to_nine(value: Decimal) -> Decimal:
    """``value`` to 9 decimal places, half-up."""
    return value.quantize(NINE, rounding=ROUND_HALF_UP, context=_EXACT)


def _positive(rate: Decimal) -> Decimal:
    if not rate.is_finite() or rate <= 0:
        raise ValueError(f"an exchange rate must be positive: {rate}")
    return rate


def crm_rate_from_books(books_rate: Decimal) -> Decimal:
    """1 foreign = ``books_rate`` home  ->  1 home = N foreign."""
    return to_nine(_EXACT.divide(Decimal(1), _positive(books_rate)))


def books_rate_from_crm(crm_rate: Decimal) -> Decimal:
    """1 home = ``crm_rate`` foreign  ->  1 foreign = N home."""
    return to_nine(_EXACT.divide(Decimal(1), _positive(crm_rate)))


def home_at_books_rate(amount: Decimal, books_rate: Decimal) -> Decimal:
    """A foreign amount in the home currency, at a Books rate (multiply)."""
    return to_nine(_EXACT.multiply(amount, _positive(books_rate)))


def foreign_at_books_rate(home: Decimal, books_rate: Decimal) -> Decimal:
    """A home amount in the foreign currency, at a Books rate (divide)."""
    return to_nine(_EXACT.divide(home, _positive(books_rate)))


def home_at_crm_rate(amount: Decimal, crm_rate: Decimal) -> Decimal:
    """A foreign amount in the home currency, at a CRM rate (divide)."""
    return to_nine(_EXACT.divide(amount, _positive(crm_rate)))


def foreign_at_crm_rate(home: Decimal, crm_rate: Decimal) -> Decimal:
    """A home amount in the foreign currency, at a CRM rate (multiply)."""
    return to_nine(_EXACT.multiply(home, _positive(crm_rate)))
