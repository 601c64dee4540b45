"""The resident ID card's data: the 256-byte UCS-2 text block, the photo, and the result type."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from hall_contract.citizen import age_on, mask_id, mask_name, nation_name, sex_name
from hardware.idcard.errors import IdReaderGarbled

# (field, bytes) in the order of the text block; text is UCS-2 little-endian, space padded
TEXT_LAYOUT: tuple[tuple[str, int], ...] = (
    ("name", 30),
    ("sex", 2),
    ("nation", 4),
    ("birth", 16),
    ("address", 70),
    ("id_number", 36),
    ("authority", 30),
    ("valid_from", 16),
    ("valid_to", 16),
    ("reserved", 36),
)
TEXT_SIZE = 256
PHOTO_SIZE = 1024
LONG_TERM = "长期"


@dataclass(frozen=True)
class IdCardData:
    """What the SAM read from a resident ID card. ``valid_to`` None means 长期 (long-term)."""

    name: str
    gender: str  # "男" / "女"
    nation: str  # "汉", "回", ...
    birth: date
    address: str
    id_number: str
    authority: str  # 签发机关
    valid_from: date
    valid_to: date | None
    photo_wlt: bytes = field(default=b"", repr=False)  # encrypted WLT photo, passed through

    def __repr__(self) -> str:
        return (
            f"IdCardData(name={self.masked_name()!r}, id_number={self.masked_id()!r}, "
            f"valid_to={self.valid_to.isoformat() if self.valid_to else LONG_TERM!r})"
        )

    @property
    def expired(self) -> bool:
        return self.expired_on(date.today())

    def expired_on(self, day: date) -> bool:
        return self.valid_to is not None and day > self.valid_to

    def masked_name(self) -> str:
        return mask_name(self.name)

    def masked_id(self) -> str:
        return mask_id(self.id_number)

    def age(self, on: date) -> int:
        return age_on(self.birth, on)


def _date(text: str, what: str) -> date:
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError as err:
        raise IdReaderGarbled(f"bad {what} date") from err


def decode_text_block(block: bytes) -> dict[str, str]:
    """The 256-byte text block → raw field strings (codes not yet translated)."""
    if len(block) != TEXT_SIZE:
        raise IdReaderGarbled(f"text block of {len(block)} bytes")
    fields: dict[str, str] = {}
    offset = 0
    for name, size in TEXT_LAYOUT:
        try:
            fields[name] = block[offset : offset + size].decode("utf-16-le").strip(" \x00")
        except UnicodeDecodeError as err:
            raise IdReaderGarbled(f"bad UCS-2 in {name}") from err
        offset += size
    return fields


def encode_text_block(fields: dict[str, str]) -> bytes:
    """Raw field strings → the 256-byte text block (for the simulator and tests)."""
    block = b""
    for name, size in TEXT_LAYOUT:
        raw = fields.get(name, "").encode("utf-16-le")
        if len(raw) > size:
            raise ValueError(f"{name} longer than {size // 2} characters")
        block += raw + " ".encode("utf-16-le") * ((size - len(raw)) // 2)
    return block


def id_card_from_block(block: bytes, photo: bytes = b"") -> IdCardData:
    fields = decode_text_block(block)
    for name in ("name", "sex", "nation", "birth", "id_number", "valid_from"):
        if not fields[name]:
            raise IdReaderGarbled(f"empty {name}")
    return IdCardData(
        name=fields["name"],
        gender=sex_name(fields["sex"]),
        nation=nation_name(fields["nation"]),
        birth=_date(fields["birth"], "birth"),
        address=fields["address"],
        id_number=fields["id_number"],
        authority=fields["authority"],
        valid_from=_date(fields["valid_from"], "valid-from"),
        valid_to=None if fields["valid_to"] == LONG_TERM else _date(fields["valid_to"], "valid-to"),
        photo_wlt=photo,
    )


def split_read_data(data: bytes, with_fingerprint: bool = False) -> tuple[bytes, bytes, bytes]:
    """Data of a ``30 01`` (or ``30 10``) answer → (text block, photo, fingerprint)."""
    heads = 3 if with_fingerprint else 2
    if len(data) < 2 * heads:
        raise IdReaderGarbled("read answer without length header")
    sizes = [int.from_bytes(data[2 * i : 2 * i + 2], "big") for i in range(heads)]
    if len(data) != 2 * heads + sum(sizes):
        raise IdReaderGarbled(f"read answer of {len(data)} bytes does not match lengths {sizes}")
    text_end = 2 * heads + sizes[0]
    photo_end = text_end + sizes[1]
    return data[2 * heads : text_end], data[text_end:photo_end], data[photo_end:]


def join_read_data(text: bytes, photo: bytes, fingerprint: bytes | None = None) -> bytes:
    """The inverse of :func:`split_read_data` (for the simulator and tests)."""
    parts = [text, photo] + ([fingerprint] if fingerprint is not None else [])
    return b"".join(len(p).to_bytes(2, "big") for p in parts) + b"".join(parts)
