"""One package per external system, all behind the Connector protocol in base.py."""
