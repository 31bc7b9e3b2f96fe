"""A project's "View Project" link in Salesforce (``Intacct_Project__c.View_Project__c``).

Intacct's own package does not store Intacct's URL on each Salesforce project: "From a
Salesforce project record, select View Project to open the corresponding project in Intacct"
(Sage Intacct Help, "Salesforce integration: projects and tasks"), a link composed from the
project's key. Intacct's ``RECORD_URL`` is computed by Intacct and not answered by ``create``
(developer.intacct.com "XML Responses": a create answers RECORDNO and the key only), so
storing it would cost one billed ``query`` per batch of creates. Instead the link points at
ledgerlink's API (``GET /open/<connection_id>/project/<RECORDNO>?sig=``,
:mod:`shared.ingest.record_links`), is composed from the RECORDNO the create answers and
signed with the connection's action secret; following it reads the project's RECORD_URL
then (one function per click) and redirects there.

The link is made where a project's other ERP-to-CRM values are: in the key write-back of a
project made in Salesforce (its RECORDNO is what Intacct assigned, so the engine writes it
with the Intacct key in the same request) and in the create of a project made in Intacct.
It needs the API's base URL (``projects.api_url``) and the connection's secret: the
connection's mapping names a compute of its own for it (:func:`view_link_field`), which
reads the secret when a link is made (cached with the connection's secret, shared/state).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from typing import Any

from shared.ingest import record_links
from shared.mapping.computes import Compute, register_computes
from shared.mapping.fields import Direction, FieldMap, Side
from shared.pairs.plugin import RecordPage

PAGE = "project"
KEY_FIELD = "RECORDNO"  # answered by the create (no read): the link's key
URL_FIELD = "RECORD_URL"  # the project's page in the company's Intacct site
RECORD_PAGES: dict[str, RecordPage] = {
    PAGE: RecordPage(side=Side.ERP, object="PROJECT", key_field=KEY_FIELD, url_field=URL_FIELD)
}
NO_LINK = "project_view_link"  # the default mapping's compute: no API URL, no link

# connection id -> its action secret (current); tests give their own
ActionSecret = Callable[[str], str]


def _stored_action_secret(connection_id: str) -> str:
    from shared.runtime import get_runtime  # the runtime builds pairs: imported when used

    return get_runtime().secrets.get(connection_id).action_secret.get_secret_value()


action_secret: ActionSecret = _stored_action_secret
_computes: dict[str, Compute] = {}


def _key(fields: Mapping[str, Any]) -> str | None:
    value = fields.get(KEY_FIELD)
    return None if value in (None, "") else str(value)


def view_link(api_url: str, connection_id: str, fields: Mapping[str, Any]) -> str | None:
    """The project's link through the API at ``api_url`` (None before Intacct numbered it)."""
    key = _key(fields)
    if key is None:
        return None
    secret = action_secret(connection_id)
    return record_links.compose(api_url, secret, connection_id, PAGE, key)


def _link_compute(api_url: str, connection_id: str) -> str:
    """The name of the compute making ``connection_id``'s links to ``api_url``, registered
    once per connection and URL."""
    digest = hashlib.sha256(api_url.encode()).hexdigest()[:12]
    name = f"{NO_LINK}:{connection_id}:{digest}"
    if name not in _computes:
        compute = Compute((KEY_FIELD,), lambda f: view_link(api_url, connection_id, f))
        register_computes({name: compute})
        _computes[name] = compute
    return name


def view_link_field(connection_id: str, api_url: str | None) -> FieldMap:
    """``View_Project__c`` as ``connection_id`` fills it: its link, or nothing without an
    API URL."""
    compute = _link_compute(str(api_url), connection_id) if api_url else NO_LINK
    return FieldMap(crm="View_Project__c", direction=Direction.ERP_TO_CRM, compute_for_crm=compute)


COMPUTES: dict[str, Compute] = {NO_LINK: Compute((KEY_FIELD,), lambda f: None)}
register_computes(COMPUTES)
VIEW_LINK = view_link_field("", None)  # the default mapping's field
