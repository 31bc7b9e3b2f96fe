"""Hot paths per business change: parsing an outbound message, mapping and hashing a record.
Run with `make bench` (pytest-benchmark); not part of `make test`."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.connectors.salesforce import outbound
from shared.mapping import Side
from shared.mapping.mapper import build_payload, fields_touched_by
from shared.pairs.salesforce_intacct.mappings import ACCOUNT_CUSTOMER
from shared.sync.hashing import hashes_of

pytestmark = pytest.mark.benchmark

ACCOUNT = {
    "Id": "0015g00000Q2mNsAAJ",
    "Name": "Acme Corporation",
    "Phone": "+1 415 555 0100",
    "Website": "https://acme.example",
    "BillingStreet": "1 Market St",
    "BillingCity": "San Francisco",
    "BillingState": "CA",
    "BillingPostalCode": "94105",
    "BillingCountry": "United States",
}


def test_parse_a_full_outbound_message(benchmark):
    events = Path(__file__).parent.parent / "events" / "webhooks"
    text = (events / "salesforce_outbound_account.xml").read_text()
    start = text.index("<Notification>")
    end = text.index("</Notification>") + len("</Notification>")
    body = (text[:start] + text[start:end] * 99 + text[end:]).encode()  # + the Contact: 100
    message = benchmark(outbound.parse, body)
    assert len(message.notifications) == 100


def test_map_and_hash_an_account(benchmark):
    def work() -> dict[str, str]:
        fields = fields_touched_by(ACCOUNT_CUSTOMER, Side.CRM, (), creating=True)
        payload = build_payload(fields, Side.CRM, ACCOUNT)
        return hashes_of(payload, payload.keys())

    assert len(benchmark(work)) == 12  # the account mapping's fields, territory included
