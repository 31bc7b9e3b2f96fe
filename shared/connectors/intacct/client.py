"""Sessions, the httpx.Client, retries: the only place that talks HTTP to Intacct."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import httpx

from shared.connectors.base import ApiError, PolicyRunner, RetrySettings, retry_after
from shared.connectors.intacct import xml
from shared.connectors.intacct.errors import POLICY, permanent
from shared.connectors.intacct.models import FunctionResult, GatewayError, Session
from shared.connectors.intacct.settings import IntacctSecrets, IntacctSettings
from shared.errors import TransportError

CONTENT_TYPE = "application/xml"
SYSTEM = "intacct"


def api_error(errors: list[GatewayError], fallback: str) -> ApiError:
    """An ``errormessage``'s errors as one ApiError (the first errorno decides)."""
    first = errors[0] if errors else GatewayError(description=fallback)
    text = "; ".join(e.text() for e in errors) or fallback
    return ApiError(None, first.errorno or None, text)


class IntacctClient:
    def __init__(
        self,
        http: httpx.Client,
        settings: IntacctSettings,
        secrets: IntacctSecrets,
        retry: RetrySettings | None = None,
    ) -> None:
        self._http = http
        self._settings, self._secrets, self._retry = settings, secrets, retry
        self._entities: dict[str, IntacctClient] = {}
        self._endpoint = str(settings.endpoint_url)
        self._creds = xml.Credentials(
            sender_id=settings.sender_id,
            sender_password=secrets.sender_password.get_secret_value(),
            company_id=settings.company_id,
            user_id=settings.user_id,
            user_password=secrets.user_password.get_secret_value(),
            entity_id=settings.entity_id,
        )
        self._session: Session | None = None
        self._runner = PolicyRunner(SYSTEM, POLICY, self._drop_session, permanent, retry)
        self.functions_sent = 0  # Intacct bills per function
        self.requests_sent = 0  # HTTP requests to the gateway

    @property
    def user_id(self) -> str:
        """The user this client signs in as (the connection's own)."""
        return self._settings.user_id

    @property
    def entity_id(self) -> str | None:
        """The entity this client's sessions open at (None: the top level)."""
        return self._settings.entity_id or None

    def at_entity(self, entity_id: str) -> IntacctClient:
        """A client whose sessions open at ``entity_id`` (``""``: the top level), for the
        writes that must happen there: Intacct creates a record in the entity of the session
        that creates it (getAPISession/login ``locationid``)."""
        if entity_id == (self._settings.entity_id or ""):
            return self
        sibling = self._entities.get(entity_id)
        if sibling is None:
            settings = self._settings.model_copy(update={"entity_id": entity_id or None})
            sibling = IntacctClient(self._http, settings, self._secrets, self._retry)
            self._entities[entity_id] = sibling
        return sibling

    def _drop_session(self) -> None:
        self._session = None

    def session(self) -> Session:
        if self._session is None:
            fn = xml.Function(controlid="getAPISession", body=xml.element("getAPISession"))
            result = self._post([fn], session_id=None, unique=False)[0]
            if not result.ok or not result.records:
                raise api_error(result.errors, "getAPISession failed")
            api = result.records[0]
            self._session = Session(
                sessionid=str(api["sessionid"]),
                endpoint=str(api.get("endpoint") or self._endpoint),
            )
        return self._session

    def call(self, function: xml.Function, *, unique: bool = True) -> FunctionResult:
        """Run one function; its failure becomes a typed error via the policy."""
        return self.call_all([function], unique=unique)[0]

    def call_all(
        self, functions: Sequence[xml.Function], *, unique: bool = True, transaction: bool = False
    ) -> list[FunctionResult]:
        """Run functions in one request; the first failed function becomes a typed error.
        With ``transaction`` the gateway runs all of them or none."""

        def once() -> list[FunctionResult]:
            session = self.session()
            results = self._post(
                functions, session_id=session.sessionid, unique=unique, transaction=transaction
            )
            for result in results:
                if not result.ok:
                    raise api_error(result.errors, f"{result.function} failed")
            return results

        return self._runner.run(once)

    def call_each(
        self, functions: Sequence[xml.Function], *, unique: bool = True
    ) -> list[FunctionResult]:
        """Run functions in one request, not a transaction: each runs on its own and its
        result, success or failure, comes back in order for the caller to read. Only a
        failure of the request itself (HTTP, control, authentication) goes to the policy."""

        def once() -> list[FunctionResult]:
            session = self.session()
            results = self._post(functions, session_id=session.sessionid, unique=unique)
            for result, function in zip(results, functions, strict=True):
                if result.controlid and result.controlid != function.controlid:
                    raise TransportError("gateway answered functions out of order")
            return results

        return self._runner.run(once)

    def _post(
        self,
        functions: Sequence[xml.Function],
        *,
        session_id: str | None,
        unique: bool,
        transaction: bool = False,
    ) -> list[FunctionResult]:
        body = xml.request(
            self._creds,
            functions,
            controlid=uuid.uuid4().hex,
            session_id=session_id,
            unique=unique,
            transaction=transaction,
        )
        url = self._session.endpoint if (self._session and session_id) else self._endpoint
        self.functions_sent += len(functions)
        self.requests_sent += 1
        response = self._http.post(url, content=body, headers={"Content-Type": CONTENT_TYPE})
        if response.status_code >= 300:
            # Throttling is HTTP 429 (GW-0010); its Retry-After, when sent, says how long.
            raise ApiError(
                response.status_code,
                None,
                f"HTTP {response.status_code}",
                retry_after(response),
            )
        try:
            envelope = xml.parse_response(response.content)
        except xml.MalformedResponseError as exc:
            raise TransportError(str(exc)) from exc
        if not envelope.control_ok:
            raise api_error(envelope.control_errors, "control-level failure")
        if not envelope.auth_ok:
            raise api_error(envelope.auth_errors, "authentication failure")
        if len(envelope.results) != len(functions):
            raise TransportError("gateway answered a different number of functions")
        return envelope.results
