"""JSON in and out of the REST API, keeping numbers exact.

Request bodies are read with ``parse_float=Decimal``; answers are written with
:func:`shared.jsonutil.dumps`, which writes ``Decimal`` as an exact JSON number. A body that
is not JSON gets the platform's JSON_PARSER_ERROR (its reader reports the character and
``[line:L, column:C]``; an empty body: ``The HTTP entity body is required, but this
request has no entity body.``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from werkzeug.wrappers import Response

from sandbox.emulators.salesforce import errors
from shared.jsonutil import dumps

JSON_TYPE = "application/json;charset=UTF-8"
_NO_BODY = object()


def _no_constants(name: str) -> Any:
    raise ValueError(f"Non-standard token '{name}'")


def read_json(data: bytes) -> Any:
    """The parsed body (``ApiError`` JSON_PARSER_ERROR when it is missing or not JSON)."""
    text = data.decode("utf-8", errors="replace")
    if not text.strip():
        raise errors.json_parser(
            "The HTTP entity body is required, but this request has no entity body."
        )
    try:
        return json.loads(text, parse_float=Decimal, parse_constant=_no_constants)
    except json.JSONDecodeError as exc:
        if exc.pos >= len(text):
            reason = "Unexpected end-of-input"
        else:
            ch = text[exc.pos]
            reason = f"Unexpected character ('{ch}' (code {ord(ch)})): {exc.msg.lower()}"
        raise errors.json_parser(f"{reason}\n at [line:{exc.lineno}, column:{exc.colno}]") from exc
    except ValueError as exc:
        raise errors.json_parser(str(exc)) from exc


@dataclass
class Reply:
    """What a handler answers: a status, a JSON body (or none), extra headers."""

    status: int = 200
    body: Any = _NO_BODY
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def empty(cls, status: int = 204) -> Reply:
        return cls(status)

    def to_response(self, extra_headers: Mapping[str, str] | None = None) -> Response:
        if self.body is _NO_BODY:
            response = Response(status=self.status)
        else:
            response = Response(dumps(self.body), status=self.status, content_type=JSON_TYPE)
        for key, value in {**self.headers, **(extra_headers or {})}.items():
            response.headers[key] = value
        return response


def error_reply(exc: errors.ApiError) -> Reply:
    return Reply(exc.status, exc.body())
