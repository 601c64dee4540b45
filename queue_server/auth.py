"""Staff bearer tokens: JSON Web Tokens (HS256) signed with a keyring, checked without the database.

A token carries ``sub`` (the username), ``uid`` (the staff id), ``role``, ``window``, ``iat`` and
``exp``; its header names the key it was signed with (``kid``). The keyring signs with its
current key and accepts a token signed with any of its keys, so a key can be rotated without
logging everyone out: add the new key as current, keep the old one until its tokens expire.

A configured secret of any length becomes a 32-byte HMAC key through SHA-256, and the key id is
a fingerprint of the secret (it tells the keys apart and reveals nothing of them).
Staff passwords use the one scheme of :mod:`hall_contract.passwords`.
"""
from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import Any

import jwt

from queue_server.actor import Actor

#: guide: 咨询引导 (the guide desk); selfservice: 自助服务 (helps at the kiosks)
ROLES = ("clerk", "manager", "admin", "auditor", "guide", "selfservice")
ALGORITHM = "HS256"
_CLAIMS = ("sub", "uid", "role", "iat", "exp")

__all__ = ["ROLES", "Keyring", "Principal", "issue_token", "read_token"]


@dataclass(frozen=True)
class Principal:
    """Who a valid token says the caller is."""

    staff_id: int
    username: str
    role: str
    window: int | None
    expires: float

    def actor(self) -> Actor:
        return Actor.staff(self.username, self.role, self.window)


class Keyring:
    """Signing keys by id: one current (signs), all accepted (verify)."""

    def __init__(self, keys: dict[str, bytes], current: str) -> None:
        if current not in keys:
            raise ValueError(f"the current key {current!r} is not in the keyring")
        self.keys = dict(keys)
        self.current = current

    @classmethod
    def of(cls, secret: str, *older: str) -> Keyring:
        """A keyring from configured secrets: ``secret`` signs, ``older`` ones are still accepted."""
        keys = {kid_of(s): key_of(s) for s in (*older, secret) if s}
        return cls(keys, kid_of(secret))

    def sign(self, claims: dict[str, Any]) -> str:
        return jwt.encode(claims, self.keys[self.current], algorithm=ALGORITHM, headers={"kid": self.current})

    def verify(self, token: str, now: float | None = None) -> dict[str, Any] | None:
        """The claims of a token signed by one of the keys and not expired; None for anything else."""
        try:
            kid = jwt.get_unverified_header(token).get("kid")
            key = self.keys.get(kid) if isinstance(kid, str) else None
            if key is None:
                return None
            claims: dict[str, Any] = jwt.decode(
                token, key, algorithms=[ALGORITHM],
                options={"require": list(_CLAIMS), "verify_exp": now is None, "verify_iat": now is None})
        except jwt.PyJWTError:
            return None
        if now is not None and not float(claims["exp"]) > now:
            return None
        return claims


def key_of(secret: str) -> bytes:
    return hashlib.sha256(b"hall-token-key\0" + secret.encode()).digest()


def kid_of(secret: str) -> str:
    return hashlib.sha256(b"hall-token-kid\0" + secret.encode()).hexdigest()[:12]


def issue_token(keyring: Keyring, p: Principal, now: float | None = None) -> str:
    issued = int(time.time() if now is None else now)
    return keyring.sign({"sub": p.username, "uid": p.staff_id, "role": p.role, "window": p.window,
                         "iat": issued, "exp": int(p.expires)})


def read_token(keyring: Keyring, token: str, now: float | None = None) -> Principal | None:
    """The principal of a valid, unexpired token of a known role; None for anything else."""
    claims = keyring.verify(token, now)
    if claims is None:
        return None
    try:
        window = claims.get("window")
        p = Principal(int(claims["uid"]), str(claims["sub"]), str(claims["role"]),
                      None if window is None else int(window), float(claims["exp"]))
    except (ValueError, TypeError):
        return None
    return p if p.role in ROLES and p.username else None
