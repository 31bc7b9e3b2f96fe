import pytest

from shared.errors import RequestRejectedError
from shared.ingest.signatures import sign, verify

SECRET = "whsec_test"
BODY = b'{"hello": "world"}'
ROUTE = "actions/demo/contracts/800000000000001/sync"
URL = f"https://api.example.test/prod/{ROUTE}"


def test_a_fresh_signature_is_accepted():
    header = sign(SECRET, BODY, 1_700_000_000, URL)
    verify(header, SECRET, BODY, now=1_700_000_100, url=ROUTE)


@pytest.mark.parametrize(
    ("header", "now", "reason"),
    [
        (None, 1_700_000_000, "missing"),
        ("v1=abc", 1_700_000_000, "unix seconds"),
        (sign(SECRET, BODY, 1_700_000_000, URL), 1_700_000_301, "tolerance"),
        (sign("other", BODY, 1_700_000_000, URL), 1_700_000_000, "does not match"),
        (sign(SECRET, b"tampered", 1_700_000_000, URL), 1_700_000_000, "does not match"),
    ],
)
def test_bad_signatures_are_refused_with_a_reason(header, now, reason):
    with pytest.raises(RequestRejectedError, match=reason) as caught:
        verify(header, SECRET, BODY, now=now, url=ROUTE)
    assert caught.value.status == 401


def test_any_of_several_v1_values_may_match():
    good = sign(SECRET, BODY, 1_700_000_000, URL)
    header = good.replace("v1=", "v1=deadbeef,v1=")
    verify(header, SECRET, BODY, now=1_700_000_000, url=ROUTE)


def test_a_signature_for_one_route_is_refused_on_another():
    # Given a press signed for one contract's button (the URL, stage and host included)
    header = sign(SECRET, BODY, 1_700_000_000, URL)
    # When the same header and body are replayed against another contract's route
    # Then the signature does not match
    with pytest.raises(RequestRejectedError, match="does not match"):
        verify(header, SECRET, BODY, 1_700_000_000, "actions/demo/contracts/800000000000002/sync")
    # while the route it was made for, however the URL was written, matches
    verify(header, SECRET, BODY, 1_700_000_000, f"/{ROUTE}/")
