"""A Salesforce REST API emulator (WSGI) for tests and the sandbox."""

from sandbox.emulators.sfdc.emulator import SalesforceEmulator
from sandbox.emulators.sfdc.outbound import build_outbound_envelope

__all__ = ["SalesforceEmulator", "build_outbound_envelope"]
