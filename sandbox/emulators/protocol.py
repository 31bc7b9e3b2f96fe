"""The one shape every emulator has, so the sandbox and the tests hold them by system.

An emulator is a WSGI app over an in-memory store with a base URL, a call log, a fault
injector (:mod:`sandbox.emulators.faults`), a clock moved by a ``timedelta``, ``reset``, the
admin API under ``/__admin__/`` (:mod:`sandbox.emulators.admin`; each emulator adds its own
routes) and ``provision``: it creates demo credentials for ledgerlink's integration user
itself and answers what the connection's side needs (:class:`ProvisionedSide`).

An emulator whose system does work on its own (Salesforce delivering outbound messages)
also implements :class:`BackgroundWorker`; the served sandbox runs it in a loop and the
in-process world runs it when it settles.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol, runtime_checkable

import httpx

from sandbox.emulators.admin import AdminRoute
from sandbox.emulators.common import CallLog
from sandbox.emulators.faults import FaultInjector

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


@dataclass(frozen=True)
class ProvisionRequest:
    """What ledgerlink asks of a system when a connection is set up.

    ``webhook_url``: ledgerlink's URL for this system's callbacks (token included).
    ``watched_objects``: objects whose changes the system should push, each with the fields
    its notification carries where the system sends fields (systems without push ignore it).
    """

    webhook_url: str
    watched_objects: Mapping[str, Sequence[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class ProvisionedSide:
    """What an emulator answers to :meth:`Emulator.provision`.

    ``settings``: the connection side's non-secret settings; ``secrets``: its secrets;
    ``endpoints``: what a developer needs to point a real client at the emulator.
    """

    system: str
    settings: dict[str, Any]
    secrets: dict[str, str]
    endpoints: dict[str, Any]


class Emulator(Protocol):
    """What the world, the served sandbox, the admin API and the tests use of an emulator."""

    @property
    def system(self) -> str:
        """The system's registry name: ``salesforce``, ``intacct``, ``zoho_crm`` …"""
        ...

    @property
    def base_url(self) -> str: ...

    @property
    def wsgi_app(self) -> WsgiApp: ...

    @property
    def calls(self) -> CallLog: ...

    @property
    def faults(self) -> FaultInjector: ...

    def now(self) -> datetime:
        """The emulated system's current time."""
        ...

    def advance_clock(self, delta: timedelta) -> None:
        """Move the emulated system's time forward."""
        ...

    def reset(self) -> None:
        """Back to fresh data; credentials, users and set-up stay."""
        ...

    def provision(self, request: ProvisionRequest) -> ProvisionedSide:
        """Create credentials for ledgerlink's integration user (random secrets) and
        whatever push the request asks for; answer the connection side's settings."""
        ...

    def records_on_wire(
        self, object_name: str, *, include_deleted: bool = False
    ) -> list[dict[str, Any]]:
        """Every record of an object, values as the API renders them (KeyError: unknown
        object)."""
        ...

    def admin_routes(self) -> Sequence[AdminRoute]:
        """This emulator's own admin endpoints, beside the common ones."""
        ...


@runtime_checkable
class BackgroundWorker(Protocol):
    """An emulator that does work of its own accord (deliveries, callbacks)."""

    def background_work(self, http: httpx.Client) -> int:
        """Do what is due now; returns how many things it did (0: idle)."""
        ...
