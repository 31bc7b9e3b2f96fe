"""The gateway's error catalogue and the three failure levels.

Every error travels as ``<errormessage><error><errorno/><description/><description2/>
<correction/></error>…</errormessage>`` (developer.intacct.com "XML Responses",
"Error Handling"). Where it sits decides what ran (developer.intacct.com "Error Handling":
"If the error occurs at the control level, no operations are executed. If the error occurs
at the authentication level, no function calls are executed. If the error occurs at the
content level, only the problematic function call fails"):

* :class:`ControlError` -> ``<response><control><status>failure`` + ``errormessage``;
* :class:`AuthError` -> ``<operation><authentication><status>failure`` + ``errormessage``;
* :class:`FunctionError` -> that one ``<result><status>failure`` + ``errormessage``.

Error numbers and where they come from:

============  ==========================================================================
XL03000003    XML not well formed / not valid: developer.intacct.com "Error Handling"
              (``XML Parse schema error: …``). Also used here for DTDs/entities, a missing
              required element, an unsupported dtdversion and an unknown function name
              (the gateway validates the request against its DTD before running it).
XL03000006    Control level: "Incorrect Intacct XML Partner ID or password." (sender id
              or password wrong; public client test fixtures of real responses).
              Authentication level: "Sign-in information is incorrect" (intacct-sdk-php /
              -net / -js fixtures), "Invalid Web Services Authorization" (developer.intacct
              .com FAQ), and an invalid or timed-out session (the same number; the text
              "Invalid session" is this emulator's, UNVERIFIED).
XL03000009    "The entire transaction in this operation has been rolled back due to an
              error." with result status ``aborted`` (intacct-sdk fixtures).
GW-0010       HTTP 429, rate limit / no free concurrency slot (developer.intacct.com "Error
              Handling", "429 errors (GW-0010)"; REST error table "API rate limit exceeded").
BL34000061    "Another <Object> with the given value(s) <id>  already exists" / "Use a unique
              value instead." followed by BL01001973 "Could not create <Object> record!"
              (intacct-sdk-php fixtures of a duplicate CLASSID).
BL01001973    Generic business-logic failure (developer.intacct.com "XML Requests" example;
              "Cannot find class with key 'UT01' to delete." in intacct-sdk-php fixtures).
              Used here for every other function-level rule: missing required fields,
              unknown references, dates outside the contract, bad values, unknown objects
              and fields, bad queries. The description texts are this emulator's.
XL03000010    "Field requested is not valid: gldetail.STATUS" (no description, no correction;
              a real ``query`` answer quoted in fylein/sageintacct-sdk-py issue 93): a field
              the object does not have, named in a select, a filter or an order. Used here
              the same way for read/readByName/readByQuery ``<fields>`` and readByQuery
              ``<query>`` (UNVERIFIED for those functions). The real text ends with
              `` [Support ID: …]``, which this emulator leaves out.
XL03000004    UNVERIFIED: the number returned for a function whose controlid already ran
              (see ``DUPLICATE_CONTROLID_ERRORNO``). The docs say only that with uniqueid
              true "the controlid attribute of the <function> element will be checked to
              determine if the operation was previously executed and completed".
============  ==========================================================================
"""

from __future__ import annotations

from dataclasses import dataclass

XML_ERROR = "XL03000003"
SIGN_IN_ERROR = "XL03000006"
ROLLED_BACK = "XL03000009"
RATE_LIMITED = "GW-0010"
DUPLICATE_VALUE = "BL34000061"
BUSINESS_RULE = "BL01001973"
DUPLICATE_CONTROLID_ERRORNO = "XL03000004"  # UNVERIFIED, see module docstring
FIELD_NOT_VALID = "XL03000010"


@dataclass(frozen=True)
class ErrorDetail:
    errorno: str
    description: str = ""
    description2: str = ""
    correction: str = ""

    def text(self) -> str:
        return f"{self.errorno}: {self.description2 or self.description}"


class GatewayError(Exception):
    """A failure at one of the three levels, carrying the errors the response shows."""

    def __init__(self, *errors: ErrorDetail) -> None:
        super().__init__("; ".join(e.text() for e in errors))
        self.errors = list(errors)


class ControlError(GatewayError):
    """Nothing runs: the request could not be read or the sender was refused."""


class AuthError(GatewayError):
    """No function runs: the login or the session was refused."""


class FunctionError(GatewayError):
    """Only this function fails."""


# -- control level ------------------------------------------------------------------------


def xml_parse_error(detail: str) -> ControlError:
    return ControlError(ErrorDetail(XML_ERROR, description2=f"XML Parse schema error: {detail}"))


def sender_refused() -> ControlError:
    return ControlError(
        ErrorDetail(SIGN_IN_ERROR, description2="Incorrect Intacct XML Partner ID or password.")
    )


# -- authentication level ---------------------------------------------------------------


def sign_in_incorrect() -> AuthError:
    return AuthError(ErrorDetail(SIGN_IN_ERROR, description2="Sign-in information is incorrect"))


def sender_not_authorized(sender_id: str, company_id: str) -> AuthError:
    return AuthError(
        ErrorDetail(
            SIGN_IN_ERROR,
            description="Invalid Web Services Authorization",
            description2=(
                f"The sender ID '{sender_id}' is not authorized to make Web Services "
                f"requests to company ID '{company_id}'."
            ),
            correction=(
                "Contact the company administrator to grant Web Services authorization "
                "to this sender ID."
            ),
        )
    )


def invalid_session() -> AuthError:
    return AuthError(
        ErrorDetail(
            SIGN_IN_ERROR,
            description2="Invalid session",
            correction="Get a new session with getAPISession or sign in with login credentials.",
        )
    )


# -- function level ------------------------------------------------------------------------


def rolled_back() -> ErrorDetail:
    return ErrorDetail(
        ROLLED_BACK,
        description2=(
            "The entire transaction in this operation has been rolled back due to an error."
        ),
    )


def already_executed(controlid: str) -> FunctionError:
    return FunctionError(
        ErrorDetail(
            DUPLICATE_CONTROLID_ERRORNO,
            description="Duplicate function control ID",
            description2=(
                f"The function with control ID '{controlid}' was already executed and "
                "completed in an earlier request; it was not executed again."
            ),
            correction="Use a new function control ID to execute the function again.",
        )
    )


def business(description2: str, correction: str = "", description: str = "") -> ErrorDetail:
    return ErrorDetail(BUSINESS_RULE, description, description2, correction)


def rule(description2: str, correction: str = "") -> FunctionError:
    return FunctionError(business(description2, correction))


def could_not(action: str, label: str) -> ErrorDetail:
    """The trailing "Could not create Customer record!" line every write failure carries."""
    return business(f"Could not {action} {label} record!")


def duplicate_id(label: str, value: str) -> FunctionError:
    return FunctionError(
        ErrorDetail(
            DUPLICATE_VALUE,
            description2=f"Another {label} with the given value(s) {value}  already exists",
            correction="Use a unique value instead.",
        ),
        could_not("create", label),
    )


def required_field(label: str, field: str, action: str = "create") -> FunctionError:
    return FunctionError(
        business(
            f"Required field {field} is missing for {label}.",
            f"Provide a value for {field}.",
            description="Required field missing",
        ),
        could_not(action, label),
    )


def invalid_value(label: str, field: str, value: str, expected: str) -> FunctionError:
    return FunctionError(
        business(
            f"Invalid value '{value}' for {field}: {expected}.",
            f"Correct the value of {field}.",
            description="Invalid field value",
        )
    )


def unknown_field(object_name: str, field: str) -> FunctionError:
    return rule(
        f"{field} is not a valid field for object {object_name}.",
        "Check the field name with lookup or inspect.",
    )


def field_not_valid(object_name: str, field: str) -> FunctionError:
    """A selected, filtered or ordered field the object does not have."""
    return FunctionError(
        ErrorDetail(
            FIELD_NOT_VALID,
            description2=f"Field requested is not valid: {object_name.lower()}.{field}",
        )
    )


def unknown_object(object_name: str) -> FunctionError:
    return rule(f"Object definition {object_name} not found", "Check the object name.")


def invalid_reference(label: str, field: str, value: str, target: str) -> FunctionError:
    return FunctionError(
        business(
            f"Invalid {target} '{value}' specified in {field}.",
            f"Use an existing {target} for {field}.",
        ),
        could_not("create", label),
    )


def not_found_for_update(object_name: str, key_field: str, key: str) -> FunctionError:
    return rule(
        f"Cannot update non-existing {object_name} with {key_field}={key}.",
        "Check the key of the record to update.",
    )


def not_found_for_delete(label: str, key: str) -> FunctionError:
    return rule(f"Cannot find {label.lower()} with key '{key}' to delete.")


def bad_query(detail: str) -> FunctionError:
    return rule(f"Invalid query: {detail}", "Correct the query and try again.")


def bad_request(detail: str) -> FunctionError:
    return rule(detail)
