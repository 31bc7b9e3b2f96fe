"""The REST API's error answers, with the platform's own messages.

Shape (REST API Developer Guide, "Status Codes and Error Responses"): the status code and
a JSON array ``[{"message", "errorCode", "fields"}]``. In sObject Collections results the
same error is written ``{"statusCode", "message", "fields"}``. Messages follow what the
platform sends (real responses quoted in public client code and Q&A threads):

- ``Required fields are missing: [Name]`` (REQUIRED_FIELD_MISSING)
- ``No such column 'X' on sobject of type Account`` (INVALID_FIELD, on writes)
- ``Unable to create/update fields: X. Please check the security settings of this field
  and verify that it is read/write for your profile or permission set.``
- ``duplicate value found: X duplicates value on record with id: 001...`` (15-char id)
- ``Account ID: id value of incorrect type: 003...`` (MALFORMED_ID on a reference field)
- ``Record Type ID: this ID value isn't valid for the user: 012...``
- ``Name: data value too large: ... (max length=80)`` (STRING_TOO_LONG)
- ``Status: bad value for restricted picklist field: X``
- ``Session expired or invalid`` (INVALID_SESSION_ID, 401)
- ``TotalRequests Limit exceeded.`` (REQUEST_LIMIT_EXCEEDED, 403)
- SOQL: ``No such column 'X' on entity 'Account'. If you are attempting to use a custom
  field, be sure to append the '__c' ...`` and ``sObject type 'X' is not supported. ...``
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

WSDL_HINT = " Please reference your WSDL or the describe call for the appropriate names."


class ApiError(Exception):
    """One failed operation: an HTTP status and the error the API reports."""

    def __init__(
        self, status: int, code: str, message: str, fields: Sequence[str] | None = None
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.fields = None if fields is None else list(fields)

    def body(self) -> list[dict[str, Any]]:
        """``fields`` is there for save errors (even empty) and absent for request errors
        (``[{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]``)."""
        item: dict[str, Any] = {"message": self.message, "errorCode": self.code}
        if self.fields is not None:
            item["fields"] = self.fields
        return [item]

    def save_error(self) -> dict[str, Any]:
        """The ``errors[]`` element of a SaveResult (sObject Collections)."""
        return {"statusCode": self.code, "message": self.message, "fields": self.fields or []}


def not_found() -> ApiError:
    return ApiError(404, "NOT_FOUND", "The requested resource does not exist")


def external_id_field_not_found(name: str) -> ApiError:
    return ApiError(
        404,
        "NOT_FOUND",
        f"Provided external ID field does not exist or is not accessible: {name}",
    )


def entity_deleted(status: int = 404) -> ApiError:
    return ApiError(status, "ENTITY_IS_DELETED", "entity is deleted", [])


def invalid_session() -> ApiError:
    return ApiError(401, "INVALID_SESSION_ID", "Session expired or invalid")


def request_limit() -> ApiError:
    return ApiError(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")


def malformed_id(value: str) -> ApiError:
    return ApiError(400, "MALFORMED_ID", f"malformed id {value}")


def reference_of_wrong_type(label: str, name: str, value: str) -> ApiError:
    return ApiError(400, "MALFORMED_ID", f"{label}: id value of incorrect type: {value}", [name])


def invalid_cross_reference(name: str) -> ApiError:
    return ApiError(400, "INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", [name])


def required_missing(names: Sequence[str]) -> ApiError:
    return ApiError(
        400, "REQUIRED_FIELD_MISSING", f"Required fields are missing: [{', '.join(names)}]", names
    )


def no_such_column(name: str, sobject: str) -> ApiError:
    return ApiError(400, "INVALID_FIELD", f"No such column '{name}' on sobject of type {sobject}")


def not_writable(names: Sequence[str]) -> ApiError:
    return ApiError(
        400,
        "INVALID_FIELD_FOR_INSERT_UPDATE",
        f"Unable to create/update fields: {', '.join(names)}. Please check the security "
        "settings of this field and verify that it is read/write for your profile or "
        "permission set.",
        names,
    )


def duplicate_value(name: str, existing_id: str) -> ApiError:
    return ApiError(
        400,
        "DUPLICATE_VALUE",
        f"duplicate value found: {name} duplicates value on record with id: {existing_id[:15]}",
        [],
    )


def string_too_long(label: str, name: str, value: str, length: int) -> ApiError:
    return ApiError(
        400,
        "STRING_TOO_LONG",
        f"{label}: data value too large: {value} (max length={length})",
        [name],
    )


def bad_picklist(label: str, name: str, value: str) -> ApiError:
    return ApiError(
        400,
        "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
        f"{label}: bad value for restricted picklist field: {value}",
        [name],
    )


def field_integrity(message: str, fields: Sequence[str] = ()) -> ApiError:
    return ApiError(400, "FIELD_INTEGRITY_EXCEPTION", message, fields)


def json_parser(message: str) -> ApiError:
    return ApiError(400, "JSON_PARSER_ERROR", message)


def invalid_type_in_query(name: str) -> str:
    return (
        f"sObject type '{name}' is not supported. If you are attempting to use a custom "
        "object, be sure to append the '__c' after the entity name." + WSDL_HINT
    )


def no_such_column_in_query(name: str, sobject: str) -> str:
    return (
        f"No such column '{name}' on entity '{sobject}'. If you are attempting to use a "
        "custom field, be sure to append the '__c' after the custom field name." + WSDL_HINT
    )


def bad_relationship_in_query(name: str) -> str:
    return (
        f"Didn't understand relationship '{name}' in field path. If you are attempting to "
        "use a custom relationship, be sure to append the '__r' after the custom "
        "relationship name." + WSDL_HINT
    )
