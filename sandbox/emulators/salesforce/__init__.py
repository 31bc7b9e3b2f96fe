"""A Salesforce REST API emulator (WSGI) over an in-memory org, for tests and the sandbox.

Modules: ``emulator`` (public face), ``app`` (routing, sessions, faults), ``oauth``,
``sobjects_api`` / ``query_api`` / ``collections_api`` / ``composite_api`` / ``bulk_api`` /
``admin_api`` (resources), ``bulk_jobs`` + ``bulk_values`` + ``csv_wire`` (Bulk API 2.0 jobs),
``store`` + ``rules`` (records and platform behaviour), ``schema`` + ``objects`` (declared
sObjects), ``soql`` + ``query`` (SOQL), ``render`` / ``values`` / ``clock`` / ``wire`` (wire
formats), ``outbound`` (outbound messages), ``ids``, ``errors``.
"""

from sandbox.emulators.salesforce.emulator import SalesforceEmulator
from sandbox.emulators.salesforce.outbound import Notification, build_outbound_envelope

__all__ = ["Notification", "SalesforceEmulator", "build_outbound_envelope"]
