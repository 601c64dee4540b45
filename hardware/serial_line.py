"""One serial line opened from a URL: opens, writes, reads, closes. Nothing else.

Any URL that ``serial.serial_for_url`` takes works: a device path (``/dev/ttyUSB0``, ``/dev/ttyACM0``,
``/dev/serial/by-id/...``), a pty path, ``socket://host:port``, ``loop://``. pyserial is imported in
``open``. Every failure is raised as the device's own "unavailable" error (``error``), so a reader or
a scanner reports a pulled cable in its own words.
"""
from __future__ import annotations

import contextlib
from typing import Any, ClassVar, Self


class SerialLine:
    """A serial connection from a URL; a subclass names its device's error and its defaults."""

    error: ClassVar[type[Exception]] = OSError
    default_baudrate: ClassVar[int] = 9600
    poll_s: ClassVar[float] = 0.05  # a read returns what arrived within this time

    def __init__(self, url: str, baudrate: int | None = None) -> None:
        self.url = url
        self.baudrate = baudrate or self.default_baudrate
        self._port: Any = None

    @property
    def is_open(self) -> bool:
        return self._port is not None

    def open(self) -> None:
        try:
            import serial
        except ImportError as err:  # pragma: no cover - depends on the installation
            raise self.error("pyserial is not installed") from err
        try:
            self._port = serial.serial_for_url(self.url, baudrate=self.baudrate, timeout=self.poll_s)
        except (serial.SerialException, OSError, ValueError) as err:
            raise self.error(f"{self.url}: {err}") from err

    def write(self, data: bytes) -> None:
        port = self._require()
        try:
            port.write(data)
            port.flush()
        except Exception as err:  # SerialException or OSError: the device is gone
            raise self.error(f"{self.url}: {err}") from err

    def read(self, max_bytes: int = 4096) -> bytes:
        """What has arrived, up to ``max_bytes``: waits at most ``poll_s`` for the first byte."""
        port = self._require()
        try:
            data = bytes(port.read(1))
            while data and len(data) < max_bytes:
                waiting = port.in_waiting  # socket:// says only 1/0 here, hence the loop
                if not waiting:
                    break
                data += port.read(min(waiting, max_bytes - len(data)))
        except Exception as err:  # SerialException (EIO: the cable was pulled), OSError
            raise self.error(f"{self.url}: {err}") from err
        return data

    def discard_input(self) -> None:
        port = self._require()
        try:
            port.reset_input_buffer()
        except Exception as err:
            raise self.error(f"{self.url}: {err}") from err

    def close(self) -> None:
        port, self._port = self._port, None
        if port is not None:
            with contextlib.suppress(Exception):  # closing a port whose device is gone may fail
                port.close()

    def _require(self) -> Any:
        if self._port is None:
            raise self.error(f"{self.url}: not open")
        return self._port

    def __enter__(self) -> Self:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
