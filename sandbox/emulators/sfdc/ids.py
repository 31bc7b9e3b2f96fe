"""Salesforce record ids: a 3-character key prefix, 12 more characters, and the 3-character
case-safe checksum that turns the 15-character id into the 18-character one."""

from __future__ import annotations

import itertools
import threading

_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def checksum(id15: str) -> str:
    """For each 5-character chunk, a bit per uppercase letter indexes the alphabet."""
    suffix = ""
    for chunk in (id15[0:5], id15[5:10], id15[10:15]):
        bits = sum(1 << i for i, ch in enumerate(chunk) if "A" <= ch <= "Z")
        suffix += _ALPHABET[bits]
    return suffix


def to18(record_id: str) -> str:
    if len(record_id) == 18:
        return record_id[:15] + checksum(record_id[:15])
    if len(record_id) == 15:
        return record_id + checksum(record_id)
    raise ValueError(record_id)


def _base62(number: int, width: int) -> str:
    chars = []
    for _ in range(width):
        number, rem = divmod(number, 62)
        chars.append(_BASE62[rem])
    return "".join(reversed(chars))


class IdFactory:
    """Ids unique within an emulator: prefix + pod "5g" + a base-62 counter + checksum."""

    def __init__(self, seed: int = 0) -> None:
        self._counter = itertools.count(1 + seed * 1_000_000)
        self._lock = threading.Lock()

    def new(self, prefix: str) -> str:
        with self._lock:
            n = next(self._counter)
        id15 = prefix + "5g" + _base62(n, 10)
        return id15 + checksum(id15)


def is_valid(record_id: str) -> bool:
    if len(record_id) not in (15, 18) or not record_id.isalnum():
        return False
    return len(record_id) == 15 or to18(record_id) == record_id
