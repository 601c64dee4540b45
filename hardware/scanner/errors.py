"""What can go wrong with the QR/barcode scanner, in words for the kiosk screen and the log."""
from __future__ import annotations

from hardware.errors import ReaderError


class ScannerError(ReaderError):
    """Base of the scanner's errors (``code``, ``message_zh``, ``message_en``; never a scanned code)."""

    code = "scanner_error"
    message_zh = "扫码器故障，请联系工作人员"
    message_en = "Scanner fault, please ask the staff"


class ScannerUnavailable(ScannerError):
    """The port cannot be opened or broke (cable pulled, wrong path, pyserial missing)."""

    code = "scanner_unavailable"
    message_zh = "扫码器未连接，请联系工作人员"
    message_en = "The scanner is not connected, please ask the staff"
