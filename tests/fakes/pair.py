"""A fake pair joining fakecrm and fakeerp: Person <-> Party both ways (ERP keys chosen by
us, CRM ids assigned by the CRM), a ``contracts`` workflow that opens a Deal in the ERP for
a person, its button, and a set-up hook."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Literal

from shared.errors import RequestRejectedError
from shared.mapping.computes import Compute
from shared.mapping.fields import Direction, FieldMap, Identity, ObjectMapping
from shared.models.connection import Connection
from shared.models.events import ChangeEvent, RecordRef
from shared.models.workflows import WorkflowOutcome, WorkflowRequest
from shared.pairs.plugin import Action, PairContext, PairPlugin, Workflow

PERSON_PARTY = ObjectMapping(
    name="person_party",
    crm_object="Person",
    erp_object="Party",
    crm_key_field="erp_code",
    erp_key_field="code",
    erp_identity=Identity.chosen("code", "party_code"),
    crm_identity=Identity.assigned("erp_code"),
    fields=(
        FieldMap(crm="erp_code", erp="code", direction=Direction.ERP_TO_CRM, required=True),
        FieldMap(crm="name", erp="name", required=True),
        FieldMap(crm="email", erp="email"),
    ),
)


# Goods are made on both sides with the same code; either side's copy adopts the other's.
PRODUCT_GOOD = ObjectMapping(
    name="product_good",
    crm_object="Product",
    erp_object="Good",
    crm_key_field="erp_code",
    erp_key_field="code",
    erp_identity=Identity.chosen("code", "good_code", adopt_field="code"),
    crm_identity=Identity.assigned("erp_code", adopt_field="sku"),
    fields=(
        FieldMap(crm="erp_code", erp="code", direction=Direction.ERP_TO_CRM, required=True),
        FieldMap(crm="sku", erp="code", direction=Direction.ERP_TO_CRM, on_create_only=True),
        FieldMap(crm="name", erp="name", required=True),
    ),
)


class FakeConnection(Connection):
    crm_polled_objects: tuple[str, ...] = ("Person",)
    erp_polled_objects: tuple[str, ...] = ("Party",)
    deals_enabled: bool = True
    # what a person changed on both sides does (ObjectMapping.on_conflict)
    person_on_conflict: Literal["overwrite", "skip"] | None = None


def _person_conflicts(connection: Connection, mapping: ObjectMapping) -> ObjectMapping:
    if isinstance(connection, FakeConnection) and mapping.name == PERSON_PARTY.name:
        return mapping.model_copy(update={"on_conflict": connection.person_on_conflict})
    return mapping


def open_deal(ctx: PairContext, request: WorkflowRequest) -> WorkflowOutcome:
    """The person's party first (synced now if it never was), then one Deal per person."""
    person = request.subject
    link = ctx.links.get(ctx.connection.connection_id, person)
    if link is None:
        ctx.engine.apply(
            ChangeEvent(connection_id=ctx.connection.connection_id, ref=person, source="action")
        )
        link = ctx.links.get(ctx.connection.connection_id, person)
    assert link is not None
    assert link.erp is not None
    code = f"D-{person.record_id}"
    if ctx.erp.fetch("Deal", code, ["code"]) is None:
        ctx.erp.create(
            "Deal", {"code": code, "party": link.erp.ref.record_id}, idempotency_key=code
        )
    ctx.crm.update("Person", person.record_id, {"deal_status": "Open"}, idempotency_key=code)
    target = RecordRef(system=ctx.erp.system, object="Deal", record_id=code)
    return WorkflowOutcome(status="Open", subject=str(person), target=str(target), created=1)


def accept_deal(
    ctx: PairContext, params: Mapping[str, str], request: WorkflowRequest
) -> WorkflowRequest:
    assert isinstance(ctx.connection, FakeConnection)
    if not ctx.connection.deals_enabled:
        raise RequestRejectedError(409, "deals are off")
    person = ctx.crm.fetch("Person", params["person_id"], ["name"])
    if person is None:
        raise RequestRejectedError(404, "no such person")
    return request


def _party_code(fields: Mapping[str, object]) -> str:
    return "P-" + hashlib.sha256(str(fields["Id"]).encode()).hexdigest()[:8]


def _hook(ctx: PairContext) -> str:
    return f"fake hook saw {len(list(ctx.erp.changed_since('Party', None, [], 10)))} parties"


FAKE_PAIR = PairPlugin(
    name="fakecrm_fakeerp",
    crm="fakecrm",
    erp="fakeerp",
    connection_model=FakeConnection,
    mappings={PERSON_PARTY.name: PERSON_PARTY, PRODUCT_GOOD.name: PRODUCT_GOOD},
    computes={
        "party_code": Compute(("Id",), _party_code),
        "good_code": Compute(("sku",), lambda fields: str(fields["sku"])),
    },
    workflows={"contracts": Workflow("contracts", open_deal)},
    actions=(
        Action(
            route="people/{person_id}/deal",
            workflow="contracts",
            subject_object="Person",
            subject_param="person_id",
            accept=accept_deal,
        ),
    ),
    setup_hooks=(_hook,),
    tailors=(_person_conflicts,),
)
