"""The window devices' Modbus register map (docs/rs485-register-map.md): addresses and pure codecs.

All registers are holding registers (read with function 03, written with 06 or 16),
addresses 0-based as on the wire. Text is packed two bytes per register, first byte
in the high half.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

MAP_VERSION = 1

# Identity block, every device, read-only.
DEVICE_TYPE = 0x0000
MAP_VERSION_REG = 0x0001
FIRMWARE = 0x0002  # major << 8 | minor
BOOT_ID = 0x0003  # a new non-zero value at every power-on
IDENTITY_COUNT = 4

# Window LED screen.
SCREEN_BRIGHTNESS = 0x0100  # 0..100 percent
SCREEN_TEXT_LEN = 0x0101  # staged text length in bytes, 0..64
SCREEN_TEXT = 0x0102  # 32 registers: staged GB2312 text
SCREEN_TEXT_REGS = 32
SCREEN_TEXT_MAX_BYTES = 2 * SCREEN_TEXT_REGS
SCREEN_COMMIT = 0x0122  # write any non-zero value: the staged text is displayed
SCREEN_SHOWN = 0x0123  # read-only: the commit value of the text now displayed

# Caller keypad.
KEYPAD_BOOT_ID = 0x0200  # read-only copy of BOOT_ID, so one read gets everything
KEYPAD_COUNT = 0x0201  # read-only: unacknowledged events, 0..16
KEYPAD_EVENTS = 0x0202  # read-only: up to 8 events, 3 registers each (seq, key, arg), oldest first
KEYPAD_EVENT_SLOTS = 8
KEYPAD_FIFO_DEPTH = 16
KEYPAD_BLOCK = 2 + 3 * KEYPAD_EVENT_SLOTS  # 0x0200..0x0219
KEYPAD_ACK = 0x0220  # write the highest seq handled: the device forgets events up to it

# Evaluator (评价器).
EVAL_TICKET = 0x0300  # 4 registers: ticket number, ASCII, zero padded
EVAL_TICKET_REGS = 4
EVAL_TIMEOUT = 0x0304  # seconds the device waits for the citizen, 1..600
EVAL_REQUEST = 0x0305  # write a new non-zero request id (last) to start asking
EVAL_STATE = 0x0310  # read-only: EvalState
EVAL_RESULT_ID = 0x0311  # read-only: request id the state belongs to
EVAL_SCORE = 0x0312  # read-only: 1..5 when rated, else 0
EVAL_RESULT_TICKET = 0x0313  # read-only: 4 registers, the ticket rated
EVAL_BLOCK = 7  # 0x0310..0x0316


class DeviceType(IntEnum):
    """Value of register 0x0000."""

    SCREEN = 1
    KEYPAD = 2
    EVALUATOR = 3


class Key(IntEnum):
    """Key codes in keypad events."""

    CALL_NEXT = 1
    RECALL = 2
    NO_SHOW = 3
    PAUSE = 4
    TRANSFER = 5


class EvalState(IntEnum):
    """Value of register 0x0310."""

    IDLE = 0
    WAITING = 1
    RATED = 2
    TIMED_OUT = 3


SCORE_WORDS = {1: "非常不满意", 2: "不满意", 3: "基本满意", 4: "满意", 5: "非常满意"}


@dataclass(frozen=True)
class Identity:
    """The identity block."""

    device_type: int
    map_version: int
    firmware: int
    boot_id: int

    def describe(self) -> str:
        """``window screen, firmware 1.2, map v1`` for ``hallctl doctor``."""
        try:
            kind = DeviceType(self.device_type).name.lower()
        except ValueError:
            kind = f"unknown type {self.device_type}"
        return f"{kind}, firmware {self.firmware >> 8}.{self.firmware & 0xFF}, map v{self.map_version}"


@dataclass(frozen=True)
class KeyEvent:
    """One key press: ``seq`` counts 1..65535 then wraps to 1; ``arg`` is the transfer target."""

    seq: int
    key: Key
    arg: int = 0

    @property
    def target_queue(self) -> str | None:
        """For TRANSFER: the target queue code (``arg`` holds its ASCII value)."""
        return chr(self.arg) if self.key is Key.TRANSFER and 0x41 <= self.arg <= 0x5A else None


def pack_bytes(data: bytes, registers: int) -> list[int]:
    """Two bytes per register, high byte first, zero padded to ``registers`` registers."""
    if len(data) > 2 * registers:
        raise ValueError(f"{len(data)} bytes do not fit in {registers} registers")
    padded = data.ljust(2 * registers, b"\x00")
    return [(padded[i] << 8) | padded[i + 1] for i in range(0, len(padded), 2)]


def unpack_bytes(registers: list[int], length: int | None = None) -> bytes:
    """Inverse of :func:`pack_bytes`; without ``length`` the zero padding is stripped."""
    data = b"".join(r.to_bytes(2, "big") for r in registers)
    return data[:length] if length is not None else data.rstrip(b"\x00")


def pack_screen_text(text: str) -> list[int]:
    """Length register + 32 text registers for ``text`` in GB2312."""
    try:
        data = text.encode("gb2312")
    except UnicodeEncodeError as err:
        raise ValueError(f"“{text}”含GB2312以外的字符 / text has characters outside GB2312") from err
    if len(data) > SCREEN_TEXT_MAX_BYTES:
        raise ValueError(f"屏幕文字过长 / screen text is {len(data)} bytes, at most {SCREEN_TEXT_MAX_BYTES}")
    return [len(data), *pack_bytes(data, SCREEN_TEXT_REGS)]


def unpack_screen_text(registers: list[int]) -> str:
    """Inverse of :func:`pack_screen_text` (length register first)."""
    return unpack_bytes(registers[1:], registers[0]).decode("gb2312", "replace")


def pack_ticket(number: str) -> list[int]:
    """A ticket number such as ``A001`` in 4 registers (ASCII, at most 8 characters)."""
    data = number.encode("ascii")
    if not data or len(data) > 2 * EVAL_TICKET_REGS:
        raise ValueError(f"ticket number {number!r} must be 1..8 ASCII characters")
    return pack_bytes(data, EVAL_TICKET_REGS)


def unpack_ticket(registers: list[int]) -> str:
    """Inverse of :func:`pack_ticket`."""
    return unpack_bytes(registers).decode("ascii", "replace")


def decode_events(registers: list[int]) -> tuple[int, list[KeyEvent]]:
    """The keypad block (boot id, count, slots) → (boot id, events oldest first)."""
    boot_id, count = registers[0], min(registers[1], KEYPAD_EVENT_SLOTS)
    events = []
    for i in range(count):
        seq, key, arg = registers[2 + 3 * i : 5 + 3 * i]
        if seq and key in Key._value2member_map_:
            events.append(KeyEvent(seq, Key(key), arg))
    return boot_id, events


def encode_events(boot_id: int, pending: int, events: list[KeyEvent]) -> list[int]:
    """Inverse of :func:`decode_events`: the registers a keypad presents at 0x0200."""
    shown = events[:KEYPAD_EVENT_SLOTS]
    slots = [v for e in shown for v in (e.seq, int(e.key), e.arg)]
    return [boot_id, pending, *slots, *[0] * (3 * (KEYPAD_EVENT_SLOTS - len(shown)))]


def seq_after(seq: int, last: int) -> bool:
    """Serial-number order on 1..65535: is ``seq`` newer than ``last``?"""
    return 0 < (seq - last) % 65535 < 32768


def next_seq(seq: int) -> int:
    """The sequence number after ``seq`` (skips 0, which means "none")."""
    return seq % 65535 + 1
