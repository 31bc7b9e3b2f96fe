"""Salesforce edits of the sales-document mirror fields a connection made Salesforce's
(:mod:`sales_mirror_fields`) reaching the Intacct documents.

Each run reads, per document mirror object, the records changed in Salesforce since its
cursor (``SystemModstamp``, overlapping as the pollers do), reads the Intacct documents
they name in one ``query``, and sends one ``update_sotransaction`` per document whose
Salesforce value differs from Intacct's — all in one request (each function answered on
its own). The controlid is derived from the document, the Salesforce version and the
values, so a retried request whose answer was lost updates nothing twice. A document
Intacct no longer lets change (converted, partially converted, in progress) is left as
Intacct has it. With no such override, nothing is read: edits of the mirrors never reach
Intacct.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import timedelta
from typing import Any
from xml.etree.ElementTree import Element, SubElement

from shared.connectors.intacct.connector import Filter, IntacctConnector
from shared.connectors.salesforce.connector import SalesforceConnector
from shared.errors import RetryableError
from shared.mapping.fields import FieldMap, ObjectMapping
from shared.mapping.transforms import date_to_iso, text
from shared.models.connection import Connection
from shared.models.records import SourceRecord
from shared.pairs.salesforce_intacct import windows
from shared.pairs.salesforce_intacct.sales_mirror_fields import UPDATE_ELEMENTS, from_crm
from shared.state.cursors import CursorStore

CRM_SYSTEM = "salesforce-sales-mirror"  # the cursors of the Salesforce side
LOCKED = ("In Progress", "Converted", "Partially Converted")
KEY = "Intacct_Document_ID__c"


def same(field: FieldMap, crm_value: Any, erp_value: Any) -> bool:
    """Whether Salesforce's value of a mirror field is Intacct's (dates in either form)."""
    if field.to_erp == "date_to_mdy":
        return date_to_iso(crm_value) == date_to_iso(erp_value)
    return text(crm_value) == text(erp_value)


def update_body(docid: str, changes: Sequence[tuple[FieldMap, Any]]) -> Element:
    """``update_sotransaction`` of the changed header fields (developer.intacct.com "Order
    Entry Transactions", "Update Order Entry Transaction (Legacy)")."""
    body = Element("update_sotransaction", key=docid)
    for field, value in changes:
        tag = UPDATE_ELEMENTS[str(field.erp)]
        node = SubElement(body, tag)
        iso = date_to_iso(value) if field.to_erp == "date_to_mdy" else None
        if iso:
            year, month, day = iso.split("-")
            SubElement(node, "year").text = year
            SubElement(node, "month").text = month
            SubElement(node, "day").text = day
        elif field.to_erp != "date_to_mdy":
            node.text = text(value) or ""
    return body


class MirrorEdits:
    def __init__(
        self,
        connection: Connection,
        sf: SalesforceConnector,
        intacct: IntacctConnector,
        cursors: CursorStore,
        mapping: ObjectMapping,
    ) -> None:
        self._connection = connection
        self._sf = sf
        self._intacct = intacct
        self._cursors = cursors
        self._fields = from_crm(mapping)

    def run(self, sobjects: Sequence[str]) -> int:
        if not self._fields:
            return 0
        return sum(self._object(sobject) for sobject in sobjects)

    def _object(self, sobject: str) -> int:
        conn_id = self._connection.connection_id
        overlap = timedelta(seconds=self._connection.poll_overlap_s)
        names = [KEY, *(str(f.crm) for f in self._fields)]
        window = windows.read(
            self._cursors,
            conn_id,
            CRM_SYSTEM,
            sobject,
            overlap,
            lambda since: self._sf.changed_since(
                sobject, since, names, self._connection.poll_page_size
            ),
        )
        fresh = [r for r in window.fresh if r.get(KEY)]
        updates, owners = self._updates(fresh)
        answers = self._intacct.update_legacy_many(updates) if updates else []
        again = [
            record
            for record, answer in zip(owners, answers, strict=True)
            if isinstance(answer, RetryableError)
        ]
        windows.commit(self._cursors, conn_id, window, overlap, not_written=again)
        return sum(1 for answer in answers if answer is None)

    def _updates(
        self, records: Sequence[SourceRecord]
    ) -> tuple[list[tuple[str, Element]], list[SourceRecord]]:
        if not records:
            return [], []
        docids = tuple(sorted({str(r.get(KEY)) for r in records}))
        rows = self._intacct.query(
            "SODOCUMENT",
            ["DOCID", "STATE", *(str(f.erp) for f in self._fields)],
            [Filter("in", "DOCID", docids)],
            page_size=len(docids),
        )
        documents = {str(row["DOCID"]): row for row in rows}
        updates: list[tuple[str, Element]] = []
        owners: list[SourceRecord] = []
        for record in records:
            docid = str(record.get(KEY))
            document = documents.get(docid)
            if document is None or document.get("STATE") in LOCKED:
                continue
            changes = [
                (f, record.get(str(f.crm)))
                for f in self._fields
                if not same(f, record.get(str(f.crm)), document.get(str(f.erp)))
            ]
            if not changes:
                continue  # our own write, or an edit Intacct has already
            basis = "|".join(
                [self._connection.connection_id, docid, str(record.modified_at)]
                + [f"{f.erp}={text(v)}" for f, v in changes]
            )
            key = hashlib.sha256(basis.encode()).hexdigest()[:32]
            updates.append((key, update_body(docid, changes)))
            owners.append(record)
        return updates, owners
