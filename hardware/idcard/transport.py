"""The serial line to a SAM reader: opens, writes, reads, closes. Nothing else.

Any URL that ``serial.serial_for_url`` takes works: ``/dev/ttyUSB0``, a pty path such as
``/dev/pts/5``, ``socket://127.0.0.1:7777``, ``loop://``. pyserial is imported in ``open``.
"""
from __future__ import annotations

from typing import Any

from hardware.idcard.errors import IdReaderUnavailable

DEFAULT_BAUDRATE = 115200  # most SAM readers; some older ones use 9600
POLL_S = 0.02  # a read returns what arrived within this time


class SerialLink:
    """One serial connection, opened from a URL."""

    def __init__(self, url: str, baudrate: int = DEFAULT_BAUDRATE) -> None:
        self.url = url
        self.baudrate = baudrate
        self._port: Any = None

    @property
    def is_open(self) -> bool:
        return self._port is not None

    def open(self) -> None:
        try:
            import serial
        except ImportError as err:  # pragma: no cover - depends on the installation
            raise IdReaderUnavailable("pyserial is not installed") from err
        try:
            self._port = serial.serial_for_url(self.url, baudrate=self.baudrate, timeout=POLL_S)
        except (serial.SerialException, OSError, ValueError) as err:
            raise IdReaderUnavailable(f"{self.url}: {err}") from err

    def write(self, data: bytes) -> None:
        self._require().write(data)
        self._require().flush()

    def read(self, max_bytes: int = 4096) -> bytes:
        """What has arrived, up to ``max_bytes``: waits at most ``POLL_S`` for the first byte."""
        port = self._require()
        data = bytes(port.read(1))
        while data and len(data) < max_bytes:
            waiting = port.in_waiting  # socket:// says only 1/0 here, hence the loop
            if not waiting:
                break
            data += port.read(min(waiting, max_bytes - len(data)))
        return data

    def discard_input(self) -> None:
        self._require().reset_input_buffer()

    def close(self) -> None:
        port, self._port = self._port, None
        if port is not None:
            port.close()

    def _require(self) -> Any:
        if self._port is None:
            raise IdReaderUnavailable(f"{self.url}: not open")
        return self._port

    def __enter__(self) -> SerialLink:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
