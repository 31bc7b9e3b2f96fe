"""Shared helpers for the Salesforce emulator tests (fixtures live in conftest.py)."""

from __future__ import annotations

from typing import Any

import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from sandbox.emulators.salesforce import SalesforceEmulator

BASE_URL = "http://salesforce.test"
DATA = "/services/data/v62.0"
CLIENT_ID = "3MVG9emulatorClientId"
CLIENT_SECRET = "s3cr3t"
RUN_AS = "integration@example.com"


def public_pem(key: rsa.RSAPrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def login(client: httpx.Client) -> str:
    answer = client.post(
        "/services/oauth2/token",
        data={
            "grant_type": "client_credentials",
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
        },
    )
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


def create(api: httpx.Client, sobject: str, **fields: Any) -> str:
    answer = api.post(f"{DATA}/sobjects/{sobject}", json=fields)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def query(api: httpx.Client, soql: str, **headers: str) -> dict[str, Any]:
    answer = api.get(f"{DATA}/query", params={"q": soql}, headers=headers)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def error_of(answer: httpx.Response) -> dict[str, Any]:
    """The first element of the REST error array."""
    body = answer.json()
    assert isinstance(body, list), body
    first: dict[str, Any] = body[0]
    return first


def standard_pricebook(emu: SalesforceEmulator) -> str:
    return next(str(p["Id"]) for p in emu.records("Pricebook2") if p["IsStandard"])


def record_type(emu: SalesforceEmulator, developer_name: str) -> str:
    return next(
        str(r["Id"]) for r in emu.records("RecordType") if r["DeveloperName"] == developer_name
    )


def stored(emu: SalesforceEmulator, sobject: str, record_id: str) -> dict[str, Any]:
    """A record's stored values (it must exist)."""
    record = emu.get_record(sobject, record_id)
    assert record is not None, f"no {sobject} {record_id}"
    return record
