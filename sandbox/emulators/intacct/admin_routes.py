"""Intacct's own endpoint beside the common admin API (:mod:`sandbox.emulators.admin`).

``POST /__admin__/billing-run`` ``{"as_of": "YYYY-MM-DD", "company_id": optional}`` runs
contract billing -> ``{"invoices": [SODOCUMENT RECORDNO, …]}``.

``POST /__admin__/convert`` ``{"docid": "Sales Order-SO0001", "to": "Sales Invoice",
"on": "YYYY-MM-DD"}`` converts a sales document as finance does in the UI -> ``{"docid": …}``.

``POST /__admin__/ar-payment`` ``{"invoice": ARINVOICE RECORDNO, "amount": "100.00", "on":
"YYYY-MM-DD"}`` records a customer payment applied to that invoice -> ``{"payment": …}``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from werkzeug.wrappers import Request

from sandbox.emulators.admin import AdminReply, AdminRoute, bad_request, json_body, not_found

if TYPE_CHECKING:
    from sandbox.emulators.intacct.app import IntacctEmulator


def admin_routes(emulator: IntacctEmulator) -> list[AdminRoute]:
    def billing_run(request: Request) -> AdminReply:
        payload = json_body(request)
        try:
            as_of = date.fromisoformat(str(payload.get("as_of")))
        except ValueError as exc:
            raise bad_request("as_of must be YYYY-MM-DD") from exc
        company_id = payload.get("company_id")
        try:
            invoices = emulator.run_billing(
                as_of, company_id=str(company_id) if company_id else None
            )
        except KeyError as exc:
            raise not_found(f"no company {company_id}") from exc
        return AdminReply({"invoices": invoices})

    def convert(request: Request) -> AdminReply:
        payload = json_body(request)
        try:
            on = date.fromisoformat(str(payload.get("on")))
            docid = emulator.convert(str(payload.get("docid")), str(payload.get("to")), on)
        except KeyError as exc:
            raise not_found(f"no sales document {payload.get('docid')}") from exc
        except ValueError as exc:
            raise bad_request(str(exc)) from exc
        return AdminReply({"docid": docid})

    def ar_payment(request: Request) -> AdminReply:
        payload = json_body(request)
        try:
            on = date.fromisoformat(str(payload.get("on")))
            payment = emulator.apply_payment(
                int(str(payload.get("invoice"))), Decimal(str(payload.get("amount"))), on
            )
        except KeyError as exc:
            raise not_found(f"no AR invoice {payload.get('invoice')}") from exc
        except (ValueError, ArithmeticError) as exc:
            raise bad_request(str(exc)) from exc
        return AdminReply({"payment": payment})

    return [
        AdminRoute("/billing-run", ("POST",), billing_run),
        AdminRoute("/convert", ("POST",), convert),
        AdminRoute("/ar-payment", ("POST",), ar_payment),
    ]
