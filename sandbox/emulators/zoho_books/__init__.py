"""A Zoho Books API v3 emulator (WSGI) with its accounts server, for tests and the sandbox.

Built from Zoho's documentation: Zoho Books API v3 "Introduction" (``organization_id`` on
every call, ``GET /organizations``), "Contacts", "Contact Persons", "Items", "Pagination"
(``page_context``), "Errors" (``{"code", "message"}``, code 0 = success, HTTP 4xx with a
non-zero code) and "API Call Limit" (100 requests a minute per organisation), and Zoho
Accounts "Access Token Expiry" (:mod:`sandbox.emulators.zoho_accounts`).

Modules: ``app`` (routing, auth, organisations, the rate limit, faults), ``store`` (records,
their rules and errors).
"""

from sandbox.emulators.zoho_books.app import ZohoBooksEmulator

__all__ = ["ZohoBooksEmulator"]
