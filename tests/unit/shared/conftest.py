"""A connection for pure-logic tests (the org id of the outbound-message fixtures)."""

from __future__ import annotations

import pytest

from shared.models.connection import Connection
from shared.pairs.registry import load_connection


@pytest.fixture
def connection() -> Connection:
    return load_connection(
        {
            "connection_id": "conn-1",
            "crm": {
                "system": "salesforce",
                "login_url": "https://login.salesforce.com",
                "org_id": "00D5g000004XyZaEAK",
                "client_id": "c",
            },
            "erp": {
                "system": "intacct",
                "endpoint_url": "https://api.intacct.com/ia/xml/xmlgw.phtml",
                "sender_id": "s",
                "company_id": "co",
                "user_id": "u",
            },
        }
    )
