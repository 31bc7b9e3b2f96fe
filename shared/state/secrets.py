"""Connection secrets from AWS Secrets Manager (cached by powertools for a few minutes)."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.utilities.parameters import SecretsProvider
from aws_lambda_powertools.utilities.parameters.exceptions import GetParameterError
from pydantic import ValidationError

from shared.errors import ConfigurationError
from shared.models.connection import ConnectionSecrets

CACHE_S = 300


class SecretStore:
    def __init__(self, secretsmanager_client: Any, prefix: str) -> None:
        self._provider = SecretsProvider(boto3_client=secretsmanager_client)
        self._client = secretsmanager_client
        self._prefix = prefix

    def name_for(self, connection_id: str) -> str:
        return f"{self._prefix}{connection_id}"

    def get(self, connection_id: str) -> ConnectionSecrets:
        name = self.name_for(connection_id)
        try:
            raw = self._provider.get(name, max_age=CACHE_S)
        except GetParameterError as exc:
            raise ConfigurationError(f"secret '{name}' cannot be read") from exc
        try:
            return ConnectionSecrets.model_validate_json(str(raw))
        except ValidationError as exc:
            fields = ", ".join(".".join(map(str, e["loc"])) for e in exc.errors())
            raise ConfigurationError(f"secret '{name}' is invalid: {fields}") from exc

    def put(self, connection_id: str, secrets: ConnectionSecrets) -> None:
        """Create or replace the secret (used by the sandbox and the operator tooling)."""
        body = json.dumps(secrets.stored())
        name = self.name_for(connection_id)
        try:
            self._client.create_secret(Name=name, SecretString=body)
        except self._client.exceptions.ResourceExistsException:
            self._client.put_secret_value(SecretId=name, SecretString=body)
