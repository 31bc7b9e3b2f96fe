"""The Books emulator, and a client signed in to its API (shared by its wire tests)."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from sandbox.emulators.zoho_books import ZohoBooksEmulator
from tests.unit.emulators.zoho_client import signed_in

START = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.fixture
def books() -> ZohoBooksEmulator:
    return ZohoBooksEmulator(clock=lambda: START)


@pytest.fixture
def api(books: ZohoBooksEmulator) -> httpx.Client:
    return signed_in(books, "/books/v3", organization=True)
