"""Function settings from the environment, read once per container (logic never reads
os.environ). A plain pydantic model: pydantic-settings would cost every cold start ~50 ms."""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from shared.errors import ConfigurationError
from shared.topology import (
    IDEMPOTENCY_TABLE,
    QUEUES,
    SECRET_PREFIX,
    SECRET_PREFIX_ENV,
    STATE_TABLE,
)

HTTP_TIMEOUT_ENV = "HTTP_TIMEOUT_S"


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    state_table_name: str = Field(min_length=1)
    idempotency_table_name: str | None = None
    queue_urls: dict[str, str] = Field(default_factory=dict)  # QueueSpec.key -> URL
    dlq_urls: dict[str, str] = Field(default_factory=dict)
    connection_secret_prefix: str = SECRET_PREFIX
    http_timeout_s: float = Field(default=20.0, gt=0)
    idempotency_expiry_s: int = 3600

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> Settings:
        """The variables infra/ gives a function (shared/topology.py names them)."""
        values: dict[str, object] = {
            "state_table_name": environ.get(STATE_TABLE.env_var, ""),
            "idempotency_table_name": environ.get(IDEMPOTENCY_TABLE.env_var) or None,
            "queue_urls": {q.key: environ[q.env_var] for q in QUEUES if environ.get(q.env_var)},
            "dlq_urls": {
                q.key: environ[q.dlq_env_var] for q in QUEUES if environ.get(q.dlq_env_var)
            },
            "connection_secret_prefix": environ.get(SECRET_PREFIX_ENV) or SECRET_PREFIX,
        }
        if environ.get(HTTP_TIMEOUT_ENV):
            values["http_timeout_s"] = environ[HTTP_TIMEOUT_ENV]
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            err = exc.errors()[0]
            raise ConfigurationError(
                f"environment: {'.'.join(map(str, err['loc']))}: {err['msg']}"
            ) from exc
