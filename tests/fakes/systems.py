"""Two fake systems kept in memory: ``fakecrm`` (assigns its own ids, upserts on an external
id field, calls us with a signed JSON webhook) and ``fakeerp`` (takes the keys we choose,
refuses a duplicate key, can lose the answer to a write)."""

from __future__ import annotations

import hmac
import itertools
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import httpx
from pydantic import SecretStr

from shared.connectors.base import RetrySettings, Write, WriteAnswer, write_one_by_one
from shared.connectors.plugin import (
    Answer,
    InboundRequest,
    Notice,
    SystemPlugin,
    WebhookSecrets,
)
from shared.errors import AuthenticationError, RecordRejectedError, RequestRejectedError
from shared.mapping.fields import Side
from shared.models.events import RecordRef
from shared.models.records import SourceRecord, WriteResult
from shared.models.systems import SystemSecrets, SystemSettings


@dataclass
class Account:
    """One tenant of a fake system: its records by object, its password, its write log."""

    password: str
    records: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    writes: list[tuple[str, str, str]] = field(default_factory=list)  # (op, object, key)
    # one entry per API request: (kind "read"/"write", object, records in it)
    requests: list[tuple[str, str, int]] = field(default_factory=list)
    lose_next_answer: bool = False
    # Stamps are compared with ledgerlink's own clock (when it sent a write): start now
    _clock: datetime = field(default_factory=lambda: datetime.now(UTC).replace(microsecond=0))
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def tick(self) -> datetime:
        """Now, and strictly after every stamp handed out before (as Salesforce's)."""
        self._clock = max(datetime.now(UTC), self._clock + timedelta(milliseconds=1))
        return self._clock

    def table(self, obj: str) -> dict[str, dict[str, Any]]:
        return self.records.setdefault(obj, {})


class Cloud:
    """Where fake systems keep their accounts (what a vendor's servers would hold)."""

    accounts: dict[str, Account] = {}

    @classmethod
    def open(cls, account_id: str, password: str) -> Account:
        cls.accounts[account_id] = Account(password=password)
        return cls.accounts[account_id]


class FakeSettings(SystemSettings):
    account: str


class FakeCrmSettings(FakeSettings):
    system: Literal["fakecrm"] = "fakecrm"


class FakeErpSettings(FakeSettings):
    system: Literal["fakeerp"] = "fakeerp"


class FakeSecrets(SystemSecrets):
    password: SecretStr


class FakeConnector:
    """The Connector protocol over one fake account."""

    def __init__(self, system: str, settings: FakeSettings, secrets: FakeSecrets, assigns: bool):
        self.system = system
        self.unique_stamps = True
        self.cheap_reads = assigns  # the CRM is cheap to read back; the ERP is billed
        self._account_id = settings.account
        self._password = secrets.password.get_secret_value()
        self._assigns = assigns

    @property
    def account(self) -> Account:
        account = Cloud.accounts.get(self._account_id)
        if account is None or account.password != self._password:
            raise AuthenticationError(f"{self.system} refused the credentials")
        return account

    def check_access(self) -> None:
        assert self.account is not None

    def fetch(self, obj: str, key: str, fields: Sequence[str]) -> SourceRecord | None:
        self.account.requests.append(("read", obj, 1))
        return self._get(obj, key)

    def fetch_many(
        self, obj: str, keys: Sequence[str], fields: Sequence[str]
    ) -> list[SourceRecord]:
        self.account.requests.append(("read", obj, len(keys)))
        return [r for key in keys if (r := self._get(obj, key)) is not None]

    def fetch_where_in(
        self, obj: str, field: str, values: Sequence[str], fields: Sequence[str]
    ) -> list[SourceRecord]:
        self.account.requests.append(("find", obj, len(values)))
        wanted = set(values)
        return [
            self._record(obj, key, row)
            for key, row in self.account.table(obj).items()
            if str(row.get(field) if field != "Id" else key) in wanted
        ]

    def _get(self, obj: str, key: str) -> SourceRecord | None:
        row = self.account.table(obj).get(key)
        return self._record(obj, key, row) if row is not None else None

    def _record(self, obj: str, key: str, row: Mapping[str, Any]) -> SourceRecord:
        fields = {k: v for k, v in row.items() if k != "_stamp"}
        return SourceRecord(
            ref=RecordRef(system=self.system, object=obj, record_id=key),
            fields={**fields, "Id": key},
            modified_at=row["_stamp"],
        )

    def create(
        self,
        obj: str,
        fields: Mapping[str, Any],
        *,
        idempotency_key: str,
        external_key: tuple[str, str] | None = None,
    ) -> WriteResult:
        account = self.account
        table = account.table(obj)
        if external_key is not None:  # upsert on the external id: never a second record
            name, value = external_key
            for key, row in table.items():
                if row.get(name) == value:
                    return self.update(obj, key, fields, idempotency_key=idempotency_key)
        account.requests.append(("write", obj, 1))
        if self._assigns:
            key = f"{obj[:3].upper()}{next(account._ids):05d}"
        else:
            key = str(fields["code"])
            if key in table:
                raise RecordRejectedError(self.system, f"code {key} is taken")
        table[key] = {**fields, "_stamp": account.tick()}
        account.writes.append(("create", obj, key))
        return self._answer(WriteResult(key=key, created=True))

    def update(
        self, obj: str, key: str, fields: Mapping[str, Any], *, idempotency_key: str
    ) -> WriteResult:
        account = self.account
        account.requests.append(("write", obj, 1))
        row = account.table(obj)[key]
        row.update(fields)
        row["_stamp"] = account.tick()
        account.writes.append(("update", obj, key))
        return self._answer(WriteResult(key=key))

    def write_many(self, obj: str, writes: Sequence[Write]) -> list[WriteAnswer]:
        """One request for the batch; each record answered on its own."""
        self.account.requests.append(("write", obj, len(writes)))
        account = self.account
        log = len(account.requests)
        answers = write_one_by_one(self, obj, writes)
        del account.requests[log:]  # the records of one request are not requests
        return answers

    def _answer(self, result: WriteResult) -> WriteResult:
        account = self.account
        if account.lose_next_answer:
            account.lose_next_answer = False
            from shared.errors import TransportError

            raise TransportError(f"{self.system}: the answer was lost")
        return result

    def changed_since(
        self, obj: str, since: datetime | None, fields: Sequence[str], page_size: int
    ) -> Iterator[SourceRecord]:
        rows = sorted(self.account.table(obj).items(), key=lambda kv: (kv[1]["_stamp"], kv[0]))
        for key, row in rows:
            if since is None or row["_stamp"] >= since:
                yield self._record(obj, key, row)


class SignedJsonWebhook:
    """fakecrm calls ``/webhooks/{connection}/fakecrm`` with ``{"changed": [[obj, id]]}``
    and an ``X-Fake-Token`` header."""

    def authenticate(self, request: InboundRequest, secrets: WebhookSecrets) -> None:
        token = request.header("X-Fake-Token") or ""
        if not any(hmac.compare_digest(token, known) for known in secrets.webhook_tokens()):
            raise RequestRejectedError(403, "bad fake token")

    def notices(self, request: InboundRequest, settings: SystemSettings) -> list[Notice]:
        try:
            body = json.loads(request.body)
            return [Notice(object=o, record_id=i) for o, i in body["changed"]]
        except (ValueError, KeyError, TypeError) as exc:
            raise RequestRejectedError(400, "not a fake notification") from exc

    def answer(self, accepted: int) -> Answer:
        return Answer(200, "application/json", json.dumps({"accepted": accepted}))


def _crm(http: httpx.Client, settings: Any, secrets: Any, retry: RetrySettings) -> FakeConnector:
    return FakeConnector("fakecrm", settings, secrets, assigns=True)


def _erp(http: httpx.Client, settings: Any, secrets: Any, retry: RetrySettings) -> FakeConnector:
    return FakeConnector("fakeerp", settings, secrets, assigns=False)


FAKE_CRM = SystemPlugin(
    name="fakecrm",
    role=Side.CRM,
    settings_model=FakeCrmSettings,
    secrets_model=FakeSecrets,
    connector_factory=_crm,
    webhook=SignedJsonWebhook(),
)
FAKE_ERP = SystemPlugin(
    name="fakeerp",
    role=Side.ERP,
    settings_model=FakeErpSettings,
    secrets_model=FakeSecrets,
    connector_factory=_erp,
)
