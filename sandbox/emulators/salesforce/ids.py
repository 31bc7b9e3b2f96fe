"""Salesforce record ids.

An id is a 3-character key prefix naming the object (``001`` Account, ``003`` Contact...),
12 more case-sensitive characters, and - in the 18-character form - a 3-character
case-safe suffix: for each 5-character chunk of the 15-character id, a bit per upper-case
letter, looked up in ``A..Z0..5`` (Salesforce Help, "Salesforce IDs: 15 vs 18 characters";
the same algorithm as Apex ``Id.to15()``/``String.valueOf(Id)``). The API answers with
18-character ids and accepts either form.
"""

from __future__ import annotations

import secrets
import threading

from shared.connectors.salesforce.ids import checksum, is_record_id

_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_POD = "5g"  # two characters of "instance" after the key prefix, as real ids carry


def is_valid(value: str) -> bool:
    """Well formed: 15 alphanumerics, or 18 whose suffix is the right checksum."""
    return is_record_id(value)


def to18(value: str) -> str:
    """The 18-character form of a well-formed id (``ValueError`` otherwise)."""
    if not is_valid(value):
        raise ValueError(f"malformed id {value}")
    return value if len(value) == 18 else value + checksum(value)


def _base62(number: int, width: int) -> str:
    chars = []
    for _ in range(width):
        number, rem = divmod(number, 62)
        chars.append(_BASE62[rem])
    return "".join(reversed(chars))


def random_id(key_prefix: str) -> str:
    """An id with a random body (the org id, query locators)."""
    body = "".join(secrets.choice(_BASE62) for _ in range(10))
    id15 = key_prefix + _POD + body
    return id15 + checksum(id15)


class IdFactory:
    """Ids unique within one emulator: key prefix + pod + base-62 counter + suffix."""

    def __init__(self) -> None:
        self._next = 1
        self._lock = threading.Lock()

    def new(self, key_prefix: str) -> str:
        with self._lock:
            number, self._next = self._next, self._next + 1
        id15 = key_prefix + _POD + _base62(number, 10)
        return id15 + checksum(id15)
