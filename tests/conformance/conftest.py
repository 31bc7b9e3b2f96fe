"""Every connector, against its emulator, in-process."""

from __future__ import annotations

import pytest

from shared.connectors.base import RetrySettings
from tests.conformance.cases import FACTORIES, Case


@pytest.fixture(params=sorted(FACTORIES))
def case(request: pytest.FixtureRequest) -> Case:
    waits: list[float] = []
    retry = RetrySettings(
        attempts=3,
        wait_min_s=0.5,
        wait_max_s=4.0,
        rate_limit_wait_max_s=30.0,
        sleep=waits.append,  # nothing sleeps: the waits are recorded
    )
    return FACTORIES[request.param](retry, waits)
