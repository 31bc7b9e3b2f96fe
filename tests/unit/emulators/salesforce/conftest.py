"""Fixtures: an emulated org, an anonymous HTTP client and an authenticated one."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from sandbox.emulators.salesforce import SalesforceEmulator
from tests.unit.emulators.salesforce.helpers import (
    BASE_URL,
    CLIENT_ID,
    CLIENT_SECRET,
    RUN_AS,
    login,
)


@pytest.fixture(scope="session")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def emu() -> Iterator[SalesforceEmulator]:
    emulator = SalesforceEmulator(base_url=BASE_URL)
    emulator.add_connected_app(CLIENT_ID, CLIENT_SECRET, run_as_username=RUN_AS)
    yield emulator
    emulator.close()


@pytest.fixture
def client(emu: SalesforceEmulator) -> Iterator[httpx.Client]:
    """No session: for the token endpoint and 401s."""
    with httpx.Client(transport=httpx.WSGITransport(app=emu.wsgi_app), base_url=BASE_URL) as c:
        yield c


@pytest.fixture
def api(emu: SalesforceEmulator) -> Iterator[httpx.Client]:
    """A client with a live session, as the REST API expects."""
    with httpx.Client(transport=httpx.WSGITransport(app=emu.wsgi_app), base_url=BASE_URL) as c:
        c.headers["Authorization"] = f"Bearer {login(c)}"
        yield c
