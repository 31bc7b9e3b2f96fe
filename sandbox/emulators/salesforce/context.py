"""What a REST handler works with: the org, the request, the API version in the URL."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from werkzeug.wrappers import Request

from sandbox.emulators.common import Call
from sandbox.emulators.salesforce import errors, wire
from sandbox.emulators.salesforce.org import Org
from sandbox.emulators.salesforce.schema import ObjectDef


@dataclass
class Ctx:
    org: Org
    request: Request
    version: str

    @property
    def version_number(self) -> float:
        try:
            return float(self.version)
        except ValueError:
            return 0.0

    def record(self, op: str, target: str, record_id: str | None = None, ok: bool = True) -> None:
        self.org.calls.record(Call(op, target, record_id, ok))

    def body(self) -> Any:
        return wire.read_json(self.request.get_data())

    def body_object(self, sobject: str) -> dict[str, Any]:
        """A JSON object body (the reader's error for anything else)."""
        body = self.body()
        if not isinstance(body, dict):
            token = "START_ARRAY" if isinstance(body, list) else "VALUE_STRING"
            raise errors.json_parser(
                f"Cannot deserialize instance of {sobject} from {token} value "
                "or request may be missing a required field at [line:1, column:1]"
            )
        return body

    def sobject(self, name: str) -> ObjectDef:
        """The object a URL names (``404 NOT_FOUND`` when the org has no such object)."""
        obj = self.org.schema.get(name)
        if obj is None:
            raise errors.not_found()
        return obj
