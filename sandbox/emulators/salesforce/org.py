"""One emulated org: its records, sessions, queries, outbound queue, faults and call log.

A fresh org holds what a new org has: the Organization record, an admin user, the
"Standard Price Book" (active, ``IsStandard``) and the Opportunity record types
"Contract" and "Sales Order". A multi-currency org (``multi_currency=True``) also holds
its corporate currency as an active ``CurrencyType`` (see :mod:`currency`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sandbox.emulators.common import CallLog, FaultInjector
from sandbox.emulators.salesforce import ids
from sandbox.emulators.salesforce.bulk_jobs import BulkJobs
from sandbox.emulators.salesforce.clock import OrgClock
from sandbox.emulators.salesforce.currency import currency_rules_for
from sandbox.emulators.salesforce.oauth import TokenIssuer
from sandbox.emulators.salesforce.objects import default_schema
from sandbox.emulators.salesforce.outbound import OutboundQueue
from sandbox.emulators.salesforce.query import DEFAULT_BATCH, QueryEngine
from sandbox.emulators.salesforce.rules import rules_for
from sandbox.emulators.salesforce.schema import ObjectDef
from sandbox.emulators.salesforce.store import Store

API_VERSION = "62.0"
DAILY_API_LIMIT = 15000
ADMIN_USERNAME = "admin@ledgerlink.sandbox"


class Org:
    def __init__(
        self,
        base_url: str,
        org_id: str | None,
        *,
        multi_currency: bool = False,
        corporate_currency: str = "USD",
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.org_id = org_id or ids.random_id("00D")
        self.multi_currency = multi_currency
        self.corporate_currency = corporate_currency
        self.schema = default_schema(multi_currency=multi_currency)
        self.clock = OrgClock()
        self.ids = ids.IdFactory()
        rules = currency_rules_for if multi_currency else rules_for
        self.store = Store(self.schema, rules, self.clock, self.ids)
        self.queries = QueryEngine(self.store)
        self.oauth = TokenIssuer(self.org_id, (self.base_url,))
        self.outbound = OutboundQueue(
            self.org_id, self.base_url, self.clock, lambda: self.ids.new("04l")
        )
        self.store.listeners.append(self.outbound.on_change)
        self.faults = FaultInjector()
        self.calls = CallLog()
        self.bulk = BulkJobs(self.store, self.queries, self.clock, self.calls)
        self.query_batch_size = DEFAULT_BATCH
        self.api_usage = 0
        self.usage: dict[str, int] = {}  # limit name (/limits) -> amount used
        self.users: dict[str, str] = {}  # username -> user id, kept across resets
        self.created_at = self.clock.now()
        self.seed()

    def count_usage(self, limit: str, amount: int = 1) -> None:
        """Spend ``amount`` of a /limits allocation (``DailyBulkV2QueryJobs``...)."""
        self.usage[limit] = self.usage.get(limit, 0) + amount

    def sobject(self, name: str) -> ObjectDef:
        obj = self.schema.get(name)
        if obj is None:
            raise KeyError(f"no sObject {name}")
        return obj

    # -- contents ------------------------------------------------------------------------

    def seed(self) -> None:
        store = self.store
        with store.transaction():
            store.user_id = None
            store.create(
                self.sobject("Organization"),
                {"Name": "ledgerlink sandbox", "OrganizationType": "Developer Edition"},
                api=False,
                record_id=self.org_id,
            )
            if self.multi_currency:
                store.create(
                    self.sobject("CurrencyType"),
                    {
                        "IsoCode": self.corporate_currency,
                        "ConversionRate": 1,
                        "DecimalPlaces": 2,
                        "IsActive": True,
                        "IsCorporate": True,
                    },
                    api=False,
                )
            admin = self.ensure_user(ADMIN_USERNAME, "Sandbox Admin")
            store.user_id = admin
            for username in list(self.users):
                self.ensure_user(username)
            store.create(
                self.sobject("Pricebook2"),
                {"Name": "Standard Price Book", "IsActive": True, "IsStandard": True},
                api=False,
            )
            for name, developer_name in (("Contract", "Contract"), ("Sales Order", "Sales_Order")):
                store.create(
                    self.sobject("RecordType"),
                    {"Name": name, "DeveloperName": developer_name, "SobjectType": "Opportunity"},
                    api=False,
                )

    def ensure_user(self, username: str, name: str | None = None) -> str:
        """The id of the user ``username``, creating the User record if needed."""
        with self.store.lock:
            record_id = self.users.get(username)
            if record_id is not None and self.store.live(record_id) is not None:
                return record_id
            user = self.store.create(
                self.sobject("User"),
                {"Username": username, "Name": name or username, "Email": _email(username)},
                api=False,
                record_id=record_id,
            )
            self.users[username] = user.id
            return user.id

    def reset(self) -> None:
        """Records, queue, cursors, faults and calls cleared; apps, users, rules kept."""
        with self.store.lock:
            self.store.clear()
            self.queries.clear()
            self.outbound.clear()
            self.faults.clear()
            self.calls.clear()
            self.bulk.clear()
            self.api_usage = 0
            self.usage.clear()
            self.seed()

    def read_for_outbound(self, record_id: str, fields: Sequence[str]) -> dict[str, Any] | None:
        """A record's current values for an outbound message (``Id`` + ``fields``)."""
        with self.store.lock:
            row = self.store.get(record_id)
            if row is None:
                return None
            return {name: self.store.value(row, name) for name in ("Id", *fields)}


def _email(username: str) -> str | None:
    return username if "@" in username and "." in username.split("@")[-1] else None
