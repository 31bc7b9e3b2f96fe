"""People using each system through its real API (not through ledgerlink): the demo and the
tests act as them."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import SecretStr

from sandbox.world import World
from shared.connectors.intacct import IntacctConnector
from shared.connectors.intacct.client import IntacctClient
from shared.connectors.salesforce import SalesforceConnector
from shared.connectors.salesforce.client import SalesforceClient
from shared.models.connection import ConnectionSecrets


class SalesforceUser:
    def __init__(self, world: World) -> None:
        connection = world.connection
        secrets = ConnectionSecrets(
            webhook_token=SecretStr("-"),
            action_secret=SecretStr("-"),
            salesforce_client_secret=SecretStr(world.creds.sf_client_secret),
            intacct_sender_password=SecretStr("-"),
            intacct_user_password=SecretStr("-"),
        )
        self.client = SalesforceClient(world.http, connection.salesforce, secrets)

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
        secrets = ConnectionSecrets(
            webhook_token=SecretStr("-"),
            action_secret=SecretStr("-"),
            intacct_sender_password=SecretStr(c.intacct_sender_password),
            intacct_user_password=SecretStr(c.intacct_user_password),
        )
        self.connector = IntacctConnector(
            IntacctClient(world.http, world.connection.intacct, secrets)
        )

    def create(self, obj: str, **fields: Any) -> str:
        return self.connector.create(obj, fields, idempotency_key=uuid.uuid4().hex).key

    def update(self, obj: str, key: str, **fields: Any) -> None:
        self.connector.update(obj, key, fields, idempotency_key=uuid.uuid4().hex)

    def get(self, obj: str, key: str, *fields: str) -> dict[str, Any] | None:
        record = self.connector.fetch(obj, key, list(fields) or ["RECORDNO"])
        return record.fields if record else None
