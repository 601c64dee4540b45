"""ESC/POS encoding and status decoding: pure functions, bytes in and bytes out.

Only the subset the hall's ticket printer needs, byte for byte as in Epson's
ESC/POS reference. Chinese text is sent as raw GB18030 after ``FS &`` (Chinese
character mode), because python-escpos's automatic encoding drops full-width
punctuation such as ``，`` and ``（）``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ESC = b"\x1b"
GS = b"\x1d"
FS = b"\x1c"
DLE = b"\x10"
EOT = b"\x04"
LF = b"\n"

INIT = ESC + b"@"
CHINESE_ON = FS + b"&"
CHINESE_OFF = FS + b"."
CUT_FULL = GS + b"V\x00"
CUT_PARTIAL = GS + b"V\x01"

# Real-time status requests (DLE EOT n) and the byte the printer answers.
STATUS_PRINTER = DLE + EOT + b"\x01"
STATUS_OFFLINE_CAUSE = DLE + EOT + b"\x02"
STATUS_ERROR_CAUSE = DLE + EOT + b"\x03"
STATUS_PAPER = DLE + EOT + b"\x04"

# Every DLE EOT answer has bit 1 and bit 4 set and bits 0 and 7 clear.
_STATUS_FIXED_MASK = 0b1001_0011
_STATUS_FIXED_BITS = 0b0001_0010

Paper = Literal["ok", "near_end", "out", "unknown"]


def align(where: Literal["left", "center", "right"]) -> bytes:
    """``ESC a n``: justification of the following lines."""
    return ESC + b"a" + bytes([{"left": 0, "center": 1, "right": 2}[where]])


def bold(on: bool) -> bytes:
    """``ESC E n``: emphasized mode."""
    return ESC + b"E" + (b"\x01" if on else b"\x00")


def char_size(width: int = 1, height: int = 1) -> bytes:
    """``GS ! n``: character magnification, 1..8 times in each direction."""
    if not (1 <= width <= 8 and 1 <= height <= 8):
        raise ValueError(f"character size {width}x{height} outside 1..8")
    return GS + b"!" + bytes([((width - 1) << 4) | (height - 1)])


def feed(lines: int = 1) -> bytes:
    """``ESC d n``: print and feed n lines."""
    return ESC + b"d" + bytes([max(0, min(lines, 255))])


def text(line: str) -> bytes:
    """A line of text in GB18030 (covers ASCII, GB2312 and full-width punctuation), then LF."""
    return line.encode("gb18030") + LF


def qr(data: str, module_size: int = 6, ec: Literal["L", "M", "Q", "H"] = "M") -> bytes:
    """``GS ( k`` QR code, model 2: select model, module size, error correction, store, print."""
    payload = data.encode("ascii")
    if not payload or len(payload) > 7089:
        raise ValueError("QR data must be 1..7089 ASCII bytes")
    if not 1 <= module_size <= 16:
        raise ValueError("QR module size must be 1..16 dots")
    ec_byte = {"L": 48, "M": 49, "Q": 50, "H": 51}[ec]
    store_len = len(payload) + 3
    return b"".join(
        [
            GS + b"(k\x04\x001A2\x00",  # fn 165: model 2
            GS + b"(k\x03\x001C" + bytes([module_size]),  # fn 167: module size
            GS + b"(k\x03\x001E" + bytes([ec_byte]),  # fn 169: error correction level
            GS + b"(k" + store_len.to_bytes(2, "little") + b"1P0" + payload,  # fn 180: store
            GS + b"(k\x03\x001Q0",  # fn 181: print the stored symbol
        ]
    )


def cut(partial: bool = False) -> bytes:
    """Feed past the cutter and cut (``GS V``)."""
    return feed(4) + (CUT_PARTIAL if partial else CUT_FULL)


def is_status_byte(value: int) -> bool:
    """Whether a byte has the fixed bits every DLE EOT answer carries."""
    return value & _STATUS_FIXED_MASK == _STATUS_FIXED_BITS


def decode_paper(value: int) -> Literal["ok", "near_end", "out"]:
    """Decode the ``DLE EOT 4`` answer: bits 5/6 paper end, bits 2/3 near end."""
    if value & 0b0110_0000:
        return "out"
    if value & 0b0000_1100:
        return "near_end"
    return "ok"


def decode_online(value: int) -> bool:
    """Decode the ``DLE EOT 1`` answer: bit 3 set means offline."""
    return not value & 0b0000_1000


@dataclass(frozen=True)
class OfflineCause:
    """The ``DLE EOT 2`` answer, bit by bit."""

    cover_open: bool
    feed_button: bool
    paper_end_stop: bool
    error: bool


def decode_offline_cause(value: int) -> OfflineCause:
    """Decode ``DLE EOT 2``: bit 2 cover, bit 3 feed button, bit 5 paper end stop, bit 6 error."""
    return OfflineCause(
        cover_open=bool(value & 0b0000_0100),
        feed_button=bool(value & 0b0000_1000),
        paper_end_stop=bool(value & 0b0010_0000),
        error=bool(value & 0b0100_0000),
    )


@dataclass(frozen=True)
class PrinterStatus:
    """What the kiosk reports in ``devices/{id}/status``; fault names are the contract's."""

    online: bool
    paper: Paper
    cover_open: bool = False
    faults: list[str] = field(default_factory=list)

    @property
    def can_print(self) -> bool:
        """True when a ticket would come out (near end still prints)."""
        return self.online and self.paper != "out" and not self.cover_open


def status_from_bytes(printer: int, offline_cause: int | None, paper: int) -> PrinterStatus:
    """Combine the DLE EOT 1, 2 and 4 answers into a :class:`PrinterStatus`."""
    online = decode_online(printer)
    cause = decode_offline_cause(offline_cause) if offline_cause is not None else None
    paper_state = decode_paper(paper)
    if cause is not None and cause.paper_end_stop:
        paper_state = "out"
    cover_open = bool(cause and cause.cover_open)
    faults: list[str] = []
    if not online and not cover_open and paper_state != "out":
        faults.append("printer_offline")  # only when no more specific cause explains it
    if cover_open:
        faults.append("cover_open")
    if paper_state == "out":
        faults.append("paper_out")
    elif paper_state == "near_end":
        faults.append("paper_low")
    return PrinterStatus(online=online, paper=paper_state, cover_open=cover_open, faults=faults)
