"""Salesforce record ids, checked before anything is queued.

An id is 15 case-sensitive alphanumerics (a 3-character key prefix naming the object, then
12 more) or 18: the 15 plus a 3-character case-safe suffix — for each 5-character chunk, a
bit per upper-case letter, looked up in ``A..Z0..5`` (Salesforce Help, "Salesforce IDs: 15
vs 18 characters"). Salesforce itself only ever sends well-formed ids, so anything else at
our door is forged or broken.
"""

from __future__ import annotations

_SUFFIX_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"


def checksum(id15: str) -> str:
    """The 3-character case-safe suffix of a 15-character id."""
    suffix = ""
    for start in (0, 5, 10):
        chunk = id15[start : start + 5]
        bits = sum(1 << i for i, ch in enumerate(chunk) if "A" <= ch <= "Z")
        suffix += _SUFFIX_ALPHABET[bits]
    return suffix


def is_record_id(value: str) -> bool:
    """Well formed: 15 alphanumerics, or 18 whose suffix is the right checksum."""
    if len(value) not in (15, 18) or not value.isascii() or not value.isalnum():
        return False
    return len(value) == 15 or checksum(value[:15]) == value[15:]


def same_id(a: object, b: str | None) -> bool:
    """Whether ``a`` and ``b`` name the same record (compared on their case-sensitive
    15-character form; either may be 18 characters)."""
    return bool(a and b and str(a)[:15] == b[:15])
