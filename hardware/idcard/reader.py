"""Reading a resident ID card through a SAM reader on a serial line."""
from __future__ import annotations

import logging
import time
from typing import Protocol

from hardware.idcard import frame
from hardware.idcard.errors import (
    IdCardRemoved,
    IdChecksumError,
    IdReaderGarbled,
    IdReaderTimeout,
    IdReaderUnavailable,
    NoIdCard,
    error_for_status,
)
from hardware.idcard.model import IdCardData, id_card_from_block, split_read_data
from hardware.idcard.transport import DEFAULT_BAUDRATE, SerialLink

log = logging.getLogger(__name__)

GAP_S = 0.3  # silence inside a frame (or after junk) that ends the wait early
RETRIES = 2  # re-sends after a checksum error, ours or the SAM's (SW3 10)
FIND_INTERVAL_S = 0.1


class Link(Protocol):
    def write(self, data: bytes) -> None: ...
    def read(self, max_bytes: int = 4096) -> bytes: ...
    def discard_input(self) -> None: ...


class IdCardReader:
    """A SAM reader at ``url`` (any ``serial_for_url`` URL). Use as a context manager or open/close."""

    def __init__(self, url: str, baudrate: int = DEFAULT_BAUDRATE, link: Link | None = None) -> None:
        self.url = url
        self._serial = SerialLink(url, baudrate) if link is None else None
        self._link: Link | None = link

    def open(self) -> None:
        if self._serial is not None:
            self._serial.open()
            self._link = self._serial

    def close(self) -> None:
        if self._serial is not None:
            self._serial.close()
            self._link = None

    def __enter__(self) -> IdCardReader:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def command(self, cmd: tuple[int, int], timeout_s: float) -> frame.Response:
        """Send one command and answer the SAM's response (any SW3), retrying checksum errors."""
        deadline = time.monotonic() + timeout_s
        for attempt in range(RETRIES + 1):
            try:
                response = self._exchange(frame.encode_request(*cmd), deadline)
            except OSError as err:  # the line itself failed (adapter unplugged, peer gone)
                raise IdReaderUnavailable(f"{self.url}: {err}") from err
            except IdChecksumError:
                if attempt == RETRIES:
                    raise
                log.info("checksum error on %02X %02X, sending again", *cmd)
                continue
            if response.sw3 != 0x10 or attempt == RETRIES:
                return response
        raise AssertionError("unreachable")

    def _exchange(self, request: bytes, deadline: float) -> frame.Response:
        link = self._require()
        decoder = frame.FrameDecoder(min_len=4)
        link.discard_input()  # a late answer to an earlier command must not count for this one
        link.write(request)
        last_byte = time.monotonic()
        while True:
            body = decoder.pop()
            if body is not None:
                return frame.Response.parse(body)
            now = time.monotonic()
            quiet = now - last_byte
            if decoder.partial and quiet > GAP_S:
                raise IdCardRemoved(f"frame cut after {len(decoder.buffer)} bytes")
            if (decoder.junk or decoder.buffer) and quiet > GAP_S:
                raise IdReaderGarbled(f"{decoder.junk + len(decoder.buffer)} bytes without a frame")
            if now > deadline:
                raise IdReaderTimeout(f"no answer from {self.url}")
            chunk = link.read()
            if chunk:
                decoder.feed(chunk)
                last_byte = time.monotonic()

    def _require(self) -> Link:
        if self._link is None:
            raise IdReaderTimeout(f"{self.url}: reader not open")
        return self._link

    def sam_id(self, timeout_s: float = 2.0) -> str:
        """The SAM's serial number (hex): proves the reader and its security module answer."""
        response = self.command(frame.CMD_SAM_ID, timeout_s)
        if response.sw3 != frame.SW3_OK:
            raise error_for_status(response.sw3)
        return response.data.hex().upper()

    def find_card(self, timeout_s: float = 1.0) -> bool:
        """Whether a card lies on the reader (one 寻卡)."""
        response = self.command(frame.CMD_FIND, timeout_s)
        if response.sw3 == frame.SW3_FOUND:
            return True
        if response.sw3 == 0x80:
            return False
        raise error_for_status(response.sw3)

    def read_card(self, timeout_s: float = 5.0) -> IdCardData:
        """Wait up to ``timeout_s`` for a card, then select and read it."""
        deadline = time.monotonic() + timeout_s
        while not self.find_card(_left(deadline)):
            if time.monotonic() + FIND_INTERVAL_S > deadline:
                raise NoIdCard(f"none within {timeout_s:g} s")
            time.sleep(FIND_INTERVAL_S)
        selected = self.command(frame.CMD_SELECT, _left(deadline))
        if selected.sw3 != frame.SW3_OK:
            raise error_for_status(selected.sw3)
        answer = self.command(frame.CMD_READ, _left(deadline))
        if answer.sw3 != frame.SW3_OK:
            raise error_for_status(answer.sw3)
        text, photo, _fingerprint = split_read_data(answer.data)
        return id_card_from_block(text, photo)


def _left(deadline: float) -> float:
    return max(0.05, deadline - time.monotonic())


def read_id_card(url: str, timeout_s: float = 5.0, baudrate: int = DEFAULT_BAUDRATE) -> IdCardData:
    """Open the reader at ``url``, read one card within ``timeout_s``, close."""
    with IdCardReader(url, baudrate) as reader:
        return reader.read_card(timeout_s)
