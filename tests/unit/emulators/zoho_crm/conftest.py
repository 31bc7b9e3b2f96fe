"""The Zoho CRM emulator, and a client signed in to its API (shared by its wire tests; the
token grant's own wire is tested in test_wire.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from sandbox.emulators.zoho_crm import ZohoCrmEmulator
from tests.unit.emulators.zoho_client import signed_in

START = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.fixture
def crm() -> ZohoCrmEmulator:
    return ZohoCrmEmulator(clock=lambda: START)


@pytest.fixture
def api(crm: ZohoCrmEmulator) -> httpx.Client:
    return signed_in(crm, "/crm/v8")
