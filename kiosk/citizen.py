"""The citizen at the kiosk: who the card says they are, masked for everything shown or sent.

The full ID number stays inside :class:`Citizen` (the self-service platform needs it); screens,
tickets, MQTT and logs get :meth:`Citizen.masked_name`, :meth:`Citizen.masked_id` and
:func:`holder_ref`, an HMAC of the ID number with the hall's salt, never the number itself.
"""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date
from typing import Literal

from hall_contract.citizen import age_on, mask_card_number, mask_id, mask_name

Source = Literal["card", "idcard", "ecard"]


@dataclass(frozen=True, repr=False)
class Citizen:
    """A holder read from a social security card or a resident ID card."""

    id_number: str
    name: str
    birth: date
    source: Source
    card_number: str | None = None

    def __repr__(self) -> str:
        return f"Citizen(name={self.masked_name()!r}, id={self.masked_id()!r}, source={self.source!r})"

    __str__ = __repr__

    def masked_name(self) -> str:
        return mask_name(self.name)

    def masked_id(self) -> str:
        return mask_id(self.id_number)

    def masked_card(self) -> str | None:
        return mask_card_number(self.card_number) if self.card_number else None

    def age(self, on: date) -> int:
        return age_on(self.birth, on)


def holder_ref(id_number: str, salt: str) -> str:
    """An opaque, per-hall reference to a holder: HMAC-SHA256(salt, ID number), hex.

    The same on every kiosk of a hall (same salt), so the server can refuse a second ticket;
    useless to anyone without the salt.
    """
    return hmac.new(salt.encode("utf-8"), id_number.strip().upper().encode("ascii"), hashlib.sha256).hexdigest()


def hall_salt(configured: str, hall_id: str) -> str:
    """The configured salt, or one derived from the hall id when none is configured."""
    return configured or f"hall-appliance/holder-ref/{hall_id}"


def from_card(data: object) -> Citizen | None:
    """A :class:`Citizen` from :class:`hardware.card.SocialSecurityCardData` (None when restricted)."""
    ssn = getattr(data, "ssn", None)
    name = getattr(data, "name", None)
    birth = getattr(data, "birth", None)
    if not ssn or not name or birth is None:
        return None
    return Citizen(id_number=ssn, name=name, birth=birth, source="card", card_number=getattr(data, "card_number", None))


def from_id_card(data: object) -> Citizen:
    """A :class:`Citizen` from :class:`hardware.idcard.IdCardData`."""
    return Citizen(id_number=data.id_number, name=data.name, birth=data.birth, source="idcard")  # type: ignore[attr-defined]
