"""The whole sandbox over HTTP on loopback: moto server, emulators, API, background loops."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sandbox.served import ServedWorld
from sandbox.world import World
from shared.runtime import set_runtime


@pytest.fixture(scope="module")
def served() -> Iterator[World]:
    server = ServedWorld()
    world = server.start()
    yield world
    server.stop()
    set_runtime(None)
