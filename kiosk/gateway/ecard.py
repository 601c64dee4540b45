"""The 电子社保卡 login code as the local platform makes and checks it (pure: the key and time passed in).

A code is ``ESSC1`` + the time it was made (``YYYYMMDDHHMMSS``, Beijing time) + a 16-hex-digit
holder token (an HMAC of the ID number under the platform's key, so the code never carries the
number) + an 8-hex-digit check code (HMAC of everything before it). Like the app's code, it is
good for ``ECARD_VALID_S`` seconds; a code from the future beyond ``SKEW_S`` is refused too.
"""
from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from kiosk.gateway.models import ECardExpired, ECardInvalid

PREFIX = "ESSC1"
ECARD_VALID_S = 60
SKEW_S = 5
CN = timezone(timedelta(hours=8))
PATTERN = re.compile(r"^ESSC1(\d{14})([0-9A-F]{16})([0-9A-F]{8})$")
MAX_CODE = 128


def holder_token(key: bytes, id_number: str) -> str:
    return hmac.new(key, b"holder:" + id_number.upper().encode("ascii"), hashlib.sha256).hexdigest()[:16].upper()


def _check(key: bytes, body: str) -> str:
    return hmac.new(key, b"code:" + body.encode("ascii"), hashlib.sha256).hexdigest()[:8].upper()


def make_code(key: bytes, id_number: str, at: datetime) -> str:
    """The login code the holder's app would show at ``at``."""
    body = f"{PREFIX}{at.astimezone(CN):%Y%m%d%H%M%S}{holder_token(key, id_number)}"
    return body + _check(key, body)


@dataclass(frozen=True)
class Parsed:
    token: str
    made_at: datetime


def parse_code(key: bytes, code: str, now: datetime) -> Parsed:
    """The holder token of a valid, fresh code; :class:`ECardInvalid` or :class:`ECardExpired` otherwise."""
    text = code.strip()
    match = PATTERN.match(text) if len(text) <= MAX_CODE else None
    if match is None:
        raise ECardInvalid("not an e-card login code")
    stamp, token, check = match.groups()
    if not hmac.compare_digest(_check(key, text[:-8]), check):
        raise ECardInvalid("check code does not match")
    try:
        made = datetime.strptime(stamp, "%Y%m%d%H%M%S").replace(tzinfo=CN)
    except ValueError:
        raise ECardInvalid("bad time in code") from None
    age = (now - made).total_seconds()
    if age > ECARD_VALID_S or age < -SKEW_S:
        raise ECardExpired(f"code {age:.0f} s old")
    return Parsed(token, made)
