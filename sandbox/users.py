"""People using each system through its real API (not through ledgerlink): the demo and the
tests act as them."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import SecretStr

from sandbox.world import World
from shared.connectors.base import Write
from shared.connectors.intacct.client import IntacctClient
from shared.connectors.intacct.connector import IntacctConnector
from shared.connectors.intacct.settings import IntacctSecrets, IntacctSettings
from shared.connectors.salesforce.client import SalesforceClient
from shared.connectors.salesforce.connector import SalesforceConnector
from shared.connectors.salesforce.settings import SalesforceSecrets, SalesforceSettings
from shared.models.records import WriteResult


class SalesforceUser:
    def __init__(self, world: World) -> None:
        settings = world.connection.crm
        assert isinstance(settings, SalesforceSettings)
        client_id, client_secret = world.creds.sf_people_app
        secrets = SalesforceSecrets(client_secret=SecretStr(client_secret))
        people = settings.model_copy(update={"client_id": client_id})
        self.client = SalesforceClient(world.http, people, secrets)

    def create(self, sobject: str, **fields: Any) -> str:
        return str(self.client.json("POST", f"/sobjects/{sobject}", body=fields)["id"])

    def update(self, sobject: str, record_id: str, **fields: Any) -> None:
        self.client.request("PATCH", f"/sobjects/{sobject}/{record_id}", body=fields)

    def get(self, sobject: str, record_id: str) -> dict[str, Any]:
        return dict(self.client.json("GET", f"/sobjects/{sobject}/{record_id}"))

    def query(self, soql: str) -> list[dict[str, Any]]:
        return list(SalesforceConnector(self.client).query(soql))


class IntacctUser:
    def __init__(self, world: World) -> None:
        c = world.creds
        settings = world.connection.erp
        assert isinstance(settings, IntacctSettings)
        user_id, password = c.intacct_people_user  # a person's user, not the integration's
        secrets = IntacctSecrets(
            sender_password=SecretStr(c.intacct_sender_password),
            user_password=SecretStr(password),
        )
        people = settings.model_copy(update={"user_id": user_id})
        self.connector = IntacctConnector(IntacctClient(world.http, people, secrets))

    def create(self, obj: str, **fields: Any) -> str:
        return self.connector.create(obj, fields, idempotency_key=uuid.uuid4().hex).key

    def update(self, obj: str, key: str, **fields: Any) -> None:
        self.connector.update(obj, key, fields, idempotency_key=uuid.uuid4().hex)

    def create_many(self, obj: str, records: list[dict[str, Any]]) -> None:
        """Many records, 100 functions a request (as a finance team's import would)."""
        writes = [Write(fields=r, idempotency_key=uuid.uuid4().hex) for r in records]
        for start in range(0, len(writes), 100):
            for answer in self.connector.write_many(obj, writes[start : start + 100]):
                if not isinstance(answer, WriteResult):
                    raise answer

    def get(self, obj: str, key: str, *fields: str) -> dict[str, Any] | None:
        record = self.connector.fetch(obj, key, list(fields) or ["RECORDNO"])
        return record.fields if record else None
