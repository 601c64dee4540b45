"""The social security card's APDUs and data encodings: bytes in, bytes out, no I/O.

Commands follow ISO 7816-4 as the 社会保障卡 specification uses them: the SSSE application
is selected by its name "sx1.sh.社会保障" (GBK), elementary files EF05 (card) and EF06
(holder) by file id, and each data element is read by its tag with READ RECORD, P2=04.
Records answer as TLV: tag (1 byte), length (1 byte), value.
"""
from __future__ import annotations

from datetime import date

from hardware.card.errors import CardGarbled

SSSE_AID = "sx1.sh.社会保障".encode("gbk")
EF_CARD = 0xEF05
EF_HOLDER = 0xEF06

# EF05 (卡的基本信息)
TAG_CARD_ID = 0x01  # 卡的识别码, 16 bytes
TAG_SPEC_VERSION = 0x03  # 规范版本, "1.00"/"2.00"/"3.00"
TAG_ISSUED = 0x05  # 发卡日期, BCD YYYYMMDD
TAG_EXPIRES = 0x06  # 卡有效期, BCD YYYYMMDD
TAG_CARD_NUMBER = 0x07  # 社会保障卡卡号
# EF06 (持卡人基本信息)
TAG_SSN = 0x08  # 社会保障号码
TAG_NAME = 0x09  # 姓名, GBK
TAG_NAME_EXT = 0x4E  # 姓名扩展, GBK (third generation cards)
TAG_SEX = 0x0A  # 性别, GB/T 2261.1 code as one ASCII digit
TAG_NATION = 0x0B  # 民族, GB 3304 code as one BCD byte
TAG_BIRTH = 0x0D  # 出生日期, BCD YYYYMMDD

SW_OK = 0x9000


def select_aid(aid: bytes = SSSE_AID) -> bytes:
    """SELECT by DF name: ``00 A4 04 00 Lc name``."""
    return bytes([0x00, 0xA4, 0x04, 0x00, len(aid)]) + aid


def select_ef(file_id: int) -> bytes:
    """SELECT an elementary file by its id: ``00 A4 02 00 02 EF 05``."""
    return bytes([0x00, 0xA4, 0x02, 0x00, 0x02]) + file_id.to_bytes(2, "big")


def read_record_by_tag(tag: int, le: int = 0) -> bytes:
    """READ RECORD of the data element ``tag`` in the current EF: ``00 B2 tag 04 Le``."""
    return bytes([0x00, 0xB2, tag, 0x04, le])


def get_response(le: int) -> bytes:
    """GET RESPONSE for the ``le`` bytes a T=0 card announced with ``61 le``."""
    return bytes([0x00, 0xC0, 0x00, 0x00, le])


def verify_pin(pin: str) -> bytes:
    """VERIFY a 6-digit PIN as 3 BCD bytes: ``00 20 00 00 03 12 34 56``.

    The PIN is checked for shape only; the error message never repeats it.
    """
    if len(pin) != 6 or not pin.isascii() or not pin.isdigit():
        raise ValueError("the PIN must be 6 digits")
    return bytes([0x00, 0x20, 0x00, 0x00, 0x03]) + bcd_encode(pin)


def with_le(apdu: bytes, le: int) -> bytes:
    """The same case-2 command with its Le byte replaced (answer to ``6C le``)."""
    return apdu[:4] + bytes([le]) if len(apdu) == 5 else apdu + bytes([le])


def split_response(response: bytes) -> tuple[bytes, int]:
    """``data + SW1 SW2`` → ``(data, sw)``; fewer than 2 bytes is a garbled answer."""
    if len(response) < 2:
        raise CardGarbled(f"answer of {len(response)} bytes")
    return response[:-2], int.from_bytes(response[-2:], "big")


def bcd_encode(digits: str) -> bytes:
    """``"20190601"`` → ``20 19 06 01``; an odd count is padded with a trailing ``F``."""
    if len(digits) % 2:
        digits += "F"
    return bytes.fromhex(digits)


def bcd_decode(data: bytes) -> str:
    """``20 19 06 01`` → ``"20190601"``; a trailing ``F`` pad is dropped, other nibbles fail."""
    text = data.hex().upper().rstrip("F")
    if not text.isdigit():
        raise CardGarbled(f"bad BCD {data.hex()}")
    return text


def encode_tlv(tag: int, value: bytes) -> bytes:
    if len(value) > 0xFF:
        raise ValueError("TLV value longer than 255 bytes")
    return bytes([tag, len(value)]) + value


def parse_tlv(data: bytes, tag: int) -> bytes:
    """The value of the one TLV element ``tag`` that makes up ``data`` (a record by tag)."""
    if len(data) < 2 or data[0] != tag or data[1] != len(data) - 2:
        raise CardGarbled(f"bad record for tag {tag:02X}")
    return data[2:]


def encode_date(day: date) -> bytes:
    return bcd_encode(day.strftime("%Y%m%d"))


def decode_date(value: bytes) -> date:
    """4 BCD bytes ``YYYYMMDD`` → a date."""
    text = bcd_decode(value)
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except (ValueError, IndexError) as err:
        raise CardGarbled(f"bad date {value.hex()}") from err


def decode_text(value: bytes, encoding: str = "gbk") -> str:
    """A fixed-width text field: padding (00, 20, FF) stripped, GBK (or ASCII) decoded."""
    text = value.rstrip(b"\x00\x20\xff")
    try:
        return text.decode(encoding).strip()
    except UnicodeDecodeError as err:
        raise CardGarbled(f"bad {encoding} text") from err


def encode_text(text: str, width: int, encoding: str = "gbk") -> bytes:
    """Text left-aligned in a ``width``-byte field, padded with 00."""
    raw = text.encode(encoding)
    if len(raw) > width:
        raise ValueError(f"text longer than {width} bytes")
    return raw.ljust(width, b"\x00")


def decode_sex(value: bytes) -> str:
    """性别 is one ASCII digit (``31`` → ``"1"``); some issuers store the binary digit ``01``."""
    if len(value) != 1:
        raise CardGarbled(f"bad sex code {value.hex()}")
    if 0x30 <= value[0] <= 0x39:
        return chr(value[0])
    if value[0] <= 9:
        return str(value[0])
    raise CardGarbled(f"bad sex code {value.hex()}")
