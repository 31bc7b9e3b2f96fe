"""Intacct's own endpoint beside the common admin API (:mod:`sandbox.emulators.admin`).

``POST /__admin__/billing-run`` ``{"as_of": "YYYY-MM-DD", "company_id": optional}`` runs
contract billing -> ``{"invoices": [SODOCUMENT RECORDNO, …]}``.
"""

from __future__ import annotations

from datetime import date
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

    return [AdminRoute("/billing-run", ("POST",), billing_run)]
