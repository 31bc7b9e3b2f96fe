"""The ``reference_number`` that ties a Books estimate, sales order or invoice to its CRM deal.

A document a deal trigger made carries ``CRM-DEAL-<deal id>`` (one per deal and kind: it is
looked up before a create, so a repeated request or a lost answer never makes a second); one
a CRM user's press made carries ``CRM-DEAL-<deal id>-<press>`` (one per press). All of a
deal's documents are found by the prefix (Books' ``reference_number_startswith``);
:func:`deal_of` reads the deal back out of a reference (for whatever shows documents on
their deal).
"""

from __future__ import annotations

import re

PREFIX = "CRM-DEAL-"
PRESS_CHARS = 12
_REFERENCE = re.compile(rf"^{PREFIX}(\d+)(?:-[0-9a-f]{{{PRESS_CHARS}}})?$")


def deal_reference(deal_id: str) -> str:
    """The trigger's reference, and the prefix of every reference of the deal."""
    return f"{PREFIX}{deal_id}"


def press_reference(deal_id: str, press: str) -> str:
    return f"{PREFIX}{deal_id}-{press[:PRESS_CHARS]}"


def deal_of(reference: str) -> str | None:
    """The deal id a reference names, or None when it is not one of ours."""
    found = _REFERENCE.match(reference)
    return found.group(1) if found else None
