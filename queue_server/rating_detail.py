"""What a citizen adds to a poor rating on the tablet (第五十一/五十四条): reasons from the standard's three
dimensions (服务态度, 办事效率, 办事质量), a few words, and a phone number for the call back.

Input is bounded and cleaned here: at most six known reasons, a comment of at most ``TEXT_MAX`` characters
with control characters removed, and a phone that is a mainland mobile (11 digits, 1[3-9]…) or a landline
with its area code (0 + 2-3 digits + 7-8 digits). The phone is kept for the call back and shown to staff
masked (``138****5678``); the full number is read only by the manager's call-back request, which is
audited, and blanked with the rest of the personal data after the retention period.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from queue_server.settings import REASON_DIMENSIONS
from queue_server.store.front_tables import rating_detail_t

TEXT_MAX = 200
REASONS_MAX = 6
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}\d{7,8}$")
DIMENSION_OF = {code: dim for dim, codes in REASON_DIMENSIONS.items() for code in codes}


class DetailError(ValueError):
    """Input the tablet must not send; ``code`` and the message go to the API's error."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def clean_text(text: str | None) -> str | None:
    """Control and format characters removed, whitespace runs made one space, at most TEXT_MAX characters."""
    if text is None:
        return None
    kept = "".join(" " if ch in "\t\r\n" else ch for ch in text
                   if ch in "\t\r\n" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co"))
    kept = re.sub(r"\s+", " ", kept).strip()
    return kept[:TEXT_MAX] or None


def clean_phone(phone: str | None) -> str | None:
    """Digits only; a mobile or a landline with area code, else DetailError."""
    if phone is None or not phone.strip():
        return None
    digits = re.sub(r"[\s\-()]", "", phone.strip())
    if digits.startswith("+86"):
        digits = digits[3:]
    if not (_MOBILE.match(digits) or _LANDLINE.match(digits)):
        raise DetailError("invalid_phone", "回访电话须为11位手机号或带区号的固定电话 "
                                           "(a phone: an 11-digit mobile or a landline with its area code)")
    return digits


def mask_phone(digits: str) -> str:
    """``13812345678`` → ``138****5678``; a landline keeps its area code and last four digits."""
    if _MOBILE.match(digits):
        return digits[:3] + "****" + digits[-4:]
    area = 3 if digits[1] in "12" else 4  # 010, 02x: three digits; the rest four
    return digits[:area] + "-****" + digits[-4:]


def clean_reasons(reasons: list[str] | None, offered: list[str]) -> list[str]:
    out: list[str] = []
    for r in reasons or []:
        if r not in offered:
            raise DetailError("unknown_reason", f"原因不在可选范围内 (reason: one of {', '.join(offered)})")
        if r not in out:
            out.append(r)
    if len(out) > REASONS_MAX:
        raise DetailError("too_many_reasons", f"最多选择{REASONS_MAX}项原因 (at most {REASONS_MAX} reasons)")
    return out


@dataclass(frozen=True)
class RatingDetail:
    reasons: list[str]
    text: str | None
    phone: str | None

    @property
    def empty(self) -> bool:
        return not (self.reasons or self.text or self.phone)

    @property
    def phone_masked(self) -> str | None:
        return mask_phone(self.phone) if self.phone else None

    def dimensions(self) -> list[str]:
        return sorted({DIMENSION_OF.get(r, "other") for r in self.reasons})


def store_detail(conn: Connection, rating_id: int, d: RatingDetail, at: datetime) -> None:
    conn.execute(rating_detail_t.insert().values(rating_id=rating_id, reasons=" ".join(d.reasons), text=d.text,
                                                 phone=d.phone, phone_masked=d.phone_masked, at=at))


def details_for(engine: Engine, ids: list[int]) -> dict[int, dict[str, Any]]:
    """The details of these ratings as staff see them (the phone masked)."""
    if not ids:
        return {}
    t = rating_detail_t
    out: dict[int, dict[str, Any]] = {}
    with engine.connect() as conn:
        for chunk in range(0, len(ids), 500):
            rows = conn.execute(sa.select(t.c.rating_id, t.c.reasons, t.c.text, t.c.phone_masked)
                                .where(t.c.rating_id.in_(ids[chunk:chunk + 500])))
            for r in rows:
                reasons = r.reasons.split() if r.reasons else []
                out[r.rating_id] = {"reasons": reasons, "dimensions": sorted({DIMENSION_OF.get(x, "other")
                                                                              for x in reasons}),
                                    "text": r.text, "phone_masked": r.phone_masked}
    return out


def phone_of(engine: Engine, rating_id: int) -> str | None:
    with engine.connect() as conn:
        return conn.execute(sa.select(rating_detail_t.c.phone).where(rating_detail_t.c.rating_id == rating_id)) \
            .scalar()
