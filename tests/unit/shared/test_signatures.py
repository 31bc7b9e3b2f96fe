import pytest

from shared.errors import RequestRejectedError
from shared.ingest.signatures import sign, verify

SECRET = "whsec_test"
BODY = b'{"hello": "world"}'


def test_a_fresh_signature_is_accepted():
    header = sign(SECRET, BODY, 1_700_000_000)
    verify(header, SECRET, BODY, now=1_700_000_100)


@pytest.mark.parametrize(
    ("header", "now", "reason"),
    [
        (None, 1_700_000_000, "missing"),
        ("v1=abc", 1_700_000_000, "unix seconds"),
        (sign(SECRET, BODY, 1_700_000_000), 1_700_000_301, "tolerance"),
        (sign("other", BODY, 1_700_000_000), 1_700_000_000, "does not match"),
        (sign(SECRET, b"tampered", 1_700_000_000), 1_700_000_000, "does not match"),
    ],
)
def test_bad_signatures_are_refused_with_a_reason(header, now, reason):
    with pytest.raises(RequestRejectedError, match=reason) as caught:
        verify(header, SECRET, BODY, now=now)
    assert caught.value.status == 401


def test_any_of_several_v1_values_may_match():
    good = sign(SECRET, BODY, 1_700_000_000)
    header = good.replace("v1=", "v1=deadbeef,v1=")
    verify(header, SECRET, BODY, now=1_700_000_000)
