"""A Salesforce REST API emulator (WSGI) over an in-memory org, for tests and the sandbox.

Modules: ``emulator`` (public face), ``app`` (routing, sessions, faults), ``oauth``,
``sobjects_api`` / ``query_api`` / ``collections_api`` / ``composite_api`` / ``bulk_api``
(resources), ``admin_routes`` (its own admin endpoints beside :mod:`sandbox.emulators.admin`),
``bulk_jobs`` + ``bulk_values`` + ``csv_wire`` (Bulk API 2.0 jobs),
``store`` + ``rules`` (records and platform behaviour), ``schema`` + ``objects`` (declared
sObjects), ``currency`` (multi-currency orgs), ``soql`` (parsing) + ``query`` (running,
subqueries, paging) + ``conditions`` + ``ordering`` + ``aggregates`` + ``date_literals``
(SOQL), ``describe`` (describe and /limits), ``render`` / ``values`` / ``clock`` / ``wire``
(wire formats), ``outbound`` (outbound messages), ``ids``, ``errors``.

Where it departs from Salesforce on purpose:

- The org runs in UTC: date literals (``TODAY``, ``THIS_WEEK``...) are UTC days, weeks
  start on Sunday, and the fiscal year is the calendar year.
- SOQL: no semi-joins (``IN (SELECT ...)``), ``TYPEOF``, ``FORMAT()``,
  ``convertCurrency()``, date functions (``CALENDAR_YEAR()``...) or ``GROUP BY ROLLUP|CUBE``;
  subqueries go one level down; aggregate results are never paged (the platform refuses
  query locators for them too).
- describe covers what the emulator has: no layouts, quick actions or list views behind
  the URLs it names; ``/limits`` answers a Developer Edition's allocations, counting only
  the API calls served and the usage the org is told of (``Org.count_usage``).
- Multi-currency: the corporate currency is fixed at creation (``multi_currency=True,
  corporate_currency="USD"``); changing a record's currency does not convert its amounts;
  no dated exchange rates; the ``IsoCode`` picklist holds common ISO 4217 codes only.
"""

from sandbox.emulators.salesforce.emulator import SalesforceEmulator
from sandbox.emulators.salesforce.outbound import Notification, build_outbound_envelope

__all__ = ["Notification", "SalesforceEmulator", "build_outbound_envelope"]
