"""Intacct's view of contracts, flowing back read-only: Intacct contracts, contract lines
and contract invoices become Salesforce custom objects (Intacct_Contract__c,
Intacct_Contract_Line__c, Intacct_Contract_Invoice__c), upserted on their external-id field.

Only ledgerlink writes these objects, from Intacct data, on its schedule; it never reads them
to write anything to Intacct. Only contracts linked to a Salesforce contract are mirrored.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from shared.connectors.intacct.connector import Filter, IntacctConnector
from shared.connectors.salesforce import soql
from shared.connectors.salesforce.connector import SalesforceConnector, format_timestamp
from shared.mapping.transforms import date_to_iso
from shared.models.events import RecordRef
from shared.models.records import SourceRecord
from shared.observability import BusinessMetric, count
from shared.pairs.plugin import PairContext
from shared.pairs.salesforce_intacct.connection import SalesforceIntacctConnection

MIRROR_SYSTEM = "intacct-mirror"


def _money(value: Any) -> Decimal | None:
    return Decimal(str(value)) if value not in (None, "") else None


@dataclass(frozen=True)
class MirrorContext:
    """What a mirror row may refer to: the Salesforce ids of related records."""

    salesforce_contract: str | None
    salesforce_account: str | None
    mirror_contract: str | None  # the Intacct_Contract__c record id


@dataclass(frozen=True)
class MirrorSpec:
    intacct_object: str
    fields: tuple[str, ...]
    contract_field: str  # the Intacct field naming the contract
    sobject: str
    external_id_field: str
    key: Callable[[Mapping[str, Any]], str]
    to_salesforce: Callable[[Mapping[str, Any], MirrorContext], dict[str, Any]]
    where: tuple[Filter, ...] = ()
    # Fields read from a related Intacct record: (object, key field in this row, fields).
    related: tuple[str, str, tuple[str, ...]] | None = None


def _contract_row(row: Mapping[str, Any], ctx: MirrorContext) -> dict[str, Any]:
    return {
        "Name": f"{row['CONTRACTID']} {row.get('NAME') or ''}".strip()[:80],
        "Contract__c": ctx.salesforce_contract,
        "Account__c": ctx.salesforce_account,
        "State__c": row.get("STATE"),
        "Begin_Date__c": date_to_iso(row.get("BEGINDATE")),
        "End_Date__c": date_to_iso(row.get("ENDDATE")),
        "Billing_Frequency__c": row.get("BILLINGFREQUENCY"),
        "Currency__c": row.get("CURRENCY"),
        "Last_Synced__c": format_timestamp(datetime.now(UTC)),
    }


def _line_row(row: Mapping[str, Any], ctx: MirrorContext) -> dict[str, Any]:
    quantity = _money(row.get("QUANTITY"))
    price = _money(row.get("PRICE"))
    flat = _money(row.get("FLATAMOUNT"))
    amount = flat if flat is not None else (quantity or 0) * (price or 0)
    return {
        "Name": f"{row['CONTRACTID']} line {row.get('LINENO') or row['RECORDNO']}"[:80],
        "Intacct_Contract__c": ctx.mirror_contract,
        "Item_ID__c": row.get("ITEMID"),
        "Quantity__c": quantity,
        "Price__c": price,
        "Amount__c": amount,
        "Begin_Date__c": date_to_iso(row.get("BEGINDATE")),
        "End_Date__c": date_to_iso(row.get("ENDDATE")),
        "Billing_Method__c": row.get("BILLINGMETHOD"),
        "State__c": row.get("STATE"),
    }


CONTRACTS = MirrorSpec(
    intacct_object="CONTRACT",
    fields=(
        "CONTRACTID",
        "NAME",
        "CUSTOMERID",
        "STATE",
        "BEGINDATE",
        "ENDDATE",
        "BILLINGFREQUENCY",
        "CURRENCY",
    ),
    contract_field="CONTRACTID",
    sobject="Intacct_Contract__c",
    external_id_field="Intacct_Contract_ID__c",
    key=lambda row: str(row["CONTRACTID"]),
    to_salesforce=_contract_row,
)
LINES = MirrorSpec(
    intacct_object="CONTRACTDETAIL",
    fields=(
        "RECORDNO",
        "CONTRACTID",
        "LINENO",
        "ITEMID",
        "QUANTITY",
        "PRICE",
        "FLATAMOUNT",
        "BEGINDATE",
        "ENDDATE",
        "BILLINGMETHOD",
        "STATE",
    ),
    contract_field="CONTRACTID",
    sobject="Intacct_Contract_Line__c",
    external_id_field="Intacct_Line_Key__c",
    key=lambda row: str(row["RECORDNO"]),
    to_salesforce=_line_row,
)


def _invoice_row(row: Mapping[str, Any], ctx: MirrorContext) -> dict[str, Any]:
    number = str(row.get("DOCID") or row["RECORDNO"]).removeprefix("Contract Invoice-")
    return {
        "Name": number[:80],
        "Intacct_Contract__c": ctx.mirror_contract,
        "Invoice_Number__c": number,
        "Invoice_Date__c": date_to_iso(row.get("WHENCREATED")),
        "Due_Date__c": date_to_iso(row.get("WHENDUE")),
        "Total_Amount__c": _money(row.get("TOTAL")),
        "Total_Due__c": _money(row.get("related.TOTALDUE")),
        "State__c": row.get("STATE"),
    }


# Contract billing produces Order Entry "Contract Invoice" documents (SODOCUMENT) whose AR
# invoice (PRRECORDKEY) carries what is still due.
INVOICES = MirrorSpec(
    intacct_object="SODOCUMENT",
    fields=(
        "RECORDNO",
        "DOCID",
        "CONTRACTID",
        "WHENCREATED",
        "WHENDUE",
        "TOTAL",
        "STATE",
        "PRRECORDKEY",
    ),
    contract_field="CONTRACTID",
    sobject="Intacct_Contract_Invoice__c",
    external_id_field="Intacct_Invoice_Key__c",
    key=lambda row: str(row["RECORDNO"]),
    to_salesforce=_invoice_row,
    where=(Filter("equalto", "DOCPARID", ("Contract Invoice",)),),
    related=("ARINVOICE", "PRRECORDKEY", ("TOTALDUE",)),
)
ALL_MIRRORS = (CONTRACTS, LINES, INVOICES)


def mirror_to_crm(ctx: PairContext) -> dict[str, int] | None:
    """The pair's scheduled mirror job: contracts, lines and invoices into Salesforce."""
    connection = ctx.connection
    assert isinstance(connection, SalesforceIntacctConnection)
    if not connection.contracts.enabled:
        return None
    return ContractMirror(ctx, ALL_MIRRORS).run()


class ContractMirror:
    def __init__(self, ctx: PairContext, specs: tuple[MirrorSpec, ...]) -> None:
        assert isinstance(ctx.crm, SalesforceConnector)
        assert isinstance(ctx.erp, IntacctConnector)
        self._connection = ctx.connection
        self._sf = ctx.crm
        self._intacct = ctx.erp
        self._links = ctx.links
        self._cursors = ctx.cursors
        self._metrics = ctx.metrics
        self._specs = specs
        self._mirror_ids: dict[str, str] = {}

    def run(self) -> dict[str, int]:
        return {spec.sobject: self._mirror(spec) for spec in self._specs}

    def _mirror(self, spec: MirrorSpec) -> int:
        conn_id = self._connection.connection_id
        cursor = self._cursors.get(conn_id, MIRROR_SYSTEM, spec.intacct_object)
        overlap = timedelta(seconds=self._connection.poll_overlap_s)
        since = cursor.since - overlap if cursor.since else None
        newest = cursor.since
        written = 0
        for record in self._intacct.changed_since(
            spec.intacct_object,
            since,
            spec.fields,
            self._connection.poll_page_size,
            where=spec.where,
        ):
            if record.modified_at and (newest is None or record.modified_at > newest):
                newest = record.modified_at
            context = self._context(str(record.get(spec.contract_field) or ""))
            if context is None:
                continue  # not a contract ledgerlink created or linked
            self._upsert(spec, record, context)
            written += 1
        if newest is not None and newest != cursor.since:
            self._cursors.put(
                conn_id,
                MIRROR_SYSTEM,
                spec.intacct_object,
                cursor.model_copy(update={"since": newest}),
            )
        count(self._metrics, BusinessMetric.MIRROR_WRITTEN, written)
        if spec is INVOICES:
            count(self._metrics, BusinessMetric.INVOICE_PUSHED, written)
        return written

    def _context(self, contract_id: str) -> MirrorContext | None:
        if not contract_id:
            return None
        ref = RecordRef(system="intacct", object="CONTRACT", record_id=contract_id)
        link = self._links.get(self._connection.connection_id, ref)
        if link is None or link.crm is None:
            return None
        contract = self._sf.fetch("Contract", link.crm.ref.record_id, ["AccountId"])
        return MirrorContext(
            salesforce_contract=link.crm.ref.record_id,
            salesforce_account=str(contract.get("AccountId")) if contract else None,
            mirror_contract=self._mirror_ids.get(contract_id) or self._find_mirror(contract_id),
        )

    def _find_mirror(self, contract_id: str) -> str | None:
        rows = self._sf.query(
            soql.select(
                "Intacct_Contract__c", ["Id"], f"Intacct_Contract_ID__c = {soql.quote(contract_id)}"
            )
        )
        for row in rows:
            self._mirror_ids[contract_id] = str(row["Id"])
            return str(row["Id"])
        return None

    def _upsert(self, spec: MirrorSpec, record: SourceRecord, context: MirrorContext) -> None:
        key = spec.key(record.fields)
        row = dict(record.fields)
        if spec.related is not None:
            obj, key_field, names = spec.related
            related_key = row.get(key_field)
            found = self._intacct.fetch(obj, str(related_key), names) if related_key else None
            for name in names:
                row[f"related.{name}"] = found.get(name) if found else None
        body = spec.to_salesforce(row, context)
        result = self._sf.create(
            spec.sobject,
            body,
            idempotency_key=key,
            external_key=(spec.external_id_field, key),
        )
        if spec is CONTRACTS:
            self._mirror_ids[key] = result.key
