"""The serial line to a SAM reader (any ``serial_for_url`` URL: ``/dev/ttyUSB0``, a pty path such as
``/dev/pts/5``, ``socket://127.0.0.1:7777``, ``loop://``). Every failure is an :class:`IdReaderUnavailable`.
"""
from __future__ import annotations

from hardware.idcard.errors import IdReaderUnavailable
from hardware.serial_line import SerialLine

DEFAULT_BAUDRATE = 115200  # most SAM readers; some older ones use 9600


class SerialLink(SerialLine):
    """One serial connection to the SAM reader, opened from a URL."""

    error = IdReaderUnavailable
    default_baudrate = DEFAULT_BAUDRATE
    poll_s = 0.02
