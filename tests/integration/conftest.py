"""In-process world: moto's mock_aws, emulators on httpx transports, real handlers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from moto import mock_aws

from sandbox.world import World
from shared.runtime import set_runtime


@pytest.fixture
def world() -> Iterator[World]:
    with mock_aws():
        w = World.in_process()
        yield w
    set_runtime(None)


@pytest.fixture
def sf_api(world: World):
    """A Salesforce REST client acting as a user (not ledgerlink)."""
    from sandbox.users import SalesforceUser

    return SalesforceUser(world)


@pytest.fixture
def intacct_api(world: World):
    from sandbox.users import IntacctUser

    return IntacctUser(world)
