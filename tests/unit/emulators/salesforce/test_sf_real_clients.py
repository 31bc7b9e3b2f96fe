"""Clients written for the real API work unchanged: ledgerlink's own Salesforce client
in-process, and plain HTTP against the emulator served on localhost by several threads."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pydantic import SecretStr
from werkzeug.serving import make_server

from sandbox.emulators.faults import FaultRule
from sandbox.emulators.salesforce import SalesforceEmulator
from shared.connectors.base import RetrySettings
from shared.connectors.salesforce.client import SalesforceClient
from shared.connectors.salesforce.connector import SalesforceConnector
from shared.connectors.salesforce.settings import SalesforceSecrets, SalesforceSettings
from tests.unit.emulators.salesforce.helpers import (
    BASE_URL,
    CLIENT_ID,
    CLIENT_SECRET,
    DATA,
    RUN_AS,
    public_pem,
)

FAST = RetrySettings(attempts=3, wait_min_s=0.0, wait_max_s=0.0)


def _secrets(private_key: str | None = None) -> SalesforceSecrets:
    return SalesforceSecrets(
        client_secret=SecretStr(CLIENT_SECRET),
        private_key=SecretStr(private_key) if private_key else None,
    )


@pytest.fixture
def http(emu: SalesforceEmulator) -> Iterator[httpx.Client]:
    with httpx.Client(mounts={BASE_URL: httpx.WSGITransport(app=emu.wsgi_app)}) as client:
        yield client


def test_ledgerlink_connector_round_trip(emu: SalesforceEmulator, http: httpx.Client):
    # Given ledgerlink's Salesforce client on the client-credentials flow
    settings = SalesforceSettings(
        login_url=BASE_URL,
        org_id=emu.org_id,
        client_id=CLIENT_ID,
    )
    connector = SalesforceConnector(SalesforceClient(http, settings, _secrets(), FAST))
    # When it upserts, updates and reads an account the way the sync engine does
    created = connector.create(
        "Account",
        {"Name": "Acme", "Intacct_Customer_ID__c": "C-1"},
        idempotency_key="k1",
        external_key=("Intacct_Customer_ID__c", "C-1"),
    )
    connector.update("Account", created.key, {"Phone": "555"}, idempotency_key="k2")
    fetched = connector.fetch("Account", created.key, ["Name", "Phone"])
    # Then the emulator answered in shapes it understands
    assert created.created is True
    assert fetched is not None
    assert fetched.fields["Phone"] == "555"
    assert fetched.modified_at is not None
    assert fetched.modified_at.tzinfo is not None


def test_ledgerlink_client_recovers_from_an_expired_session(
    emu: SalesforceEmulator, http: httpx.Client
):
    # Given a connector with a session, and an org that expires it on the next query
    settings = SalesforceSettings(
        login_url=BASE_URL,
        org_id=emu.org_id,
        client_id=CLIENT_ID,
    )
    client = SalesforceClient(http, settings, _secrets(), FAST)
    connector = SalesforceConnector(client)
    emu.insert("Account", {"Name": "Acme"})
    list(connector.query("SELECT Id FROM Account"))
    emu.faults.add(FaultRule(match="QUERY Account", kind="expire_session"))
    # When it queries again
    rows = list(connector.query("SELECT Id, Name FROM Account"))
    # Then it logged in again and got the rows
    assert [r["Name"] for r in rows] == ["Acme"]
    assert emu.calls.count(op="token") == 2


def test_ledgerlink_client_on_the_jwt_flow(
    emu: SalesforceEmulator, http: httpx.Client, rsa_key: rsa.RSAPrivateKey
):
    # Given a connected app with our certificate, and ledgerlink on the JWT bearer flow
    emu.add_connected_app("jwt-app", "unused", public_key_pem=public_pem(rsa_key))
    private_pem = rsa_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    settings = SalesforceSettings(
        login_url=BASE_URL,
        org_id=emu.org_id,
        client_id="jwt-app",
        auth_flow="jwt_bearer",
        username=RUN_AS,
    )
    connector = SalesforceConnector(SalesforceClient(http, settings, _secrets(private_pem), FAST))
    # When it creates an opportunity with an exact amount and reads it back
    emu.insert("Account", {"Name": "Acme"})
    created = connector.create(
        "Opportunity",
        {
            "Name": "Deal",
            "StageName": "Prospecting",
            "CloseDate": "2024-05-01",
            "Amount": Decimal("1234.56"),
        },
        idempotency_key="k",
    )
    fetched = connector.fetch("Opportunity", created.key, ["Amount"])
    # Then the amount is exact
    assert fetched is not None
    assert fetched.fields["Amount"] == Decimal("1234.56")


@pytest.fixture
def served() -> Iterator[tuple[SalesforceEmulator, str]]:
    emulator = SalesforceEmulator(base_url="http://127.0.0.1")
    emulator.add_connected_app(CLIENT_ID, CLIENT_SECRET)
    server = make_server("127.0.0.1", 0, emulator.wsgi_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield emulator, f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        emulator.close()


def test_served_over_http_to_concurrent_clients(served):
    # Given the emulator behind a threaded HTTP server
    emu, url = served
    token = httpx.post(
        f"{url}/services/oauth2/token",
        data={
            "grant_type": "client_credentials",
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
        },
    ).json()["access_token"]
    statuses: list[int] = []
    lock = threading.Lock()

    def worker(n: int) -> None:
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=url, headers=headers, timeout=10) as client:
            for i in range(15):
                created = client.post(f"{DATA}/sobjects/Account", json={"Name": f"W{n}-{i}"})
                listed = client.get(f"{DATA}/query", params={"q": "SELECT COUNT() FROM Account"})
                with lock:
                    statuses.extend([created.status_code, listed.status_code])

    # When four clients create and count accounts at the same time
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    # Then every call succeeded and every record is distinct, with distinct modstamps
    assert set(statuses) == {200, 201}
    accounts = emu.records("Account")
    assert len(accounts) == 60
    assert len({a["Id"] for a in accounts}) == 60
    assert len({a["SystemModstamp"] for a in accounts}) == 60


def test_ledgerlink_connector_lists_changes_oldest_first_across_pages(
    emu: SalesforceEmulator, http: httpx.Client
):
    # Given 250 accounts (more than one 200-record batch) and, later, two edits
    settings = SalesforceSettings(login_url=BASE_URL, org_id=emu.org_id, client_id=CLIENT_ID)
    connector = SalesforceConnector(SalesforceClient(http, settings, _secrets(), FAST))
    ids = [emu.insert("Account", {"Name": f"Account {n:03d}"}) for n in range(250)]
    cut = connector.fetch("Account", ids[-1], ["Name"])
    assert cut is not None
    assert cut.modified_at is not None
    emu.advance_clock(timedelta(minutes=1))
    emu.update("Account", ids[7], {"Name": "Edited"})
    emu.advance_clock(timedelta(seconds=1))
    emu.update("Account", ids[3], {"Name": "Edited too"})
    cut_at = cut.modified_at + timedelta(seconds=1)
    # When the poller asks for everything, then for what changed after the cut
    everything = list(connector.changed_since("Account", None, ["Name"], page_size=200))
    recent = list(connector.changed_since("Account", cut_at, ["Name"], page_size=200))
    # Then every account comes once, oldest first, and only the edits are recent
    assert len(everything) == 250
    assert len({r.key for r in everything}) == 250
    stamps = [r.modified_at for r in everything]
    assert stamps == sorted(stamps)  # type: ignore[type-var]
    assert [(r.key, r.fields["Name"]) for r in recent] == [
        (ids[7], "Edited"),
        (ids[3], "Edited too"),
    ]
