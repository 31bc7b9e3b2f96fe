"""What a system plug-in is: the one object a system's package exports.

A system (Salesforce, Intacct, Zoho CRM, Zoho Books, or a test's fake) is a package under
``shared/connectors/<system>/`` whose ``__init__`` exports ``PLUGIN``: its settings and secrets
models, how to build its connector from them, and — where the system calls us — how its
callbacks are verified, parsed and answered. Nothing outside the package names the vendor.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple, Protocol

import httpx
from pydantic import ValidationError

from shared.connectors.base import Connector, RetrySettings
from shared.errors import ConfigurationError
from shared.mapping.fields import Side
from shared.models.systems import SystemSecrets, SystemSettings


class InboundRequest(NamedTuple):
    """A callback as it reached our door: query parameters, headers (lower-case names), body."""

    query: Mapping[str, str]
    headers: Mapping[str, str]
    body: bytes

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


class Notice(NamedTuple):
    """One record a callback says changed: a hint to re-read it, never the data that syncs.
    What the callback tells of the change itself lets the door drop our own writes
    (shared/ingest/known_changes.py): ``created``, the record was made (not edited);
    ``changed``, the new values of the fields the change touched (the connector's paths, as
    its reads show them), when the system sends them; ``by_others``, the connector dropped
    the notices of our own writes by their author already (this one is somebody else's: a
    creation it tells is not one of ours to check)."""

    object: str
    record_id: str
    source_event_id: str | None = None
    version: str | None = None  # the record's modification stamp (ISO 8601), when given
    created: bool = False
    changed: Mapping[str, Any] | None = None
    by_others: bool = False


class Answer(NamedTuple):
    """What the door answers the system (its protocol's acknowledgment)."""

    status: int
    content_type: str
    body: str


class Webhook(Protocol):
    """How one system's callbacks are verified, read and answered. Each method raises
    ``shared.errors.RequestRejectedError`` (4xx with the reason) for what it refuses."""

    def authenticate(self, request: InboundRequest, secrets: WebhookSecrets) -> None:
        """Check the caller holds this connection's webhook credentials."""
        ...

    def notices(self, request: InboundRequest, settings: SystemSettings) -> list[Notice]:
        """Parse the body and check it belongs to this connection's account."""
        ...

    def answer(self, accepted: int) -> Answer:
        """The acknowledgment after ``accepted`` notices were queued."""
        ...


class WebhookSecrets(Protocol):
    """The door's secrets of a connection, as a webhook needs them."""

    def webhook_tokens(self) -> tuple[str, ...]: ...


ConnectorFactory = Callable[[httpx.Client, Any, Any, RetrySettings], Connector]


class SystemPlugin(NamedTuple):
    """Everything ledgerlink knows about one external system."""

    name: str  # "salesforce", "intacct", "zoho_crm", "zoho_books"
    role: Side  # which side of a connection it can be
    settings_model: type[SystemSettings]
    secrets_model: type[SystemSecrets]
    connector_factory: ConnectorFactory
    webhook: Webhook | None = None

    def settings(self, raw: Mapping[str, Any] | SystemSettings, path: str) -> SystemSettings:
        if isinstance(raw, self.settings_model):
            return raw
        data = raw.model_dump() if isinstance(raw, SystemSettings) else raw
        try:
            return self.settings_model.model_validate(data)
        except ValidationError as exc:
            raise ConfigurationError(_first_error(exc, path)) from exc

    def secrets(self, raw: Mapping[str, Any], path: str) -> SystemSecrets:
        try:
            return self.secrets_model.model_validate(raw)
        except ValidationError as exc:
            raise ConfigurationError(_first_error(exc, path)) from exc

    def connector(
        self,
        http: httpx.Client,
        settings: SystemSettings,
        secrets: SystemSecrets,
        retry: RetrySettings,
    ) -> Connector:
        return self.connector_factory(http, settings, secrets, retry)


def _first_error(exc: ValidationError, path: str) -> str:
    err = exc.errors()[0]
    where = ".".join([path, *map(str, err["loc"])])
    return f"{where}: {err['msg']}"
