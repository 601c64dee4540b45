"""The one password scheme: scrypt, for staff accounts and the kiosk's maintenance screen.

``scrypt$N$r$p$<salt hex>$<hash hex>``. Verification takes the same time whether or not the
hash is well formed, so a wrong login name answers as slowly as a wrong password.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets

N, R, P = 2**14, 8, 1
PREFIX = "scrypt$"
#: a well-formed hash of a random password: checked against when there is no account, to spend the same time
_DECOY = "scrypt$16384$8$1$" + "00" * 16 + "$" + "00" * 32


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=N, r=R, p=P, dklen=32)
    return f"scrypt${N}${R}${P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str | None) -> bool:
    """Whether ``password`` matches ``stored`` (False when none is stored or it is not a scrypt hash)."""
    ok = stored is not None and is_hash(stored)
    scheme_n_r_p_salt_digest = (stored if ok and stored else _DECOY).split("$")
    _scheme, n, r, p, salt, digest = scheme_n_r_p_salt_digest
    try:
        got = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p),
                             dklen=len(digest) // 2)
    except (ValueError, TypeError, MemoryError):
        return False
    return hmac.compare_digest(got.hex(), digest) and ok


def is_hash(value: str) -> bool:
    """Whether ``value`` has the form of a hash made by :func:`hash_password`."""
    parts = value.split("$")
    if len(parts) != 6 or parts[0] != "scrypt":
        return False
    try:
        n, r, p = int(parts[1]), int(parts[2]), int(parts[3])
        bytes.fromhex(parts[4])
        bytes.fromhex(parts[5])
    except ValueError:
        return False
    return 2 <= n <= 2**20 and 1 <= r <= 32 and 1 <= p <= 16 and len(parts[5]) >= 32
