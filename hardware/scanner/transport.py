"""The scanner's serial line (any ``serial_for_url`` URL: ``/dev/ttyACM0`` for a USB-CDC scanner,
``/dev/serial/by-id/...``, a pty path, ``socket://host:port``, ``loop://``). Every failure is a
:class:`ScannerUnavailable`.
"""
from __future__ import annotations

from hardware.scanner.errors import ScannerUnavailable
from hardware.serial_line import SerialLine

DEFAULT_BAUDRATE = 9600  # RS-232 scanners' default; a USB-CDC port ignores it


class ScannerLink(SerialLine):
    """One serial connection to the scanner, opened from a URL."""

    error = ScannerUnavailable
    default_baudrate = DEFAULT_BAUDRATE
    poll_s = 0.05
