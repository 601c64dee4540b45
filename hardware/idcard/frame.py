"""SAM frames of the resident ID card reader (GA 467 二代证 SAM protocol): bytes in, bytes out.

Request:  ``AA AA AA 96 69`` + LEN(2, big-endian) + CMD + PARA + data + XOR
Response: ``AA AA AA 96 69`` + LEN(2) + SW1 SW2 SW3 + data + XOR

LEN counts the bytes after it (checksum included); XOR is over LEN and every byte after it.
:class:`FrameDecoder` finds frames in a byte stream, discarding junk before a preamble.
"""
from __future__ import annotations

from dataclasses import dataclass

from hardware.idcard.errors import IdChecksumError, IdReaderGarbled

PREAMBLE = bytes.fromhex("AAAAAA9669")
MAX_LEN = 0x1000  # a read with fingerprint is ~2.3 KB; anything larger is noise

CMD_FIND = (0x20, 0x01)  # 寻找证/卡
CMD_SELECT = (0x20, 0x02)  # 选取证/卡
CMD_READ = (0x30, 0x01)  # 读文字和相片信息
CMD_READ_FP = (0x30, 0x10)  # 读文字、相片和指纹信息
CMD_SAM_ID = (0x12, 0xFF)  # 读 SAM 编号

SW3_OK = 0x90
SW3_FOUND = 0x9F


def checksum(data: bytes) -> int:
    value = 0
    for byte in data:
        value ^= byte
    return value


def _frame(body: bytes) -> bytes:
    counted = (len(body) + 1).to_bytes(2, "big") + body
    return PREAMBLE + counted + bytes([checksum(counted)])


def encode_request(cmd: int, para: int, data: bytes = b"") -> bytes:
    """``encode_request(0x20, 0x01)`` → ``AA AA AA 96 69 00 03 20 01 22``."""
    return _frame(bytes([cmd, para]) + data)


def encode_response(sw3: int, data: bytes = b"", sw1: int = 0, sw2: int = 0) -> bytes:
    """``encode_response(0x9F, bytes(4))`` → ``AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97``."""
    return _frame(bytes([sw1, sw2, sw3]) + data)


@dataclass(frozen=True)
class Request:
    cmd: int
    para: int
    data: bytes

    @classmethod
    def parse(cls, body: bytes) -> Request:
        if len(body) < 2:
            raise IdReaderGarbled("request shorter than CMD PARA")
        return cls(body[0], body[1], body[2:])


@dataclass(frozen=True)
class Response:
    sw1: int
    sw2: int
    sw3: int
    data: bytes

    @classmethod
    def parse(cls, body: bytes) -> Response:
        if len(body) < 3:
            raise IdReaderGarbled("response shorter than SW1 SW2 SW3")
        return cls(body[0], body[1], body[2], body[3:])


class FrameDecoder:
    """Collects bytes and hands out the body (after LEN, before XOR) of each complete frame.

    Bytes before a preamble are junk and counted in ``junk``; a preamble followed by an
    impossible length is junk too. A complete frame with a wrong checksum is dropped and
    :meth:`pop` raises :class:`IdChecksumError` for it. Nothing here ever raises on noise.
    """

    def __init__(self, min_len: int = 3) -> None:
        self.min_len = min_len
        self.buffer = bytearray()
        self.junk = 0

    def feed(self, data: bytes) -> None:
        self.buffer += data

    @property
    def partial(self) -> bool:
        """Whether a frame has started (preamble seen) but not yet fully arrived."""
        return self.buffer.startswith(PREAMBLE)

    def _skip(self, count: int) -> None:
        del self.buffer[:count]
        self.junk += count

    def pop(self) -> bytes | None:
        """The next complete frame's body, or None until more bytes arrive."""
        while True:
            start = self.buffer.find(PREAMBLE)
            if start < 0:
                # keep a tail that may be the start of a preamble split across reads
                tails = range(len(PREAMBLE) - 1, 0, -1)
                keep = next((n for n in tails if self.buffer.endswith(PREAMBLE[:n])), 0)
                self._skip(len(self.buffer) - keep)
                return None
            self._skip(start)
            if len(self.buffer) < len(PREAMBLE) + 2:
                return None
            length = int.from_bytes(self.buffer[5:7], "big")
            if not self.min_len <= length <= MAX_LEN:
                self._skip(1)  # not a real frame: look for the next preamble
                continue
            end = len(PREAMBLE) + 2 + length
            if len(self.buffer) < end:
                return None
            counted = bytes(self.buffer[5:end])
            del self.buffer[:end]
            if checksum(counted[:-1]) != counted[-1]:
                raise IdChecksumError(f"frame of {length} bytes, XOR {counted[-1]:02X}")
            return counted[2:-1]
