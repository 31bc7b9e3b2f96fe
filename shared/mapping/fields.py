"""Field maps are data: which CRM field meets which ERP field, in which direction, how.

A field path may name a nested field with dots (``DISPLAYCONTACT.MAILADDRESS.CITY``) or a
parent relationship (``Account.Name``). A ``compute`` names a function of the whole source
record (``shared.mapping.computes.COMPUTES``, registered by each pair) for values no single
field holds.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator

from shared.mapping.computes import COMPUTES


class Side(StrEnum):
    CRM = "crm"
    ERP = "erp"

    @property
    def other(self) -> Side:
        return Side.ERP if self is Side.CRM else Side.CRM


class Direction(StrEnum):
    BOTH = "both"
    CRM_TO_ERP = "crm_to_erp"
    ERP_TO_CRM = "erp_to_crm"
    NONE = "none"

    def flows_from(self, side: Side) -> bool:
        if self is Direction.BOTH:
            return True
        if side is Side.CRM:
            return self is Direction.CRM_TO_ERP
        return self is Direction.ERP_TO_CRM


class FieldMap(BaseModel):
    """One CRM field <-> one ERP field."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    crm: str | None = None
    erp: str | None = None
    direction: Direction = Direction.BOTH
    required: bool = False  # the ERP requires it: its direction cannot be overridden
    on_create_only: bool = False
    to_erp: str = "text"  # transform applied CRM -> ERP
    to_crm: str = "text"  # transform applied ERP -> CRM
    compute_for_erp: str | None = None  # value computed from the whole CRM record
    compute_for_crm: str | None = None  # value computed from the whole ERP record

    @model_validator(mode="after")
    def _has_both_ends(self) -> FieldMap:
        if self.direction.flows_from(Side.CRM) and self.erp is None:
            raise ValueError("a field flowing to the ERP needs an 'erp' path")
        if self.direction.flows_from(Side.ERP) and self.crm is None:
            raise ValueError("a field flowing to the CRM needs a 'crm' path")
        if self.direction.flows_from(Side.CRM) and self.crm is None and not self.compute_for_erp:
            raise ValueError(f"{self.erp}: needs a 'crm' path or 'compute_for_erp'")
        if self.direction.flows_from(Side.ERP) and self.erp is None and not self.compute_for_crm:
            raise ValueError(f"{self.crm}: needs an 'erp' path or 'compute_for_crm'")
        return self

    def path(self, side: Side) -> str | None:
        return self.crm if side is Side.CRM else self.erp

    def target_path(self, source: Side) -> str:
        path = self.path(source.other)
        assert path is not None  # guaranteed by _has_both_ends for flowing fields
        return path

    def compute(self, source: Side) -> str | None:
        return self.compute_for_erp if source is Side.CRM else self.compute_for_crm

    def inputs(self, source: Side) -> tuple[str, ...]:
        """The ``source`` paths this field's value is computed from."""
        compute = self.compute(source)
        if compute:
            return COMPUTES[compute].inputs
        path = self.path(source)
        assert path is not None  # guaranteed by _has_both_ends for flowing fields
        return (path,)

    def transform(self, source: Side) -> str:
        return self.to_erp if source is Side.CRM else self.to_crm

    @property
    def name(self) -> str:
        """Stable name of the pair, used for overrides and snapshots."""
        return self.erp or f"crm:{self.crm}"


class Identity(BaseModel):
    """How a record ledgerlink creates on one side gets its id, and how a create whose answer
    was lost is found again (so a retry never makes a second record).

    - ``chosen_key``: ledgerlink computes the key (``compute``) and sends it in ``key_field``;
      the key is saved with the pending link before the create, so a retry finds the record
      by it (Intacct: CUSTOMERID with ``uniqueid`` and a stable controlid).
    - ``assigned``: the target assigns the id; the create carries the source record's key in
      ``match_field`` (an external-id field to upsert on, or a field to look up), which
      finds a lost create again (Salesforce upsert; Zoho Books).

    ``adopt_field``: before creating, look for a record of the target whose ``adopt_field``
    already holds the key the copy would get (``chosen_key``: the computed key;
    ``assigned``: the source record's key, e.g. a product's ProductCode equal to the item's
    ITEMID). One that no link holds is linked to instead of created beside: records made on
    both sides with the same code become one pair, not two. Unset, nothing is looked up.

    ``creator_field``: the field where the target records who created a record (Salesforce
    ``CreatedById``, Intacct ``CREATEDBYLOGINID``). Where the target's connector knows
    ledgerlink's own user, a record of ours seen there before its link is saved is known by
    it (it waits for its link, never copied back), so a create saves nothing before it
    writes but what the retry needs: see ``SyncEngine._create``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    strategy: Literal["chosen_key", "assigned"]
    key_field: str | None = None
    compute: str | None = None
    match_field: str | None = None
    adopt_field: str | None = None
    creator_field: str | None = None

    @model_validator(mode="after")
    def _complete(self) -> Identity:
        if self.strategy == "chosen_key" and not (self.key_field and self.compute):
            raise ValueError("chosen_key needs key_field and compute")
        if self.strategy == "assigned" and not self.match_field:
            raise ValueError("assigned needs match_field")
        return self

    @classmethod
    def chosen(
        cls,
        key_field: str,
        compute: str,
        *,
        adopt_field: str | None = None,
        creator_field: str | None = None,
    ) -> Identity:
        return cls(
            strategy="chosen_key",
            key_field=key_field,
            compute=compute,
            adopt_field=adopt_field,
            creator_field=creator_field,
        )

    @classmethod
    def assigned(
        cls, match_field: str, *, adopt_field: str | None = None, creator_field: str | None = None
    ) -> Identity:
        return cls(
            strategy="assigned",
            match_field=match_field,
            adopt_field=adopt_field,
            creator_field=creator_field,
        )


class ObjectMapping(BaseModel):
    """How one CRM object pairs with one ERP object."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    crm_object: str
    erp_object: str
    fields: tuple[FieldMap, ...]
    # The CRM field that holds the ERP key (shown on the CRM record after a create; a CRM
    # record that already names one is linked to that ERP record, never copied).
    crm_key_field: str | None = None
    erp_key_field: str  # the ERP field holding the key the link names
    # How records ledgerlink creates on each side get their ids (None: never created there).
    crm_identity: Identity | None = None
    erp_identity: Identity | None = None
    # Only CRM records whose fields equal these values sync (e.g. {"Type": "Customer"}).
    crm_filter: dict[str, str] = {}
    # ERP records another ERP object owns are not copied to the CRM: (object, field) such
    # that a record is skipped when some ``object`` has ``field`` equal to its key (Intacct
    # creates a CONTACT for every customer's DISPLAYCONTACT).
    erp_owned_by: tuple[str, str] | None = None
    # When a linked record changed on both sides since the last sync (None: the
    # connection's conflict_policy decides field by field):
    # - overwrite: the CRM's values win, as under crm_wins;
    # - skip: nothing is written either way, the record is noted as skipped with the fields;
    # - clone: the ERP record is left as it is and set aside (ledgerlink's match field on it
    #   cleared, never synced again) and a new ERP record is made from the CRM one.
    on_conflict: Literal["overwrite", "skip", "clone"] | None = None

    @model_validator(mode="after")
    def _clone_needs_assigned_erp_keys(self) -> ObjectMapping:
        if self.on_conflict == "clone" and (
            self.erp_identity is None or self.erp_identity.strategy != "assigned"
        ):
            raise ValueError(
                f"{self.name}: on_conflict clone needs ERP records whose keys the ERP assigns"
            )
        return self

    def flowing_from(self, side: Side) -> tuple[FieldMap, ...]:
        return tuple(f for f in self.fields if f.direction.flows_from(side))

    def source_paths(self, side: Side) -> set[str]:
        """The fields to read from ``side`` to compute every value flowing out of it."""
        paths = self.outgoing_inputs(side)
        if side is Side.CRM:
            paths.update(self.crm_filter)
            if self.crm_key_field:
                paths.add(self.crm_key_field)
            if self.erp_identity is not None and self.erp_identity.compute:
                paths.update(COMPUTES[self.erp_identity.compute].inputs)
        else:
            paths.add(self.erp_key_field)
        return paths

    def outgoing_inputs(self, side: Side) -> set[str]:
        """The paths of ``side`` whose change must flow to the other side."""
        return {path for f in self.flowing_from(side) for path in f.inputs(side)}

    def tracked_paths(self, side: Side) -> set[str]:
        """Everything ledgerlink reads or writes on ``side``: what it flows out, what it
        writes in, the key fields, and the fields that tell a copy of ours: where its creates
        there leave the source's key (``Identity.match_field``) and who created a record
        (``Identity.creator_field``)."""
        incoming = {f.target_path(side.other) for f in self.flowing_from(side.other)}
        identity = self.identity(side)
        marks = (
            {f for f in (identity.match_field, identity.creator_field) if f} if identity else set()
        )
        return self.source_paths(side) | incoming | marks

    def object_on(self, side: Side) -> str:
        return self.crm_object if side is Side.CRM else self.erp_object

    def identity(self, side: Side) -> Identity | None:
        """How records this mapping creates on ``side`` get their ids."""
        return self.crm_identity if side is Side.CRM else self.erp_identity
