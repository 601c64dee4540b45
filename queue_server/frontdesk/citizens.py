"""A citizen's ID number typed at the desk: checked, then kept only masked and as an opaque reference."""
from __future__ import annotations

import hashlib
import hmac
import re
from datetime import date

from hall_contract.citizen import age_on, mask_id, mask_name

_ID18 = re.compile(r"^\d{17}[\dX]$")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_PHONE = re.compile(r"^\+?[\d\- ]{7,20}$")


class CitizenInputError(ValueError):
    """What was typed is not a usable ID number, name or phone number (the message says which)."""


def normal_id(number: str) -> str:
    """An 18-character resident ID number with a valid check digit, upper-cased."""
    n = number.strip().upper()
    if not _ID18.match(n):
        raise CitizenInputError("身份证号应为 18 位 (an ID number has 18 characters: 17 digits and a digit or X)")
    if _CHECK[sum(int(c) * w for c, w in zip(n[:17], _WEIGHTS, strict=True)) % 11] != n[17]:
        raise CitizenInputError("身份证号校验位不符，请核对 (the ID number's check digit does not match)")
    return n


def birth_of(id_number: str) -> date | None:
    try:
        return date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return None


def age_of(id_number: str, on: date) -> int | None:
    birth = birth_of(id_number)
    return None if birth is None else age_on(birth, on)


def holder_ref(id_number: str, salt: str) -> str:
    """HMAC-SHA256(salt, ID number): the same reference a kiosk of the hall computes (kiosk.citizen)."""
    return hmac.new(salt.encode("utf-8"), id_number.strip().upper().encode("ascii"), hashlib.sha256).hexdigest()


def hall_salt(configured: str, hall_id: str) -> str:
    """The configured salt, or the one a kiosk derives from the hall id when none is configured."""
    return configured or f"hall-appliance/holder-ref/{hall_id}"


def masked_name(name: str | None) -> str | None:
    name = (name or "").strip()
    if not name:
        return None
    if len(name) > 32 or not name.isprintable():
        raise CitizenInputError("姓名过长或含非法字符 (the name is too long or has control characters)")
    return mask_name(name)


def masked_phone(phone: str | None) -> str | None:
    """``13812345678`` → ``138****5678``; None when not given."""
    phone = (phone or "").strip()
    if not phone:
        return None
    if not _PHONE.match(phone):
        raise CitizenInputError("联系电话格式不对 (the phone number is not valid)")
    digits = re.sub(r"\D", "", phone)
    return digits[:3] + "*" * max(len(digits) - 7, 1) + digits[-4:]


__all__ = ["CitizenInputError", "age_of", "hall_salt", "holder_ref", "mask_id", "masked_name", "masked_phone",
           "normal_id"]
