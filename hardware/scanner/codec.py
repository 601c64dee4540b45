"""What a 2D hall scanner sends on its serial (USB-CDC) port, decoded: bytes in, codes out, no I/O.

A scanner in continuous (sense) mode sends each decoded code as text followed by a suffix,
CR by default (configurable to LF or CR LF); in command-trigger mode it scans only after the
host sends the trigger command (``SYN T CR``) and stops at ``SYN U CR`` or after one read.

The decoder is strict about what a bad cable or a wrong setting puts on the line. A line is
dropped, with the reason, when it is longer than ``max_code_bytes``, is not UTF-8, holds
control characters, or never gets its terminator (no byte for ``idle_s``). Nothing it drops
or keeps is ever put into a message: a code may be a citizen's login credential, so results
carry only its length.

Time is passed in (``now``, seconds on any monotonic clock), so the decoder is pure.
"""
from __future__ import annotations

from dataclasses import dataclass

SUFFIXES = {"CR": b"\r", "LF": b"\n", "CRLF": b"\r\n"}
TRIGGER_ON = b"\x16T\r"  # SYN T CR: start scanning (serial command-trigger mode)
TRIGGER_OFF = b"\x16U\r"  # SYN U CR: stop scanning
MAX_CODE_BYTES = 4096  # a version 40 QR code holds at most 2,953 bytes
IDLE_S = 0.3  # a line with no byte for this long and no terminator is cut off
DEDUPE_S = 1.0
# C0 controls other than HT and GS (GS1 codes use GS as a field separator), and DEL
_CONTROL = frozenset(range(0x20)) - {0x09, 0x1D} | {0x7F}


@dataclass(frozen=True)
class Scan:
    """One decoded code. Its repr shows the length only: the text may be a login credential."""

    code: str
    at: float  # when its terminator arrived (the caller's monotonic clock)

    def __repr__(self) -> str:
        return f"Scan(<{len(self.code)} characters>, at={self.at:.3f})"


@dataclass(frozen=True)
class Dropped:
    """A line thrown away: ``reason`` is one of ``too_long``, ``not_utf8``, ``control``,
    ``no_terminator``, ``duplicate``; ``length`` is its size in bytes."""

    reason: str
    length: int


Event = Scan | Dropped


def suffix_bytes(name: str) -> bytes:
    """``"CR"`` → ``b"\\r"``; an unknown name is a ValueError naming the choices."""
    try:
        return SUFFIXES[name.upper()]
    except KeyError:
        raise ValueError(f"scanner suffix must be one of {', '.join(SUFFIXES)}, not {name!r}") from None


class LineDecoder:
    """Splits the byte stream into codes at ``suffix``; see the module docstring for what it drops."""

    def __init__(self, suffix: bytes = b"\r", *, max_code_bytes: int = MAX_CODE_BYTES, idle_s: float = IDLE_S) -> None:
        if suffix not in SUFFIXES.values():
            raise ValueError("suffix must be CR, LF or CR LF")
        self.suffix = suffix
        self.max_code_bytes = max_code_bytes
        self.idle_s = idle_s
        self._buffer = bytearray()
        self._overflow = 0  # bytes of an over-long line thrown away so far (0: not in one)
        self._last_byte_at: float | None = None

    def feed(self, data: bytes, now: float) -> list[Event]:
        """Take the bytes that arrived at ``now``; answer the lines they completed."""
        events = self.expire(now)
        if data:
            self._last_byte_at = now
        self._buffer += data
        while True:
            end = self._buffer.find(self.suffix)
            if end < 0:
                break
            line = bytes(self._buffer[:end])
            del self._buffer[: end + len(self.suffix)]
            events += self._line(line, now)
        if len(self._buffer) > self.max_code_bytes:
            self._overflow += len(self._buffer)
            self._buffer.clear()
        return events

    def expire(self, now: float) -> list[Event]:
        """Cut off a line whose terminator has not come within ``idle_s`` of its last byte."""
        pending = len(self._buffer) + self._overflow
        if not pending or self._last_byte_at is None or now - self._last_byte_at < self.idle_s:
            return []
        self._buffer.clear()
        self._overflow = 0
        return [Dropped("no_terminator", pending)]

    def _line(self, line: bytes, now: float) -> list[Event]:
        if self._overflow:
            length, self._overflow = self._overflow + len(line), 0
            return [Dropped("too_long", length)]
        line = line.strip(b"\r\n")  # a CR or LF left over when the scanner's suffix is set differently
        if not line:
            return []
        if len(line) > self.max_code_bytes:
            return [Dropped("too_long", len(line))]
        try:
            code = line.decode("utf-8")
        except UnicodeDecodeError:
            return [Dropped("not_utf8", len(line))]
        if any(ord(ch) in _CONTROL for ch in code):
            return [Dropped("control", len(line))]
        return [Scan(code, now)]


class Deduplicator:
    """Drops a code seen again within ``window_s`` of its previous sighting.

    A continuous scanner re-reads a phone held in front of it every fraction of a second:
    while it is held, only the first read counts; shown again after a pause, it counts again.
    """

    def __init__(self, window_s: float = DEDUPE_S) -> None:
        self.window_s = window_s
        self._last: tuple[str, float] | None = None

    def check(self, scan: Scan) -> Event:
        previous, self._last = self._last, (scan.code, scan.at)
        if previous is not None and previous[0] == scan.code and scan.at - previous[1] < self.window_s:
            return Dropped("duplicate", len(scan.code.encode("utf-8")))
        return scan
