"""A Zoho API client as a developer writes one from the docs: the refresh-token grant at the
accounts server the side names, then the API domain it answers with, the token in the
``Zoho-oauthtoken`` header. The Zoho emulators' wire tests share it."""

from __future__ import annotations

from typing import Any

import httpx

from sandbox.emulators.protocol import ProvisionRequest


def signed_in(emulator: Any, api_path: str, *, organization: bool = False) -> httpx.Client:
    """A client of ``emulator``'s API under ``api_path`` (``/books/v3``, ``/crm/v8``), signed
    in; with ``organization``, every request names the side's organisation (Books)."""
    side = emulator.provision(ProvisionRequest(webhook_url="http://api.test/w"))
    http = httpx.Client(transport=httpx.WSGITransport(app=emulator.wsgi_app))
    token = http.post(
        f"{side.endpoints['accounts_url']}/oauth/v2/token",
        data={
            "refresh_token": side.endpoints["refresh_token"],
            "client_id": side.endpoints["client_id"],
            "client_secret": side.endpoints["client_secret"],
            "grant_type": "refresh_token",
        },
    ).json()
    params = {"organization_id": side.endpoints["organization_id"]} if organization else {}
    return httpx.Client(
        transport=httpx.WSGITransport(app=emulator.wsgi_app),
        base_url=token["api_domain"] + api_path,
        headers={"Authorization": f"Zoho-oauthtoken {token['access_token']}"},
        params=params,
    )
