"""Emulators of the vendors' APIs, each a WSGI app over an in-memory store."""
