"""Verification codes for printed documents: made here, checked by ``/verify/{code}``.

A code is 16 characters of Crockford's base 32 (digits and capitals without I, L, O, U, so
nobody confuses 0/O or 1/I/L when typing it off the paper): 15 random characters (75 bits)
and a check character that catches a mistyped or swapped character before the server is
asked. Printed in groups of four (``7K3M-9QXR-2HDT-B5NW``); the URL carries it without dashes.

Standard library only, so the hall server can use it without the device layer.
"""
from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 16
_CHECK_MODULUS = 31  # prime: every single substitution (but 0↔Z) and adjacent swap changes the sum
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})  # as Crockford reads them


def _check(body: str) -> str:
    return ALPHABET[sum((i + 1) * ALPHABET.index(ch) for i, ch in enumerate(body)) % _CHECK_MODULUS]


def new_code() -> str:
    """A fresh random code, e.g. ``"7K3M9QXR2HDTB5NW"``."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH - 1))
    return body + _check(body)


def normalize(text: str) -> str | None:
    """The code as typed or scanned (any case, dashes, spaces, O for 0) → the code, or None if invalid."""
    if len(text) > 64:
        return None
    code = text.upper().replace("-", "").replace(" ", "").translate(_READ_AS)
    if len(code) != LENGTH or any(ch not in ALPHABET for ch in code):
        return None
    return code if _check(code[:-1]) == code[-1] else None


def grouped(code: str) -> str:
    """``"7K3M9QXR2HDTB5NW"`` → ``"7K3M-9QXR-2HDT-B5NW"``, as printed."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def verify_url(public_url: str, code: str) -> str:
    """Where the document's QR code points: ``{public_url}/verify/{code}``."""
    return f"{public_url.rstrip('/')}/verify/{code}"
