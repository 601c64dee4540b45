"""What a social security card says about itself and its holder."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from hall_contract.citizen import age_on, mask_card_number, mask_id, mask_name


@dataclass(frozen=True)
class SocialSecurityCardData:
    """EF05 (the card) and, unless ``restricted``, EF06 (the holder) of one card.

    ``record_access`` says how the card answered: by record identifier (the standard way) or,
    for a card that refused that, by record number in file order.

    ``restricted`` is True when the card refused EF06 (third-generation cards answer ``6982``
    to a terminal without PSAM authentication): the holder fields are then ``None`` and the
    kiosk can look the holder up by ``card_number``.
    """

    card_number: str
    card_id: str  # 卡的识别码, upper-case hex
    spec_version: str  # "1.00", "2.00", "3.00"
    issued: date
    expires: date
    ssn: str | None = None  # 社会保障号码 (the citizen ID number)
    name: str | None = None
    gender: str | None = None  # "男" / "女"
    nation: str | None = None  # "汉", "回", ...
    birth: date | None = None
    restricted: bool = False
    record_access: str = "identifier"  # how the card answered READ RECORD: "identifier" or "number"

    def __repr__(self) -> str:
        # Personal data stays out of logs and tracebacks: only masked values here.
        return (
            f"SocialSecurityCardData(card_number={self.masked_card_number()!r}, "
            f"spec_version={self.spec_version!r}, expires={self.expires.isoformat()!r}, "
            f"name={self.masked_name()!r}, ssn={self.masked_id()!r}, restricted={self.restricted}, "
            f"record_access={self.record_access!r})"
        )

    @property
    def expired(self) -> bool:
        """Whether the card's own expiry date (卡有效期) has passed today."""
        return self.expired_on(date.today())

    def expired_on(self, day: date) -> bool:
        return day > self.expires

    def masked_name(self) -> str | None:
        return mask_name(self.name) if self.name is not None else None

    def masked_id(self) -> str | None:
        return mask_id(self.ssn) if self.ssn is not None else None

    def masked_card_number(self) -> str:
        return mask_card_number(self.card_number)

    def age(self, on: date) -> int | None:
        """Completed years on ``on``, or None when the card did not give the birth date."""
        return age_on(self.birth, on) if self.birth is not None else None
