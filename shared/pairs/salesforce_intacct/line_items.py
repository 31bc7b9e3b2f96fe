"""The Intacct item of each opportunity product, as contracts and sales transactions find it:
the product's link, else its ``Intacct_Item_ID__c``, else the ITEM whose ITEMID equals its
ProductCode (one query for all codes). Products with none are refused by name."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from shared.connectors.intacct.connector import Filter, IntacctConnector
from shared.errors import ValidationFailedError
from shared.messages import Msg, say
from shared.models.events import RecordRef
from shared.state.links import LinkStore

CRM = "salesforce"


def intacct_items(
    links: LinkStore,
    connection_id: str,
    intacct: IntacctConnector,
    lines: Sequence[Mapping[str, Any]],
) -> dict[str, str]:
    """Line id -> Intacct ITEMID."""
    chosen: dict[str, str] = {}
    by_code: dict[str, list[str]] = {}
    for ln in lines:
        product_ref = RecordRef(system=CRM, object="Product2", record_id=str(ln["Product2Id"]))
        link = links.get(connection_id, product_ref)
        named = ln.get("Product2.Intacct_Item_ID__c")
        if link is not None and link.erp is not None:
            chosen[str(ln["Id"])] = link.erp.ref.record_id
        elif named:
            chosen[str(ln["Id"])] = str(named)
        elif ln.get("Product2.ProductCode"):
            by_code.setdefault(str(ln["Product2.ProductCode"]), []).append(str(ln["Id"]))
    if by_code:
        rows = intacct.query("ITEM", ["ITEMID"], [Filter("in", "ITEMID", tuple(sorted(by_code)))])
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
