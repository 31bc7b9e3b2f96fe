"""One conformance case per system: its emulator, ledgerlink's connector pointed at it, and
what the suite needs to know about the system's records.

Each connector is built by its system's plug-in (the registry), from the
``ProvisionedSide`` its emulator answers: the same path the runtime takes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import httpx

from sandbox.emulators.intacct import IntacctEmulator
from sandbox.emulators.protocol import Emulator, ProvisionedSide, ProvisionRequest
from sandbox.emulators.salesforce import SalesforceEmulator
from sandbox.emulators.salesforce import ids as sf_ids
from sandbox.emulators.zoho_books import ZohoBooksEmulator
from sandbox.emulators.zoho_crm import ZohoCrmEmulator
from shared.connectors.base import Connector, RetrySettings
from shared.connectors.registry import system
from shared.models.records import SourceRecord

# A fixed start, so records made in one test share Intacct's whole-second stamps.
START = datetime(2026, 3, 2, 9, 30, 0, tzinfo=UTC)


@dataclass
class Case:
    """A connector against its emulator, and how this system's records look."""

    system: str
    emulator: Emulator
    connector: Connector
    waits: list[float]  # what the connector's retry loop slept, in order
    settings: RetrySettings
    obj: str
    fields: list[str]
    # The fields of the i-th test record, and the external key the create sends (if any).
    record: Callable[[str], dict[str, Any]]
    external_key: Callable[[str], tuple[str, str] | None]
    rejected: dict[str, Any]  # fields the system refuses outright
    missing_key: str  # a well-formed key no record has
    create_target: str  # fault targets (sandbox.emulators.faults) for a create and a read
    read_target: str
    sends_retry_after: bool  # whether the system's rate-limit answer carries Retry-After
    stored: Callable[[str], list[dict[str, Any]]]  # the emulator's records with marker i
    tie_key: Callable[[SourceRecord], Any]  # the stable key breaking equal stamps
    name_field: str  # a plain text field every test record has, to update
    batch_limit: int  # records one batched write request takes
    batch_target: str  # the fault target of a batched create
    mixed_batch_requests: int  # requests a batch of creates and updates takes
    requests: list[httpx.Request]  # every HTTP request the connector sent, in order
    # Whether the API reads several records by key in one call (else one call per key)
    batch_reads: bool = True
    # The emulator's name for the object in its call log, where it differs from ``obj``
    wire_object: str | None = None

    def create(self, marker: str, idempotency_key: str | None = None) -> str:
        result = self.connector.create(
            self.obj,
            self.record(marker),
            idempotency_key=idempotency_key or f"create-{marker}",
            external_key=self.external_key(marker),
        )
        return result.key


def _http(emulator: Emulator, sent: list[httpx.Request]) -> httpx.Client:
    return httpx.Client(
        transport=httpx.WSGITransport(app=emulator.wsgi_app),
        event_hooks={"request": [sent.append]},
    )


def api_requests(case: Case) -> list[httpx.Request]:
    """The requests to the system's API (the Salesforce token endpoint left out)."""
    return [r for r in case.requests if "/oauth2/" not in r.url.path]


# -- the per-system factories ------------------------------------------------------------------


def connector(
    name: str, side: ProvisionedSide, http: httpx.Client, retry: RetrySettings
) -> Connector:
    """The system's connector, built by its plug-in from the provisioned side."""
    plugin = system(name)
    settings = plugin.settings({"system": name, **side.settings}, "conformance")
    secrets = plugin.secrets(side.secrets, "conformance")
    return plugin.connector(http, settings, secrets, retry)


def salesforce_case(retry: RetrySettings, waits: list[float]) -> Case:
    emulator = SalesforceEmulator(base_url="http://salesforce.test")
    emulator.query_batch_size = 2  # page even small result sets
    side = emulator.provision(ProvisionRequest(webhook_url="http://api.test/webhooks/c/sf"))
    sent: list[httpx.Request] = []

    def stored(marker: str) -> list[dict[str, Any]]:
        return [
            r for r in emulator.records("Account") if r["Intacct_Customer_ID__c"] == f"C-{marker}"
        ]

    return Case(
        system="salesforce",
        emulator=emulator,
        connector=connector("salesforce", side, _http(emulator, sent), retry),
        waits=waits,
        settings=retry,
        obj="Account",
        fields=["Name", "Intacct_Customer_ID__c"],
        record=lambda marker: {"Name": f"Customer {marker}"},
        external_key=lambda marker: ("Intacct_Customer_ID__c", f"C-{marker}"),
        rejected={"Phone": "555-0100"},  # no Name: REQUIRED_FIELD_MISSING
        missing_key=sf_ids.to18("001000000000001"),
        create_target="PATCH Account",  # an upsert on the external id
        read_target="QUERY Account",
        sends_retry_after=False,  # REQUEST_LIMIT_EXCEEDED documents no Retry-After
        stored=stored,
        tie_key=lambda record: record.key,  # ORDER BY SystemModstamp, Id
        name_field="Name",
        batch_limit=200,  # sObject Collections
        batch_target="COMPOSITE Account",
        mixed_batch_requests=2,  # upserts and updates are different collection requests
        requests=sent,
    )


def intacct_case(retry: RetrySettings, waits: list[float]) -> Case:
    emulator = IntacctEmulator(base_url="http://intacct.test", clock=lambda: START)
    side = emulator.provision(ProvisionRequest(webhook_url="http://api.test/webhooks/c/intacct"))
    sent: list[httpx.Request] = []

    def stored(marker: str) -> list[dict[str, Any]]:
        return [r for r in emulator.records("CUSTOMER") if r["CUSTOMERID"] == f"C-{marker}"]

    return Case(
        system="intacct",
        emulator=emulator,
        connector=connector("intacct", side, _http(emulator, sent), retry),
        waits=waits,
        settings=retry,
        obj="CUSTOMER",
        fields=["CUSTOMERID", "NAME"],
        record=lambda marker: {"CUSTOMERID": f"C-{marker}", "NAME": f"Customer {marker}"},
        external_key=lambda marker: None,  # the key is ours: CUSTOMERID, sent with the create
        rejected={"CUSTOMERID": "C-NONAME"},  # no NAME: a required field
        missing_key="C-NOBODY",
        create_target="create CUSTOMER",
        read_target="query CUSTOMER",
        sends_retry_after=True,  # HTTP 429 may carry it (RFC 6585); the emulator can send it
        stored=stored,
        tie_key=lambda record: int(record.internal_id or 0),  # ORDER BY WHENMODIFIED, RECORDNO
        name_field="NAME",
        batch_limit=100,  # functions per request
        batch_target="create CUSTOMER",
        mixed_batch_requests=1,  # functions of any kind share a request
        requests=sent,
    )


def zoho_crm_case(retry: RetrySettings, waits: list[float]) -> Case:
    emulator = ZohoCrmEmulator(base_url="http://zoho-crm.test", clock=lambda: START)
    side = emulator.provision(ProvisionRequest(webhook_url="http://api.test/webhooks/c/zoho_crm"))
    sent: list[httpx.Request] = []

    def stored(marker: str) -> list[dict[str, Any]]:
        return [r for r in emulator.records("Accounts") if r["Zoho_Books_ID"] == f"C-{marker}"]

    return Case(
        system="zoho_crm",
        emulator=emulator,
        connector=connector("zoho_crm", side, _http(emulator, sent), retry),
        waits=waits,
        settings=retry,
        obj="Accounts",
        fields=["Account_Name", "Zoho_Books_ID"],
        record=lambda marker: {"Account_Name": f"Customer {marker}"},
        external_key=lambda marker: ("Zoho_Books_ID", f"C-{marker}"),  # upsert on it
        rejected={"Phone": "555-0100"},  # no Account_Name: MANDATORY_NOT_FOUND
        missing_key="4150868000000000001",
        create_target="upsert Accounts",
        read_target="read Accounts",
        sends_retry_after=False,  # TOO_MANY_REQUESTS documents no Retry-After
        stored=stored,
        tie_key=lambda record: int(record.key),  # order by Modified_Time, id
        name_field="Account_Name",
        batch_limit=100,  # records per insert / update / upsert call
        batch_target="upsert Accounts",
        mixed_batch_requests=2,  # upserts and updates are different calls
        requests=sent,
    )


def zoho_books_case(retry: RetrySettings, waits: list[float]) -> Case:
    emulator = ZohoBooksEmulator(base_url="http://zoho-books.test", clock=lambda: START)
    side = emulator.provision(ProvisionRequest(webhook_url="http://api.test/webhooks/c/books"))
    # Creates make new records whatever their names: the look for a duplicate before a create
    # (the default, overwrite) is a choice of the connection, tested on its own
    # (tests/unit/shared/test_zoho_books_persons_and_duplicates.py)
    side = replace(side, settings={**side.settings, "on_duplicate": {"customers": "clone"}})
    sent: list[httpx.Request] = []

    def stored(marker: str) -> list[dict[str, Any]]:
        return [
            c
            for c in emulator.contacts()
            if any(f["value"] == f"C-{marker}" for f in c["custom_fields"])
        ]

    return Case(
        system="zoho_books",
        emulator=emulator,
        connector=connector("zoho_books", side, _http(emulator, sent), retry),
        waits=waits,
        settings=retry,
        obj="customers",
        fields=["contact_name", "custom_fields.cf_zoho_crm_id"],
        record=lambda marker: {"contact_name": f"Customer {marker}"},
        # an upsert on the unique custom field (X-Unique-Identifier-Key, X-Upsert)
        external_key=lambda marker: ("custom_fields.cf_zoho_crm_id", f"C-{marker}"),
        rejected={"phone": "555-0100"},  # no contact_name
        missing_key="460000999999999",
        create_target="upsert contacts",
        read_target="read contacts",
        sends_retry_after=False,  # Books documents no Retry-After on its 429
        stored=stored,
        tie_key=lambda record: int(record.key),  # the emulator orders equal stamps by id
        batch_reads=False,  # no read of several ids: one GET per key
        wire_object="contacts",
        name_field="contact_name",
        batch_limit=1,  # no batch write: one request per record
        batch_target="upsert contacts",
        mixed_batch_requests=3,  # two creates and an update: three requests
        requests=sent,
    )


FACTORIES: dict[str, Callable[[RetrySettings, list[float]], Case]] = {
    "salesforce": salesforce_case,
    "intacct": intacct_case,
    "zoho_crm": zoho_crm_case,
    "zoho_books": zoho_books_case,
}
