"""The QR/barcode scanner for the 电子社保卡 (e-card) login, on a serial (USB-CDC) port.

``codec`` splits the byte stream into codes (suffix, bounds, de-duplication; pure),
``transport`` opens the port from any ``serial_for_url`` URL, ``scanner`` reads codes in
continuous or command-trigger mode and survives a pulled cable, ``simulator`` is a scanner
on a pty pair.
"""
from hardware.scanner.codec import Dropped, LineDecoder, Scan
from hardware.scanner.errors import ScannerError, ScannerUnavailable
from hardware.scanner.scanner import QrScanner, ScannerWatcher

__all__ = [
    "Dropped",
    "LineDecoder",
    "QrScanner",
    "Scan",
    "ScannerError",
    "ScannerUnavailable",
    "ScannerWatcher",
]
