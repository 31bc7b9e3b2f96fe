"""System name -> plug-in. Adding a system is a package under shared/connectors/ and one line
in ``BUILTIN``; tests register their own fakes with :func:`register`.

Built-in plug-ins are imported on first use, so a function loads only the systems its
connections use.
"""

from __future__ import annotations

import importlib

from shared.connectors.plugin import SystemPlugin
from shared.errors import ConfigurationError

BUILTIN: dict[str, str] = {
    "salesforce": "shared.connectors.salesforce",
    "intacct": "shared.connectors.intacct",
    "zoho_crm": "shared.connectors.zoho_crm",
    "zoho_books": "shared.connectors.zoho_books",
}

_plugins: dict[str, SystemPlugin] = {}


class UnknownSystemError(ConfigurationError):
    """No plug-in is registered under that system name."""


def register(plugin: SystemPlugin) -> None:
    _plugins[plugin.name] = plugin


def unregister(name: str) -> None:
    _plugins.pop(name, None)


def system(name: str) -> SystemPlugin:
    plugin = _plugins.get(name)
    if plugin is not None:
        return plugin
    module = BUILTIN.get(name)
    if module is None:
        known = ", ".join(names())
        raise UnknownSystemError(f"unknown system '{name}' (known: {known})")
    loaded: SystemPlugin = importlib.import_module(module).PLUGIN
    _plugins[name] = loaded
    return loaded


def names() -> list[str]:
    return sorted({*BUILTIN, *_plugins})
