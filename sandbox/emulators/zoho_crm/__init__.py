"""A Zoho CRM REST API v8 emulator (WSGI) with its accounts server, for tests and the sandbox.

Built from Zoho's documentation: "OAuth Authentication" and Zoho Accounts "Access Token
Expiry" (the refresh-token grant, :mod:`sandbox.emulators.zoho_accounts`); "Get Records",
"Insert / Update / Upsert Records" and Kaizen #56 (upsert, ``duplicate_check_fields``,
``trigger``), "Search Records", "Query API - An Overview" and Kaizen #171/#183 (COQL),
"Notification API" ("Enable / Update / Disable Notifications"), "Status Codes" (error
shapes) and Kaizen #203 (limits: 100 records per write, ``TOO_MANY_REQUESTS``).

Modules: ``app`` (routing, auth, faults, the emulator), ``records`` (store, write rules and
per-record answers), ``modules`` (module and field definitions), ``coql``, ``search``,
``notifications``.
"""

from sandbox.emulators.zoho_crm.app import ZohoCrmEmulator

__all__ = ["ZohoCrmEmulator"]
