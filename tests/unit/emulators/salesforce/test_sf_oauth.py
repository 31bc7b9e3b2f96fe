"""The token endpoint: both server-to-server grants, their refusals, and session expiry."""

from __future__ import annotations

import base64
import time
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from sandbox.emulators.salesforce import SalesforceEmulator
from tests.unit.emulators.salesforce.helpers import (
    BASE_URL,
    CLIENT_ID,
    CLIENT_SECRET,
    DATA,
    RUN_AS,
    error_of,
    public_pem,
)

TOKEN = "/services/oauth2/token"
JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"


def _claims(**overrides: Any) -> dict[str, Any]:
    claims = {
        "iss": "jwt-app",
        "sub": RUN_AS,
        "aud": "https://login.salesforce.com",
        "exp": int(time.time()) + 180,
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


@pytest.fixture
def jwt_app(emu: SalesforceEmulator, rsa_key: rsa.RSAPrivateKey) -> rsa.RSAPrivateKey:
    emu.add_connected_app("jwt-app", "unused", public_key_pem=public_pem(rsa_key))
    return rsa_key


def test_client_credentials_in_the_body_open_a_session(emu, client):
    # Given a connected app with the client-credentials flow
    # When the client posts its id and secret as form fields
    answer = client.post(
        TOKEN,
        data={
            "grant_type": "client_credentials",
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
        },
    )
    # Then the body has the documented fields, and the token opens the REST API
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/json")
    body = answer.json()
    assert set(body) == {
        "access_token",
        "signature",
        "scope",
        "instance_url",
        "id",
        "token_type",
        "issued_at",
    }
    assert body["token_type"] == "Bearer"
    assert body["instance_url"] == BASE_URL
    user_id = body["id"].rsplit("/", 1)[1]
    assert body["id"] == f"{BASE_URL}/id/{emu.org_id}/{user_id}"
    assert user_id.startswith("005")
    assert body["issued_at"].isdigit()
    assert body["access_token"].startswith(emu.org_id[:15] + "!")
    me = client.get(
        f"{DATA}/sobjects/User/{user_id}",
        headers={"Authorization": f"Bearer {body['access_token']}"},
    )
    assert me.json()["Username"] == RUN_AS


def test_client_credentials_in_a_basic_header(client):
    # Given the id and secret in an HTTP Basic header instead of the form
    basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    # When the client asks for a token
    answer = client.post(
        TOKEN,
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {basic}"},
    )
    # Then it gets one
    assert answer.status_code == 200
    assert answer.json()["token_type"] == "Bearer"


@pytest.mark.parametrize(
    ("form", "error", "description"),
    [
        (
            {"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": "no"},
            "invalid_client",
            "invalid client credentials",
        ),
        (
            {"grant_type": "client_credentials", "client_id": "nobody", "client_secret": "x"},
            "invalid_client_id",
            "client identifier invalid",
        ),
        ({"grant_type": "password"}, "unsupported_grant_type", "grant type not supported"),
        ({}, "unsupported_grant_type", "grant type not supported"),
    ],
)
def test_refused_token_requests_answer_400_with_the_oauth_error(client, form, error, description):
    # Given a token request the org must refuse
    # When it is posted
    answer = client.post(TOKEN, data=form)
    # Then the answer is the OAuth error object
    assert answer.status_code == 400
    assert answer.json() == {"error": error, "error_description": description}


def test_jwt_bearer_grant_signed_with_the_apps_key(jwt_app, client):
    # Given a connected app holding the certificate of our key
    assertion = jwt.encode(_claims(), jwt_app, algorithm="RS256")
    # When the client presents a signed assertion for an approved user
    answer = client.post(TOKEN, data={"grant_type": JWT_GRANT, "assertion": assertion})
    # Then a session opens for that user
    assert answer.status_code == 200, answer.text
    token = answer.json()["access_token"]
    me = client.get(f"{DATA}/limits", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200


def test_jwt_audience_may_be_the_orgs_own_login_url(jwt_app, client):
    # Given an assertion whose audience is the org's URL (a My Domain login URL)
    assertion = jwt.encode(_claims(aud=BASE_URL), jwt_app, algorithm="RS256")
    # When it is presented
    answer = client.post(TOKEN, data={"grant_type": JWT_GRANT, "assertion": assertion})
    # Then it is accepted
    assert answer.status_code == 200


@pytest.mark.parametrize(
    ("overrides", "error", "description"),
    [
        ({"exp": -60}, "invalid_grant", "expired authorization code"),
        ({"aud": "https://evil.example.com"}, "invalid_grant", "audience is invalid"),
        (
            {"sub": "stranger@example.com"},
            "invalid_grant",
            "user hasn't approved this consumer",
        ),
        ({"iss": "unknown-app"}, "invalid_client_id", "client identifier invalid"),
        ({"exp": None}, "invalid_grant", "invalid assertion"),
    ],
)
def test_refused_assertions(jwt_app, client, overrides, error, description):
    # Given an assertion that breaks one of the flow's rules (``exp`` in seconds from now,
    # taken when the test runs, not when the suite is collected)
    if overrides.get("exp") is not None:
        overrides = {**overrides, "exp": int(time.time()) + overrides["exp"]}
    assertion = jwt.encode(_claims(**overrides), jwt_app, algorithm="RS256")
    # When it is presented
    answer = client.post(TOKEN, data={"grant_type": JWT_GRANT, "assertion": assertion})
    # Then the org refuses it with the documented error
    assert answer.status_code == 400
    assert answer.json() == {"error": error, "error_description": description}


def test_assertion_signed_with_another_key_is_invalid(jwt_app, client):
    # Given an assertion signed by a key the app does not know
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assertion = jwt.encode(_claims(), other, algorithm="RS256")
    # When it is presented
    answer = client.post(TOKEN, data={"grant_type": JWT_GRANT, "assertion": assertion})
    # Then it is an invalid assertion
    assert answer.json() == {"error": "invalid_grant", "error_description": "invalid assertion"}


@pytest.mark.parametrize("authorization", [None, "Bearer nonsense", "Basic abc"])
def test_rest_calls_without_a_live_session_answer_401(client, authorization):
    # Given no token, an unknown token, or the wrong scheme
    headers = {"Authorization": authorization} if authorization else {}
    # When a REST resource is called
    answer = client.get(f"{DATA}/sobjects/Account/0015g0000000001AAA", headers=headers)
    # Then the answer is INVALID_SESSION_ID
    assert answer.status_code == 401
    assert answer.json() == [
        {"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}
    ]


def test_sessions_expire_after_the_session_timeout(emu, api):
    # Given a live session
    assert api.get(f"{DATA}/limits").status_code == 200
    # When the session timeout passes
    emu.session_timeout_s = 0.01
    time.sleep(0.02)
    # Then the token no longer works
    answer = api.get(f"{DATA}/limits")
    assert answer.status_code == 401
    assert error_of(answer)["errorCode"] == "INVALID_SESSION_ID"


def test_versions_list_needs_no_session(client):
    # Given no session
    # When the versions resource is read
    answer = client.get("/services/data/")
    # Then it lists versions with label, url and version, newest last
    versions = answer.json()
    assert answer.status_code == 200
    assert versions[-1] == {
        "label": "Winter '25",
        "url": "/services/data/v62.0",
        "version": "62.0",
    }
    assert {"label": "Spring '24", "url": "/services/data/v60.0", "version": "60.0"} in versions


def test_any_api_version_in_the_path_is_served(api):
    # Given an older API version in the path
    # When a resource is read through it
    answer = api.get("/services/data/v58.0/")
    # Then its resources are listed under that version
    assert answer.json()["sobjects"] == "/services/data/v58.0/sobjects"


def test_token_endpoint_only_takes_post(client):
    # Given the token endpoint
    # When it is read with GET
    answer: httpx.Response = client.get(TOKEN)
    # Then the method is refused
    assert answer.status_code == 405
    assert error_of(answer)["errorCode"] == "METHOD_NOT_ALLOWED"
