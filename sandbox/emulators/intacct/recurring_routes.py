"""Intacct's recurring-transaction endpoints beside the common admin API, for the demo and
tests (what finance does in the UI, and the scheduler's run; :mod:`recurring_documents`).

``POST /__admin__/convert-recurring`` ``{"docid": "Sales Order-SO0001", "to": "Sales
Invoice", "start": "YYYY-MM-DD", "repeat_by": "Months", "interval": 1, "occurrences": 12}``
(``occurrences`` null: never ends) -> ``{"recurring": SORECURDOCUMENT RECORDNO}``.

``POST /__admin__/recurring-run`` ``{"as_of": "YYYY-MM-DD"}`` creates every document the
schedules owe up to that day -> ``{"documents": [DOCID, …]}``.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from werkzeug.wrappers import Request

from sandbox.emulators.admin import AdminReply, AdminRoute, bad_request, json_body, not_found

if TYPE_CHECKING:
    from sandbox.emulators.intacct.app import IntacctEmulator


def recurring_routes(emulator: IntacctEmulator) -> list[AdminRoute]:
    def convert(request: Request) -> AdminReply:
        payload = json_body(request)
        occurrences = payload.get("occurrences")
        try:
            recordno = emulator.convert_to_recurring(
                str(payload.get("docid")),
                str(payload.get("to") or "Sales Invoice"),
                date.fromisoformat(str(payload.get("start"))),
                repeat_by=str(payload.get("repeat_by") or "Months"),
                interval=int(str(payload.get("interval") or 1)),
                occurrences=int(str(occurrences)) if occurrences is not None else None,
            )
        except KeyError as exc:
            raise not_found(f"no sales document {payload.get('docid')}") from exc
        except ValueError as exc:
            raise bad_request(str(exc)) from exc
        return AdminReply({"recurring": recordno})

    def run(request: Request) -> AdminReply:
        payload = json_body(request)
        try:
            as_of = date.fromisoformat(str(payload.get("as_of")))
        except ValueError as exc:
            raise bad_request("as_of must be YYYY-MM-DD") from exc
        return AdminReply({"documents": emulator.run_recurring(as_of)})

    return [
        AdminRoute("/convert-recurring", ("POST",), convert),
        AdminRoute("/recurring-run", ("POST",), run),
    ]
