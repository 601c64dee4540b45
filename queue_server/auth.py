"""Staff passwords and bearer tokens (standard library only).

Passwords are stored as scrypt hashes. Tokens are ``payload.signature`` with an HMAC-SHA256
signature over the base64 payload (staff id, username, role, window, expiry), so checking one
needs no database round trip and a forged or altered token fails.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass

ROLES = ("clerk", "manager", "admin", "auditor")
_N, _R, _P = 2**14, 8, 1


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        got = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p),
                             dklen=len(digest) // 2)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got.hex(), digest)


@dataclass(frozen=True)
class Principal:
    staff_id: int
    username: str
    role: str
    window: int | None
    expires: float


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def issue_token(secret: str, p: Principal) -> str:
    body = _b64(json.dumps({"i": p.staff_id, "u": p.username, "r": p.role, "w": p.window,
                            "e": int(p.expires)}, separators=(",", ":")).encode())
    sig = _b64(hmac.new(secret.encode(), body.encode(), hashlib.sha256).digest())
    return f"{body}.{sig}"


def read_token(secret: str, token: str, now: float | None = None) -> Principal | None:
    """The principal of a valid, unexpired token; None for anything else."""
    try:
        body, sig = token.split(".")
        want = _b64(hmac.new(secret.encode(), body.encode(), hashlib.sha256).digest())
        if not hmac.compare_digest(sig, want):
            return None
        d = json.loads(_unb64(body))
        p = Principal(int(d["i"]), str(d["u"]), str(d["r"]), d["w"] if d["w"] is None else int(d["w"]),
                      float(d["e"]))
    except (ValueError, KeyError, TypeError):
        return None
    if p.role not in ROLES or p.expires < (time.time() if now is None else now):
        return None
    return p
