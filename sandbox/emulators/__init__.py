"""Emulators of the vendors' APIs, each a WSGI app over an in-memory store.

All share one shape: :mod:`protocol` (what every emulator offers, provisioning included),
:mod:`admin` (one admin API under ``/__admin__/`` with one answer format), :mod:`faults`
(one fault dispatcher; each emulator supplies only how its wire shows a fault) and
:mod:`common` (the call log). One package per system: ``salesforce``, ``intacct``.
"""
