"""A Sage Intacct XML gateway emulator (WSGI) for tests and the sandbox."""

from sandbox.emulators.intacct_gw.emulator import IntacctEmulator

__all__ = ["IntacctEmulator"]
