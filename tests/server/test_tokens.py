"""Staff tokens (JWT, HS256, keyring with key ids) and the one password scheme, without a server."""
from __future__ import annotations

import base64
import json
import time

import jwt
import pytest

from queue_server.auth import Keyring, Principal, issue_token, read_token
from queue_server.service import Actor

NOW = 1_772_000_000.0
WANG = Principal(7, "wang", "clerk", 3, NOW + 3600)


def _part(token: str, i: int) -> dict[str, object]:
    seg = token.split(".")[i]
    return dict(json.loads(base64.urlsafe_b64decode(seg + "=" * (-len(seg) % 4))))


def test_a_token_carries_who_and_until_when_and_which_key() -> None:
    ring = Keyring.of("the hall's secret")
    token = issue_token(ring, WANG, NOW)
    header, claims = _part(token, 0), _part(token, 1)
    assert header["alg"] == "HS256" and header["kid"] == ring.current
    assert claims == {"sub": "wang", "uid": 7, "role": "clerk", "window": 3, "gen": 0, "iat": int(NOW),
                      "exp": int(NOW) + 3600}
    assert read_token(ring, token, NOW + 10) == Principal(7, "wang", "clerk", 3, NOW + 3600)


def test_expired_forged_and_foreign_tokens_are_refused() -> None:
    ring = Keyring.of("the hall's secret")
    token = issue_token(ring, WANG, NOW)
    assert read_token(ring, token, NOW + 3601) is None
    assert read_token(Keyring.of("another hall"), token, NOW) is None
    body = _part(token, 1) | {"role": "admin"}
    forged = ".".join([token.split(".")[0], base64.urlsafe_b64encode(json.dumps(body).encode()).decode().rstrip("="),
                       token.split(".")[2]])
    assert read_token(ring, forged, NOW) is None
    unsigned = jwt.encode({**_part(token, 1)}, key=None, algorithm="none", headers={"kid": ring.current})
    assert read_token(ring, unsigned, NOW) is None
    assert read_token(ring, "not a token", NOW) is None
    assert read_token(ring, issue_token(ring, Principal(7, "wang", "janitor", None, NOW + 60), NOW), NOW) is None


def test_the_clock_checks_expiry_when_no_time_is_given() -> None:
    ring = Keyring.of("k")
    now = time.time()
    assert read_token(ring, issue_token(ring, Principal(1, "li", "manager", None, now + 60))) is not None
    assert read_token(ring, issue_token(ring, Principal(1, "li", "manager", None, now - 60), now - 120)) is None


def test_a_rotated_key_keeps_its_tokens_until_they_expire() -> None:
    old = Keyring.of("key of last year")
    token = issue_token(old, WANG, NOW)
    rotated = Keyring.of("key of this year", "key of last year")
    assert rotated.current != old.current
    assert read_token(rotated, token, NOW) == read_token(old, token, NOW)
    fresh = issue_token(rotated, WANG, NOW)
    assert _part(fresh, 0)["kid"] == rotated.current
    assert read_token(old, fresh, NOW) is None, "a key the old ring never had"
    retired = Keyring.of("key of this year")
    assert read_token(retired, token, NOW) is None and read_token(retired, fresh, NOW) is not None


def test_a_keyring_needs_its_current_key() -> None:
    with pytest.raises(ValueError):
        Keyring({"a": b"0" * 32}, current="b")


def test_the_token_is_the_actor() -> None:
    assert WANG.actor() == Actor.staff("wang", "clerk", 3)
    assert WANG.actor().clerk == "wang" and Actor.staff("li", "manager").clerk is None
    assert WANG.actor().audit_name == "staff:wang"
