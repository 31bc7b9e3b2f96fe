"""Counts the HTTP requests ledgerlink's clients send to each emulated system, and the wall
time spent inside the emulators, with httpx event hooks on the World's client (the client
every connector of the runtime uses). People acting in a system get their own client, so
their requests are not counted. Given the run's CPU clock (:mod:`own_time`), each request
to a system, from its request hook to its response hook, is bracketed as not ledgerlink's
own; a request to ledgerlink's API is not (the functions it reaches are ledgerlink's).

What Intacct bills (:func:`intacct_transactions`) is counted from the emulator's call log
(one entry per function it ran), by Sage's definition of an API transaction: Sage Intacct
help, "View API usage"
(https://www.intacct.com/ia/docs/en_US/help_action/Administration/Usage_metrics/Usage-insights/view-API-usage.htm):
for write methods "each record that is created, updated, or deleted counts as 1
transaction" (a transaction record with its lines, one method, counts 1); RKL eSolutions,
"Sage Intacct API Limits: What Are They? Why Should You Care?"
(https://rklesolutions.com/blog/sage-intacct-api-limits-what-are-they-why-should-you-care):
a transaction is "any API call that involves a query, readByQuery, create, update, or
delete command", "even if you batch multiple create objects within a single API call,
Intacct considers each create to be one transaction", and a query counts 1 whatever it
returns (each further page of 2,000 is another query). Neither counts the session call
(``getAPISession``), so it is not billed here; every other function counts 1, as before.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterable
from typing import Any

import httpx

from sandbox.bench.own_time import OwnTime
from sandbox.emulators.common import Call
from sandbox.emulators.intacct.functions import WRITES as INTACCT_RECORD_WRITES
from sandbox.world import World

# INTACCT_RECORD_WRITES: the functions that write records (the emulator's own list); each
# record one writes is one transaction (Sage, above)
INTACCT_NOT_BILLED = frozenset({"getAPISession"})  # the session call is no transaction


def intacct_transactions(calls: Iterable[Call]) -> int:
    """The Intacct API transactions the functions of ``calls`` are billed as: a write, one
    per record it wrote (the call log names them, comma-separated; a write that wrote
    nothing, failed, still one), no session call, any other function one."""
    billed = 0
    for call in calls:
        if call.op in INTACCT_NOT_BILLED:
            continue
        if call.op in INTACCT_RECORD_WRITES and call.record_id:
            billed += len(call.record_id.split(","))
        else:
            billed += 1
    return billed


class SaasMeter:
    """``requests`` per system; also per ``function/system`` for the requests made while a
    function's handler runs (``running`` names it: the bench's handler wrapper sets it)."""

    def __init__(self, world: World, own: OwnTime | None = None) -> None:
        self.running = threading.local()
        self._own = own
        self._hosts = {httpx.URL(url).host: system for system, url in world.urls.systems.items()}
        self._api_host = httpx.URL(world.urls.api).host
        self.requests: Counter[str] = Counter()  # system (or "api_gateway") -> requests
        self.saas_s = 0.0
        self._started: dict[int, tuple[float, int | None]] = {}
        self._lock = threading.Lock()
        hooks = world.http.event_hooks
        hooks.setdefault("request", []).append(self._on_request)
        hooks.setdefault("response", []).append(self._on_response)
        world.http.event_hooks = hooks

    def _on_request(self, request: httpx.Request) -> None:
        token = None
        if self._own is not None and request.url.host != self._api_host:
            token = self._own.enter(ours=False)
        with self._lock:
            self._started[id(request)] = (time.perf_counter(), token)

    def _on_response(self, response: httpx.Response) -> None:
        with self._lock:
            start, token = self._started.pop(id(response.request), (None, None))
        try:
            self._count(response, start)
        finally:
            if token is not None and self._own is not None:
                self._own.leave(token)

    def _count(self, response: httpx.Response, start: float | None) -> None:
        request = response.request
        host = request.url.host
        with self._lock:
            if host == self._api_host:
                self.requests["api_gateway"] += 1
                return  # the door runs ledgerlink's own code: not an emulator's time
            system = self._hosts.get(host, host)
            self.requests[system] += 1
            if _writes(request):
                self.requests[f"{system}:writes"] += 1
            function = getattr(self.running, "name", None)
            # OAuth token requests count against no API allowance: not a function's call
            if function and "/oauth2/" not in request.url.path:
                self.requests[f"{function}/{system}"] += 1
            if start is not None:
                self.saas_s += time.perf_counter() - start

    def snapshot(self) -> tuple[Counter[str], float]:
        with self._lock:
            return Counter(self.requests), self.saas_s


def _writes(request: httpx.Request) -> bool:
    """A request that writes records: Salesforce REST writes (not a query job), an Intacct
    request carrying a create, update or delete function."""
    if "/services/data/" in request.url.path:
        return request.method in {"POST", "PATCH", "PUT", "DELETE"} and (
            "/jobs/query" not in request.url.path
        )
    body = request.content
    return b"<create>" in body or b"<update>" in body or b"<delete>" in body


def users_client(world: World) -> httpx.Client:
    """A client of its own for the people using the systems (their calls are not ours)."""
    mounts: dict[str, Any] = {
        e.base_url: httpx.WSGITransport(app=e.wsgi_app) for e in world.emulators.values()
    }
    return httpx.Client(mounts=mounts)
