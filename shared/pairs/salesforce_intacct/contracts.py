"""Activated Salesforce contracts become Intacct contracts (header + one line per opportunity
product), created so that a retry can never produce a second contract.

Safety: a pending link is saved before the header is created; the header create runs with
uniqueid and a stable controlid, and a lost answer is recovered by the contract's unique
NAME; lines are created together (transaction) with one stable controlid each, after
reading which lines the contract already has.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from shared.connectors.intacct.connector import Filter
from shared.connectors.salesforce import soql
from shared.connectors.salesforce.connector import format_timestamp
from shared.errors import PermanentError, RetryableError, ValidationFailedError
from shared.messages import Msg, Status, say
from shared.models.events import RecordRef
from shared.models.links import SideState, SyncLink
from shared.models.records import SourceRecord
from shared.models.workflows import WorkflowOutcome, WorkflowRequest
from shared.observability import BusinessMetric, count
from shared.pairs.plugin import PairContext
from shared.pairs.salesforce_intacct import contract_fields as cf
from shared.pairs.salesforce_intacct.connection import (
    ContractSettings,
    SalesforceIntacctConnection,
)
from shared.pairs.salesforce_intacct.managed_lists import check_contract_lists
from shared.pairs.salesforce_intacct.work import PairWork

WORKFLOW = "contracts"
CRM = "salesforce"
ERP = "intacct"


def run_contract_sync(ctx: PairContext, request: WorkflowRequest) -> WorkflowOutcome:
    """The ``contracts`` workflow: one "Sync to Intacct" press."""
    return ContractWorkflow(ctx).run(request)


def _outcome(
    status: str, contract: str, intacct_id: str | None = None, created: int = 0, detail: str = ""
) -> WorkflowOutcome:
    target = (
        str(RecordRef(system=ERP, object="CONTRACT", record_id=intacct_id)) if intacct_id else None
    )
    return WorkflowOutcome(
        status=status, subject=contract, target=target, created=created, detail=detail
    )


class ContractWorkflow(PairWork):
    def __init__(self, ctx: PairContext) -> None:
        super().__init__(ctx)
        self._settings = self._connection.contracts

    # -- entry point ---------------------------------------------------------------------

    def run(self, request: WorkflowRequest) -> WorkflowOutcome:
        contract_id = request.subject.record_id
        self._correlation_id = request.correlation_id
        contract = self._sf.fetch("Contract", contract_id, cf.CONTRACT_FIELDS)
        if contract is None:
            raise PermanentError(say(Msg.CONTRACT_NOT_FOUND, contract=contract_id))
        try:
            outcome = self._sync(contract)
        except ValidationFailedError as exc:
            self._show(contract, Status.REFUSED, exc.reason)
            count(self._metrics, BusinessMetric.CONTRACT_REFUSED)
            return _outcome(Status.REFUSED, contract.key, detail=exc.reason)
        except PermanentError as exc:
            self._show(contract, Status.ERROR, exc.reason)
            raise
        except RetryableError as exc:
            self._show(contract, Status.RETRYING, exc.reason)
            raise
        intacct_id = outcome.target.rpartition("/")[2] if outcome.target else None
        self._show(contract, outcome.status, "", intacct_id=intacct_id)
        self._audit.record(
            self._connection.connection_id,
            contract.ref,
            "contract_synced",
            status=outcome.status,
            intacct_contract=intacct_id or "",
            lines_created=str(outcome.created),
        )
        return outcome

    def _sync(self, contract: SourceRecord) -> WorkflowOutcome:
        if contract.get("Status") != "Activated":
            raise ValidationFailedError(
                say(
                    Msg.CONTRACT_NOT_ACTIVATED,
                    contract=contract.get("ContractNumber") or contract.key,
                    status=contract.get("Status"),
                )
            )
        settings = cf.chosen_settings(contract.fields, self._settings)
        check_contract_lists(self._sf, settings)  # before anything is written to Intacct
        link = self._links.get(self._connection.connection_id, contract.ref)
        if link is not None and link.status == "linked" and link.erp is not None:
            if self._settings.sync_only_once:
                return _outcome(Status.SYNCED_ONCE, contract.key, link.erp.ref.record_id)
            return self._create_missing_lines(contract, link, Status.SYNCED, settings)
        named = contract.get("Intacct_Contract_ID__c")
        if named and link is None:
            return self._link_existing(contract, str(named))
        return self._create(contract, link, settings)

    # -- linking to an existing Intacct contract -----------------------------------------

    def _link_existing(self, contract: SourceRecord, intacct_id: str) -> WorkflowOutcome:
        existing = self._intacct.fetch("CONTRACT", intacct_id, ["CONTRACTID", "CUSTOMERID"])
        if existing is None:
            raise ValidationFailedError(say(Msg.CONTRACT_MISSING_IN_ERP, contract=intacct_id))
        self._links.save(
            SyncLink(
                connection_id=self._connection.connection_id,
                mapping="contract",
                crm=SideState(ref=contract.ref),
                erp=SideState(ref=existing.ref, internal_id=existing.internal_id),
            )
        )
        return _outcome(Status.LINKED, contract.key, existing.key)

    # -- creating ------------------------------------------------------------------------

    def _create(
        self, contract: SourceRecord, pending: SyncLink | None, settings: ContractSettings
    ) -> WorkflowOutcome:
        opportunity = self._opportunity(contract)
        lines = self._lines(opportunity) if opportunity else []
        items = self._items(lines)
        customer_id = self._customer(str(contract.get("AccountId")))
        end = cf.contract_end(contract.fields)
        if not contract.get("StartDate") or end is None:
            raise ValidationFailedError(say(Msg.CONTRACT_NEEDS_DATES))
        if pending is None:
            pending = self._links.save(
                SyncLink(
                    connection_id=self._connection.connection_id,
                    mapping="contract",
                    status="pending",
                    crm=SideState(ref=contract.ref),
                )
            )
        header = cf.header(contract.fields, customer_id, end, settings)
        result = self._intacct.create(
            "CONTRACT",
            header,
            idempotency_key=_key(self._connection, contract.key, "header"),
            external_key=("NAME", header["NAME"]),
        )
        erp_ref = RecordRef(system=ERP, object="CONTRACT", record_id=result.key)
        linked = self._links.save(
            pending.model_copy(
                update={
                    "status": "linked",
                    "erp": SideState(ref=erp_ref, internal_id=result.internal_id),
                }
            )
        )
        count(self._metrics, BusinessMetric.CONTRACT_CREATED)
        return self._create_missing_lines(contract, linked, Status.SYNCED, settings, lines, items)

    def _create_missing_lines(
        self,
        contract: SourceRecord,
        link: SyncLink,
        status: str,
        settings: ContractSettings,
        lines: Sequence[Mapping[str, Any]] | None = None,
        items: Mapping[str, str] | None = None,
    ) -> WorkflowOutcome:
        assert link.erp is not None
        intacct_id = link.erp.ref.record_id
        if lines is None:
            opportunity = self._opportunity(contract)
            lines = self._lines(opportunity) if opportunity else []
            items = self._items(lines)
        assert items is not None
        have = {
            str(row.get("MEMO") or "")
            for row in self._intacct.query(
                "CONTRACTDETAIL", ["MEMO"], [Filter("equalto", "CONTRACTID", (intacct_id,))]
            )
        }
        begin = date.fromisoformat(str(contract.get("StartDate"))[:10])
        end = cf.contract_end(contract.fields)
        assert end is not None
        todo = [ln for ln in lines if f"Salesforce line {ln['Id']}" not in have]
        payloads = [
            (
                _key(self._connection, str(ln["Id"]), "line"),
                cf.line(intacct_id, ln, items[str(ln["Id"])], begin, end, settings),
            )
            for ln in todo
        ]
        created = self._intacct.create_many("CONTRACTDETAIL", payloads) if payloads else []
        for ln, result in zip(todo, created, strict=True):
            self._links.save(
                SyncLink(
                    connection_id=self._connection.connection_id,
                    mapping="contract_line",
                    crm=SideState(
                        ref=RecordRef(
                            system=CRM,
                            object="OpportunityLineItem",
                            record_id=str(ln["Id"]),
                        )
                    ),
                    erp=SideState(
                        ref=RecordRef(system=ERP, object="CONTRACTDETAIL", record_id=result.key),
                        internal_id=result.internal_id,
                    ),
                )
            )
        return _outcome(status, contract.key, intacct_id, len(created))

    # -- reading the deal ----------------------------------------------------------------

    def _opportunity(self, contract: SourceRecord) -> dict[str, Any] | None:
        statement = soql.select(
            "Opportunity", cf.OPPORTUNITY_FIELDS, f"ContractId = {soql.quote(contract.key)}"
        )
        found = list(self._sf.query(statement))
        if len(found) > 1:
            ids = ", ".join(str(o["Id"]) for o in found)
            raise ValidationFailedError(
                say(Msg.CONTRACT_MANY_OPPORTUNITIES, count=len(found), ids=ids)
            )
        if not found:
            return None  # a historical contract: header only
        opportunity = found[0]
        allowed = self._settings.record_type
        if allowed not in (
            opportunity.get("RecordType.DeveloperName"),
            opportunity.get("RecordType.Name"),
        ):
            kind = opportunity.get("RecordType.Name") or "no record type"
            raise ValidationFailedError(
                say(
                    Msg.OPPORTUNITY_WRONG_RECORD_TYPE,
                    name=opportunity["Name"],
                    id=opportunity["Id"],
                    kind=kind,
                    allowed=allowed,
                    produces="contracts",
                )
            )
        return opportunity

    def _lines(self, opportunity: Mapping[str, Any]) -> list[dict[str, Any]]:
        statement = soql.select(
            "OpportunityLineItem",
            cf.LINE_FIELDS,
            f"OpportunityId = {soql.quote(opportunity['Id'])}",
            "ORDER BY CreatedDate, Id",
        )
        return list(self._sf.query(statement))

    def _items(self, lines: Sequence[Mapping[str, Any]]) -> dict[str, str]:
        """Line id -> Intacct ITEMID: the product's link, its Intacct_Item_ID__c, or the ITEM
        whose ITEMID equals its ProductCode. Products with none are refused by name."""
        chosen: dict[str, str] = {}
        by_code: dict[str, list[str]] = {}
        for ln in lines:
            product_ref = RecordRef(system=CRM, object="Product2", record_id=str(ln["Product2Id"]))
            link = self._links.get(self._connection.connection_id, product_ref)
            named = ln.get("Product2.Intacct_Item_ID__c")
            if link is not None and link.erp is not None:
                chosen[str(ln["Id"])] = link.erp.ref.record_id
            elif named:
                chosen[str(ln["Id"])] = str(named)
            elif ln.get("Product2.ProductCode"):
                by_code.setdefault(str(ln["Product2.ProductCode"]), []).append(str(ln["Id"]))
        if by_code:
            rows = self._intacct.query(
                "ITEM", ["ITEMID"], [Filter("in", "ITEMID", tuple(sorted(by_code)))]
            )
            for row in rows:
                for line_id in by_code.get(str(row["ITEMID"]), []):
                    chosen[line_id] = str(row["ITEMID"])
        missing = [ln for ln in lines if str(ln["Id"]) not in chosen]
        if missing:
            names = "; ".join(
                f"product '{ln.get('Product2.Name')}' ({ln['Product2Id']}, code "
                f"{ln.get('Product2.ProductCode') or 'none'})"
                for ln in missing
            )
            raise ValidationFailedError(say(Msg.PRODUCTS_WITHOUT_ITEM, products=names))
        return chosen

    # -- showing the outcome in Salesforce -----------------------------------------------

    def _show(
        self, contract: SourceRecord, status: str, error: str, intacct_id: str | None = None
    ) -> None:
        fields: dict[str, Any] = {
            "Intacct_Sync_Status__c": status,
            "Intacct_Sync_Error__c": error[:32000] or None,
            "Intacct_Last_Sync__c": format_timestamp(datetime.now(UTC)),
        }
        if intacct_id:
            fields["Intacct_Contract_ID__c"] = intacct_id
        self._sf.update("Contract", contract.key, fields, idempotency_key="-")


def _key(connection: SalesforceIntacctConnection, record_id: str, part: str) -> str:
    basis = f"{connection.connection_id}|contract|{record_id}|{part}"
    return hashlib.sha256(basis.encode()).hexdigest()[:32]
