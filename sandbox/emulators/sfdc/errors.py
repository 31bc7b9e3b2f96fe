"""The REST API's error answers: status + ``[{"message","errorCode","fields"}]``."""

from __future__ import annotations


class ApiFaultError(Exception):
    def __init__(
        self, status: int, code: str, message: str, fields: list[str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields or []

    def body(self) -> list[dict[str, object]]:
        return [{"message": self.message, "errorCode": self.code, "fields": self.fields}]


def not_found() -> ApiFaultError:
    return ApiFaultError(404, "NOT_FOUND", "The requested resource does not exist")


def invalid_session() -> ApiFaultError:
    return ApiFaultError(401, "INVALID_SESSION_ID", "Session expired or invalid")


def malformed_id(value: str) -> ApiFaultError:
    return ApiFaultError(400, "MALFORMED_ID", f"malformed id {value}")


def invalid_type(name: str) -> ApiFaultError:
    return ApiFaultError(
        404,
        "NOT_FOUND",
        f"The requested resource does not exist: sObject type '{name}' is not supported.",
    )
