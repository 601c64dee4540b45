"""The social security card's APDUs and data encodings: bytes in, bytes out, no I/O.

Commands follow ISO 7816-4 as the 社会保障卡 specification (LD/T 32) uses them: the SSSE
application is selected by its name "sx1.sh.社会保障" (GBK), elementary files EF05 (card) and
EF06 (holder) by file id. Each file is a linear file of SIMPLE-TLV records, tag (1 byte),
length (1 byte), value; the tag is the record's identifier.

READ RECORD (``00 B2 P1 P2 Le``) addresses a record two ways, told apart by P2's low 3 bits:

- by record identifier, ``P2 = SFI<<3 | 000`` (first occurrence): P1 is the identifier, i.e.
  the data element's tag. ``00 B2 09 00 00`` reads 姓名 wherever it sits in EF06.
- by record number, ``P2 = SFI<<3 | 100``: P1 is the record's position in the file, 1..n.
  ``00 B2 09 04 00`` reads the ninth record, which EF06 (first record 08) does not have.

SFI 0 means the current EF (the one last selected).
"""
from __future__ import annotations

from datetime import date

from hardware.card.errors import CardGarbled

SSSE_AID = "sx1.sh.社会保障".encode("gbk")
EF_CARD = 0xEF05
EF_HOLDER = 0xEF06
SFI_CARD = 0x05  # the short file identifiers of EF05 and EF06 (their ids' low 5 bits)
SFI_HOLDER = 0x06

# EF05 (卡的基本信息)
TAG_CARD_ID = 0x01  # 卡的识别码, 16 bytes
TAG_CARD_TYPE = 0x02  # 卡的类别, one byte
TAG_SPEC_VERSION = 0x03  # 规范版本, "1.00"/"2.00"/"3.00"
TAG_ISSUER = 0x04  # 初始化机构编号, 12 bytes
TAG_ISSUED = 0x05  # 发卡日期, BCD YYYYMMDD
TAG_EXPIRES = 0x06  # 卡有效期, BCD YYYYMMDD
TAG_CARD_NUMBER = 0x07  # 社会保障卡卡号
# EF06 (持卡人基本信息)
TAG_SSN = 0x08  # 社会保障号码
TAG_NAME = 0x09  # 姓名, GBK
TAG_NAME_EXT = 0x4E  # 姓名扩展, GBK (third generation cards)
TAG_SEX = 0x0A  # 性别, GB/T 2261.1 code as one ASCII digit
TAG_NATION = 0x0B  # 民族, GB 3304 code as one BCD byte
TAG_BIRTHPLACE = 0x0C  # 出生地, GB/T 2260 region code, 3 BCD bytes
TAG_BIRTH = 0x0D  # 出生日期, BCD YYYYMMDD

SW_OK = 0x9000
SW_RECORD_NOT_FOUND = 0x6A83

# READ RECORD P2, low 3 bits (ISO 7816-4, table "P2 of READ RECORD")
P2_FIRST_OCCURRENCE = 0b000  # P1 = record identifier
P2_LAST_OCCURRENCE = 0b001
P2_NEXT_OCCURRENCE = 0b010
P2_PREVIOUS_OCCURRENCE = 0b011
P2_RECORD_NUMBER = 0b100  # P1 = record number
P2_FROM_NUMBER_TO_LAST = 0b101
P2_FROM_LAST_TO_NUMBER = 0b110


def select_aid(aid: bytes = SSSE_AID) -> bytes:
    """SELECT by DF name: ``00 A4 04 00 Lc name``."""
    return bytes([0x00, 0xA4, 0x04, 0x00, len(aid)]) + aid


def select_ef(file_id: int) -> bytes:
    """SELECT an elementary file by its id: ``00 A4 02 00 02 EF 05``."""
    return bytes([0x00, 0xA4, 0x02, 0x00, 0x02]) + file_id.to_bytes(2, "big")


def _read_record(p1: int, mode: int, sfi: int, le: int) -> bytes:
    if not 0 <= sfi <= 30:
        raise ValueError("an SFI is 0 (current EF) to 30")
    if not 0 <= p1 <= 0xFF:
        raise ValueError("P1 is one byte")
    return bytes([0x00, 0xB2, p1, sfi << 3 | mode, le])


def read_record_by_id(record_id: int, *, sfi: int = 0, le: int = 0) -> bytes:
    """READ RECORD, first record whose identifier (tag) is ``record_id``: ``00 B2 id 00 Le``."""
    return _read_record(record_id, P2_FIRST_OCCURRENCE, sfi, le)


def read_record_by_number(number: int, *, sfi: int = 0, le: int = 0) -> bytes:
    """READ RECORD number ``number`` (1 = first record of the file): ``00 B2 nn 04 Le``."""
    return _read_record(number, P2_RECORD_NUMBER, sfi, le)


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


def parse_record(data: bytes) -> tuple[int, bytes]:
    """One SIMPLE-TLV record → ``(tag, value)``; a length that does not fit is garbled."""
    if len(data) < 2 or data[1] != len(data) - 2:
        raise CardGarbled(f"bad record of {len(data)} bytes")
    return data[0], data[2:]


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
