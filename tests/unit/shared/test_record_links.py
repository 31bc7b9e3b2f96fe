"""Links to records' pages: composed from a key and signed, so that only links we made open."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from shared.errors import RequestRejectedError
from shared.ingest import record_links

SECRET = "current-action-secret"
OLD = "previous-action-secret"


def _parts(link: str) -> tuple[str, str, str, str]:
    """(connection id, page, key, sig) of a link we composed."""
    split = urlsplit(link)
    _, connection_id, page, key = split.path.strip("/").split("/")
    return connection_id, page, key, parse_qs(split.query)["sig"][0]


def test_a_link_names_the_record_and_carries_its_signature():
    # Given a project's RECORDNO and the connection's API URL (with a trailing slash)
    # When its link is composed
    link = record_links.compose("https://sync.example.com/", SECRET, "acme", "project", "17")
    # Then it points at the open door for that record, signed with the action secret
    assert link.startswith("https://sync.example.com/open/acme/project/17?sig=")
    connection_id, page, key, sig = _parts(link)
    assert (connection_id, page, key) == ("acme", "project", "17")
    record_links.verify(sig, (SECRET,), connection_id, page, key)  # no error: accepted


@pytest.mark.parametrize(
    ("connection_id", "page", "key"),
    [
        ("other", "project", "17"),  # another connection's
        ("acme", "task", "17"),  # another page
        ("acme", "project", "18"),  # another record
    ],
)
def test_a_link_opens_nothing_but_its_own_record(connection_id, page, key):
    # Given the signature of project 17's link on connection acme
    sig = record_links.signature(SECRET, "acme", "project", "17")
    # When it is presented for another record, page or connection
    with pytest.raises(RequestRejectedError) as refused:
        record_links.verify(sig, (SECRET,), connection_id, page, key)
    # Then it is refused (403) with the reason
    assert refused.value.status == 403
    assert "signature does not match" in refused.value.reason


def test_a_tampered_signature_is_refused():
    sig = record_links.signature(SECRET, "acme", "project", "17")
    tampered = ("0" if sig[0] != "0" else "1") + sig[1:]
    with pytest.raises(RequestRejectedError) as refused:
        record_links.verify(tampered, (SECRET,), "acme", "project", "17")
    assert refused.value.status == 403


@pytest.mark.parametrize("sig", ["", None])
def test_a_link_without_signature_is_refused_401(sig):
    with pytest.raises(RequestRejectedError) as refused:
        record_links.verify(sig, (SECRET,), "acme", "project", "17")
    assert refused.value.status == 401
    assert "sig" in refused.value.reason


@pytest.mark.parametrize("sig", ["xyz", "A" * 64, "0" * 63, "0" * 65])
def test_a_malformed_signature_is_refused_403(sig):
    with pytest.raises(RequestRejectedError) as refused:
        record_links.verify(sig, (SECRET,), "acme", "project", "17")
    assert refused.value.status == 403


def test_links_of_the_previous_secret_open_during_a_rotation_and_expire_with_it():
    # Given a link signed before the action secret was rotated
    sig = record_links.signature(OLD, "acme", "project", "17")
    # When the rotation is under way (the previous secret still accepted), it opens
    record_links.verify(sig, (SECRET, OLD), "acme", "project", "17")
    # Then once the previous secret is retired, it has expired: refused like a forgery
    with pytest.raises(RequestRejectedError) as refused:
        record_links.verify(sig, (SECRET,), "acme", "project", "17")
    assert refused.value.status == 403
    assert "retired" in refused.value.reason


def test_an_unknown_connection_is_refused_like_a_wrong_signature():
    # Given no secrets at all (the connection does not exist)
    sig = record_links.signature(SECRET, "ghost", "project", "17")
    with pytest.raises(RequestRejectedError) as unknown:
        record_links.verify(sig, (), "ghost", "project", "17")
    with pytest.raises(RequestRejectedError) as wrong:
        record_links.verify(sig, ("another",), "ghost", "project", "17")
    # Then the answer is the same: nothing is revealed about which connections exist
    assert (unknown.value.status, unknown.value.reason) == (wrong.value.status, wrong.value.reason)


@pytest.mark.parametrize(("page", "key"), [("project", "1/2"), ("pro ject", "1"), ("project", "")])
def test_parts_a_link_never_holds_are_refused_400_and_never_composed(page, key):
    with pytest.raises(RequestRejectedError) as refused:
        record_links.check_parts(page, key)
    assert refused.value.status == 400
    with pytest.raises(ValueError, match="not a link part"):
        record_links.compose("https://x.test", SECRET, "acme", page, key)
