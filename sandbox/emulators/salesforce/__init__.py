"""A Salesforce REST API emulator (WSGI) over an in-memory org, for tests and the sandbox.

Modules: ``emulator`` (public face), ``app`` (routing, sessions, faults), ``oauth``,
``sobjects_api`` / ``query_api`` / ``collections_api`` (resources), ``admin_routes`` (its own
admin endpoints beside :mod:`sandbox.emulators.admin`),
``store`` + ``rules`` (records and platform behaviour), ``schema`` + ``objects`` (declared
sObjects), ``soql`` + ``query`` (SOQL), ``render`` / ``values`` / ``clock`` / ``wire`` (wire
formats), ``outbound`` (outbound messages), ``ids``, ``errors``.
"""

from sandbox.emulators.salesforce.emulator import SalesforceEmulator
from sandbox.emulators.salesforce.outbound import Notification, build_outbound_envelope

__all__ = ["Notification", "SalesforceEmulator", "build_outbound_envelope"]
