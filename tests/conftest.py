"""Test-wide settings: no AWS credentials or network, quiet powertools."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

for key, value in {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_METRICS_DISABLED": "true",
    "POWERTOOLS_SERVICE_NAME": "ledgerlink",
    "POWERTOOLS_LOG_LEVEL": "WARNING",
}.items():
    os.environ[key] = value
os.environ.pop("AWS_PROFILE", None)
os.environ.pop("AWS_ENDPOINT_URL", None)

EVENTS = Path(__file__).parent / "events"


@pytest.fixture
def events_dir() -> Path:
    return EVENTS
