"""Links to a ticket printer, chosen by URL. A transport only opens, writes, reads and closes.

``tcp://host:9100``, ``serial:///dev/ttyUSB0?baudrate=9600`` (any ``serial.serial_for_url``
URL after ``serial://``, e.g. ``serial://socket://host:port``), ``usb://04b8:0202`` and
``cups://QUEUE``. No I/O happens before :meth:`open`.
"""
from __future__ import annotations

import socket
import subprocess
import time
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit

from hardware.printer.errors import PrinterStatusUnsupported, PrinterUnreachable


class PrinterTransport(Protocol):
    """The byte pipe to a printer."""

    url: str
    can_read: bool

    def open(self) -> None: ...
    def write(self, data: bytes) -> None: ...
    def read(self, size: int, timeout_s: float) -> bytes: ...
    def discard_input(self) -> None: ...
    def close(self) -> None: ...


class TcpTransport:
    """Raw TCP (port 9100, "JetDirect") to a network printer or the emulator."""

    can_read = True

    def __init__(self, url: str, host: str, port: int, timeout_s: float) -> None:
        self.url, self.host, self.port, self.timeout_s = url, host, port, timeout_s
        self._sock: socket.socket | None = None

    def open(self) -> None:
        try:
            self._sock = socket.create_connection((self.host, self.port), timeout=self.timeout_s)
        except OSError as err:
            raise PrinterUnreachable(f"{self.url}: {err}") from err

    def write(self, data: bytes) -> None:
        try:
            self._connected().sendall(data)
        except OSError as err:
            raise PrinterUnreachable(f"{self.url}: {err}") from err

    def read(self, size: int, timeout_s: float) -> bytes:
        sock = self._connected()
        sock.settimeout(timeout_s)
        try:
            data = sock.recv(size)
        except TimeoutError:
            return b""
        except OSError as err:
            raise PrinterUnreachable(f"{self.url}: {err}") from err
        finally:
            sock.settimeout(self.timeout_s)
        if not data:
            raise PrinterUnreachable(f"{self.url}: connection closed by the printer")
        return data

    def discard_input(self) -> None:
        sock = self._connected()
        sock.setblocking(False)
        try:
            while sock.recv(256):
                pass
        except (BlockingIOError, OSError):
            pass
        finally:
            sock.settimeout(self.timeout_s)

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def _connected(self) -> socket.socket:
        if self._sock is None:
            raise PrinterUnreachable(f"{self.url}: not open")
        return self._sock


class SerialTransport:
    """A serial printer through ``serial.serial_for_url`` (device path, ``socket://``, ``loop://``)."""

    can_read = True

    def __init__(self, url: str, port: str, baudrate: int, timeout_s: float) -> None:
        self.url, self.port, self.baudrate, self.timeout_s = url, port, baudrate, timeout_s
        self._serial: Any = None

    def open(self) -> None:
        import serial

        try:
            self._serial = serial.serial_for_url(
                self.port, baudrate=self.baudrate, timeout=self.timeout_s, write_timeout=self.timeout_s
            )
        except (serial.SerialException, OSError, ValueError) as err:
            raise PrinterUnreachable(f"{self.url}: {err}") from err

    def write(self, data: bytes) -> None:
        import serial

        try:
            self._port().write(data)
            self._port().flush()
        except (serial.SerialException, OSError) as err:
            raise PrinterUnreachable(f"{self.url}: {err}") from err

    def read(self, size: int, timeout_s: float) -> bytes:
        port = self._port()
        port.timeout = timeout_s
        try:
            return bytes(port.read(size))
        finally:
            port.timeout = self.timeout_s

    def discard_input(self) -> None:
        self._port().reset_input_buffer()

    def close(self) -> None:
        if self._serial is not None:
            self._serial.close()
            self._serial = None

    def _port(self) -> Any:
        if self._serial is None:
            raise PrinterUnreachable(f"{self.url}: not open")
        return self._serial


class UsbTransport:
    """A USB printer class device through python-escpos's ``Usb`` (pyusb, bulk endpoints)."""

    can_read = True

    def __init__(self, url: str, vendor: int, product: int, timeout_s: float) -> None:
        self.url, self.vendor, self.product, self.timeout_s = url, vendor, product, timeout_s
        self._printer: Any = None

    def open(self) -> None:
        from escpos.exceptions import Error as EscposError
        from escpos.printer import Usb

        printer = Usb(self.vendor, self.product, timeout=int(self.timeout_s * 1000))
        try:
            printer.open()
        except (EscposError, OSError) as err:
            raise PrinterUnreachable(f"{self.url}: {err}") from err
        self._printer = printer

    def write(self, data: bytes) -> None:
        try:
            self._usb()._raw(data)
        except OSError as err:  # usb.core.USBError is an OSError
            raise PrinterUnreachable(f"{self.url}: {err}") from err

    def read(self, size: int, timeout_s: float) -> bytes:
        device = self._usb().device
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                data = bytes(device.read(self._usb().in_ep, size, int(timeout_s * 1000)))
            except OSError:
                return b""
            if data:
                return data
        return b""

    def discard_input(self) -> None:
        """USB bulk-in holds no stale answers between requests."""

    def close(self) -> None:
        if self._printer is not None:
            import usb.util

            if self._printer.device is not None:
                usb.util.dispose_resources(self._printer.device)
            self._printer = None

    def _usb(self) -> Any:
        if self._printer is None:
            raise PrinterUnreachable(f"{self.url}: not open")
        return self._printer


class CupsTransport:
    """A CUPS queue fed raw bytes with ``lp -d QUEUE -o raw``. Write-only: no status answers."""

    can_read = False

    def __init__(self, url: str, queue: str, timeout_s: float) -> None:
        self.url, self.queue, self.timeout_s = url, queue, timeout_s

    def open(self) -> None:
        """Nothing to open: each write is one print job."""

    def write(self, data: bytes) -> None:
        try:
            subprocess.run(
                ["lp", "-d", self.queue, "-o", "raw"],
                input=data, check=True, capture_output=True, timeout=max(self.timeout_s, 10.0),
            )
        except (OSError, subprocess.SubprocessError) as err:
            raise PrinterUnreachable(f"{self.url}: {err}") from err

    def read(self, size: int, timeout_s: float) -> bytes:
        raise PrinterStatusUnsupported(self.url)

    def discard_input(self) -> None:
        """Nothing is ever received."""

    def close(self) -> None:
        """Nothing to close."""


def transport_from_url(url: str, timeout_s: float = 3.0) -> PrinterTransport:
    """Build (without opening) the transport a configuration URL names."""
    parts = urlsplit(url)
    if parts.scheme == "tcp":
        if not parts.hostname:
            raise ValueError(f"printer URL {url!r} has no host (tcp://host:9100)")
        return TcpTransport(url, parts.hostname, parts.port or 9100, timeout_s)
    if parts.scheme == "serial":
        query = parse_qs(parts.query)
        baudrate = int(query.get("baudrate", ["9600"])[0])
        port = url[len("serial://") :].split("?", 1)[0]
        if not port:
            raise ValueError(f"printer URL {url!r} names no port (serial:///dev/ttyUSB0)")
        return SerialTransport(url, port, baudrate, timeout_s)
    if parts.scheme == "usb":
        try:
            vendor, product = (int(x, 16) for x in parts.netloc.split(":"))
        except ValueError as err:
            raise ValueError(f"printer URL {url!r}: expected usb://VVVV:PPPP in hex") from err
        return UsbTransport(url, vendor, product, timeout_s)
    if parts.scheme == "cups":
        if not parts.netloc:
            raise ValueError(f"printer URL {url!r} names no queue (cups://QUEUE)")
        return CupsTransport(url, parts.netloc, timeout_s)
    raise ValueError(f"printer URL {url!r}: scheme must be tcp, serial, usb or cups")
