"""The gateway's error catalogue (errorno, description2, correction), raised per level.

Numbers follow the XML API's published families: XL03* for the gateway/control and
authentication layers, BL* for business-logic (function) errors, GW-0010 for throttling.
"""

from __future__ import annotations


class GatewayError(Exception):
    def __init__(
        self, errorno: str, description2: str, correction: str = "", description: str = ""
    ) -> None:
        super().__init__(f"{errorno}: {description2}")
        self.errorno = errorno
        self.description = description
        self.description2 = description2
        self.correction = correction


class ControlError(GatewayError):
    """Nothing runs: bad sender credentials, unreadable XML, unsupported dtdversion."""


class AuthError(GatewayError):
    """No function runs: bad login or invalid session."""


class FunctionError(GatewayError):
    """Only this function fails."""


def sender_refused() -> ControlError:
    return ControlError(
        "XL03000006",
        "Incorrect Intacct XML Partner ID or Password.",
        "Check the sender ID and password.",
    )


def bad_xml(detail: str) -> ControlError:
    return ControlError("XL03000000", f"XML parse error: {detail}", "Send a well-formed request.")


def bad_dtd(version: str) -> ControlError:
    return ControlError(
        "XL03000001",
        f"dtdversion {version} is not supported by this gateway",
        "Use dtdversion 3.0.",
    )


def throttled() -> ControlError:
    return ControlError(
        "GW-0010",
        "The maximum number of concurrent API requests for this company has been exceeded.",
        "Wait and try again.",
    )


def login_refused() -> AuthError:
    return AuthError(
        "XL03000006",
        "Sign-in information is incorrect",
        "Check the user ID, company ID and password.",
    )


def invalid_session() -> AuthError:
    return AuthError(
        "XL03000006", "Invalid session", "Request a new session with getAPISession or log in."
    )


def already_executed(controlid: str) -> FunctionError:
    return FunctionError(
        "XL03000003",
        f"A function with control ID {controlid} has already been executed.",
        "Use a new control ID or set uniqueid to false.",
    )


def required(obj: str, field: str) -> FunctionError:
    return FunctionError(
        "BL01001973",
        f"Required field {field} is missing for {obj}.",
        f"Provide a value for {field}.",
    )


def duplicate(obj: str, value: str) -> FunctionError:
    return FunctionError(
        "BL01001973",
        f"Another {obj} with the given value(s) {value} already exists",
        "Use a unique ID.",
        description="Could not create record!",
    )


def not_found(obj: str, key: str) -> FunctionError:
    return FunctionError("BL01001973", f"{obj} {key} does not exist.", "Check the key.")


def invalid(obj: str, field: str, detail: str) -> FunctionError:
    return FunctionError(
        "BL01001973", f"Invalid value for {obj}.{field}: {detail}", f"Correct {field}."
    )


def unknown_object(obj: str) -> FunctionError:
    return FunctionError(
        "DL02000001",
        f"There was an error processing the request: unknown object {obj}",
        "Check the object name.",
    )


def unknown_field(obj: str, field: str) -> FunctionError:
    return FunctionError(
        "DL02000001", f"{field} is not a valid field of {obj}", "Check the field name."
    )


def bad_query(detail: str) -> FunctionError:
    return FunctionError("DL02000001", f"Invalid query: {detail}", "Check the query syntax.")
