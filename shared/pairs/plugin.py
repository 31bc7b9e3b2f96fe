"""What a pair plug-in is: the one object a pair's package exports.

A pair names its CRM and ERP systems and brings everything that only makes sense for them:
its connection model (the pair's options), default object mappings and the computed values
they use, workflows (ERP documents from CRM records, each run from its own queue), actions
(the buttons that start them), scheduled jobs (mirrors, lists) and set-up hooks. The engine,
poller, queue worker, handlers, topology and infra reach all of it through this object.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

from shared.mapping.computes import Compute
from shared.mapping.fields import ObjectMapping, Side
from shared.models.connection import Connection
from shared.models.records import SourceRecord
from shared.models.workflows import WorkflowOutcome, WorkflowRequest

if TYPE_CHECKING:
    from shared.connectors.base import Connector
    from shared.observability import MetricSink
    from shared.state.audit import AuditTrail
    from shared.state.cursors import CursorStore
    from shared.state.links import LinkStore
    from shared.sync.engine import SyncEngine


class PairContext(NamedTuple):
    """One connection's world, as a pair's workflows, actions, jobs and hooks see it."""

    connection: Connection
    crm: Connector
    erp: Connector
    links: LinkStore
    cursors: CursorStore
    audit: AuditTrail
    metrics: MetricSink
    engine: SyncEngine
    # The tokens the connection's webhook door accepts, current first (read when called):
    # what a hook subscribing a system's push gives it to send back with each callback.
    door_tokens: Callable[[], tuple[str, ...]] = lambda: ()

    def on(self, side: Side) -> Connector:
        return self.crm if side is Side.CRM else self.erp


WorkflowRun = Callable[[PairContext, WorkflowRequest], WorkflowOutcome]
ActionAccept = Callable[[PairContext, Mapping[str, str], WorkflowRequest], WorkflowRequest]
Job = Callable[[PairContext], Mapping[str, Any] | None]
SetupHook = Callable[[PairContext], str]
# A connection's settings applied to one default mapping: the mapping in force, or None
# when the connection has it off (e.g. a feature's "enable" setting).
MappingTailor = Callable[[Connection, ObjectMapping], ObjectMapping | None]


class Workflow(NamedTuple):
    """A workflow's work: ``name`` is the workflow a topology queue carries."""

    name: str
    run: WorkflowRun


class Action(NamedTuple):
    """A CRM button: ``POST /actions/{connection_id}/<route>``, signed. ``route`` names its
    parameters in braces (``contracts/{contract_id}/sync``); ``subject`` builds the record
    the request is about from them. ``accept`` checks the request may run (raising
    ``RequestRejectedError`` with the reason) and returns it, completed (e.g. the record's
    version), for the door to queue on ``workflow``'s queue."""

    route: str
    workflow: str
    subject_object: str
    subject_param: str
    accept: ActionAccept
    # One press is one signed request (the same request delivered twice is one press; two
    # presses are two, however the record changed between them). Otherwise presses on one
    # version of the record are one request.
    per_request: bool = False

    def match(self, path: str) -> dict[str, str] | None:
        names = re.findall(r"{([a-z_]+)}", self.route)
        pattern = re.escape(self.route)
        for name in names:
            pattern = pattern.replace(re.escape(f"{{{name}}}"), f"(?P<{name}>[^/]+)")
        found = re.fullmatch(pattern, path.strip("/"))
        return dict(found.groupdict()) if found else None


class Trigger(NamedTuple):
    """Workflow requests a change sets off (an opportunity reaching Closed Won): for changed
    ``side`` records of ``object`` read with ``fields``, ``requests`` says what to queue.
    Pure and idempotent by construction (a record that already set its workflow off yields
    a request with the same dedup id), so the change path and a schedule may both ask."""

    side: Side
    object: str
    fields: tuple[str, ...]
    requests: Callable[[Connection, Sequence[SourceRecord]], list[WorkflowRequest]]


class RecordPage(NamedTuple):
    """A record page the pair's links open (``GET /open/{connection_id}/<page>/<key>``,
    shared/ingest/record_links.py): the ``side`` record of ``object`` whose ``key_field``
    is the link's key, and the field of it holding its page's URL in that system."""

    side: Side
    object: str
    key_field: str
    url_field: str


class PairPlugin(NamedTuple):
    name: str  # "<crm>_<erp>"
    crm: str  # system names
    erp: str
    connection_model: type[Connection]
    mappings: Mapping[str, ObjectMapping]
    computes: Mapping[str, Compute] = MappingProxyType({})
    workflows: Mapping[str, Workflow] = MappingProxyType({})
    actions: tuple[Action, ...] = ()
    jobs: Mapping[str, Job] = MappingProxyType({})
    setup_hooks: tuple[SetupHook, ...] = ()
    triggers: tuple[Trigger, ...] = ()
    tailors: tuple[MappingTailor, ...] = ()
    # Mappings the pair's own jobs apply (read-only mirrors a schedule writes): the engine
    # never syncs them; a connection overrides their non-required fields like any mapping's.
    mirror_mappings: Mapping[str, ObjectMapping] = MappingProxyType({})
    # The pages its links open, by the name a link gives them (shared/ingest/record_links.py)
    record_pages: Mapping[str, RecordPage] = MappingProxyType({})

    def mappings_for(self, connection: Connection) -> dict[str, ObjectMapping]:
        """The default mappings in force for ``connection``, its settings applied."""
        chosen: dict[str, ObjectMapping] = {}
        for name, mapping in self.mappings.items():
            tailored: ObjectMapping | None = mapping
            for tailor in self.tailors:
                tailored = tailor(connection, tailored) if tailored is not None else None
            if tailored is not None:
                chosen[name] = tailored
        return chosen

    def action_for(self, path: str) -> tuple[Action, dict[str, str]] | None:
        for action in self.actions:
            params = action.match(path)
            if params is not None:
                return action, params
        return None
