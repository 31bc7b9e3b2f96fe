"""Served over HTTP by a threaded werkzeug server: concurrent clients stay consistent."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from werkzeug.serving import BaseWSGIServer, make_server

from sandbox.emulators.intacct import IntacctEmulator
from tests.unit.emulators.intacct.conftest import XmlClient, customer_xml, fn


@pytest.fixture
def served(emu: IntacctEmulator) -> Iterator[str]:
    server: BaseWSGIServer = make_server("127.0.0.1", 0, emu.wsgi_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


def test_concurrent_creates_over_http(served: str, emu: IntacctEmulator) -> None:
    # Given eight clients sharing one session, each creating five customers
    with httpx.Client(base_url=served, timeout=10) as http:
        session = XmlClient(http).session()

    def work(worker: int) -> list[str]:
        with httpx.Client(base_url=served, timeout=10) as http:
            client = XmlClient(http)
            statuses = []
            for n in range(5):
                reply = client.post(
                    fn(f"w{worker}-{n}", customer_xml(f"C-{worker}-{n}")),
                    session=session,
                    unique=True,
                )
                statuses.append(reply.result.status)
            return statuses

    # When they run at the same time
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = [s for statuses in pool.map(work, range(8)) for s in statuses]
    # Then every create succeeded exactly once with distinct RECORDNOs
    assert results == ["success"] * 40
    numbers = [r["RECORDNO"] for r in emu.records("CUSTOMER")]
    assert sorted(numbers) == list(range(1, 41))
    assert len(emu.calls.writes("CUSTOMER")) == 40
