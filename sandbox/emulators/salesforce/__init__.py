"""A Salesforce REST API emulator (WSGI) for tests and the sandbox."""

from sandbox.emulators.salesforce.emulator import SalesforceEmulator
from sandbox.emulators.salesforce.outbound import build_outbound_envelope

__all__ = ["SalesforceEmulator", "build_outbound_envelope"]
