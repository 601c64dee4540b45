"""The scanner's serial line: opens, writes, reads, closes. Nothing else.

Any URL that ``serial.serial_for_url`` takes works: ``/dev/ttyACM0`` (a USB-CDC scanner),
``/dev/serial/by-id/...``, a pty path, ``socket://host:port``, ``loop://``. pyserial is
imported in ``open``. Every failure is a :class:`ScannerUnavailable`.
"""
from __future__ import annotations

import contextlib
from typing import Any

from hardware.scanner.errors import ScannerUnavailable

DEFAULT_BAUDRATE = 9600  # RS-232 scanners' default; a USB-CDC port ignores it
POLL_S = 0.05  # a read returns what arrived within this time


class ScannerLink:
    """One serial connection to the scanner, opened from a URL."""

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
            raise ScannerUnavailable("pyserial is not installed") from err
        try:
            self._port = serial.serial_for_url(self.url, baudrate=self.baudrate, timeout=POLL_S)
        except (serial.SerialException, OSError, ValueError) as err:
            raise ScannerUnavailable(f"{self.url}: {err}") from err

    def write(self, data: bytes) -> None:
        port = self._require()
        try:
            port.write(data)
            port.flush()
        except Exception as err:  # SerialException or OSError: the device is gone
            raise ScannerUnavailable(f"{self.url}: {err}") from err

    def read(self, max_bytes: int = 4096) -> bytes:
        """What has arrived, up to ``max_bytes``: waits at most ``POLL_S`` for the first byte."""
        port = self._require()
        try:
            data = bytes(port.read(1))
            while data and len(data) < max_bytes:
                waiting = port.in_waiting  # socket:// says only 1/0 here, hence the loop
                if not waiting:
                    break
                data += port.read(min(waiting, max_bytes - len(data)))
        except Exception as err:  # SerialException (EIO: the cable was pulled), OSError
            raise ScannerUnavailable(f"{self.url}: {err}") from err
        return data

    def close(self) -> None:
        port, self._port = self._port, None
        if port is not None:
            with contextlib.suppress(Exception):  # closing a port whose device is gone may fail
                port.close()

    def _require(self) -> Any:
        if self._port is None:
            raise ScannerUnavailable(f"{self.url}: not open")
        return self._port

    def __enter__(self) -> ScannerLink:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
