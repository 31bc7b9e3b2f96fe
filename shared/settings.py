"""Function settings from the environment, read once and lazily (logic never reads os.environ)."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.topology import SECRET_PREFIX


class Settings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    state_table_name: str
    idempotency_table_name: str | None = None
    changes_queue_url: str | None = None
    changes_dlq_url: str | None = None
    workflows_queue_url: str | None = None
    workflows_dlq_url: str | None = None
    connection_secret_prefix: str = SECRET_PREFIX
    http_timeout_s: float = 20.0
    idempotency_expiry_s: int = 3600
