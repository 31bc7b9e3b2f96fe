"""A connection for pure-logic tests (the org id of the outbound-message fixtures)."""

from __future__ import annotations

import pytest

from shared.models.connection import Connection, IntacctSettings, SalesforceSettings


@pytest.fixture
def connection() -> Connection:
    return Connection(
        connection_id="conn-1",
        salesforce=SalesforceSettings(
            login_url="https://login.salesforce.com", org_id="00D5g000004XyZaEAK", client_id="c"
        ),
        intacct=IntacctSettings(
            endpoint_url="https://api.intacct.com/ia/xml/xmlgw.phtml",
            sender_id="s",
            company_id="co",
            user_id="u",
        ),
    )
