"""The QR/barcode scanner as an event source: each code read becomes a ``CodeScanned`` (电子社保卡 login).

The scanner's own watcher (:class:`hardware.scanner.ScannerWatcher`) reads on a thread of its own
and survives a pulled cable; a scanner that is not connected is reported as ``scanner_fault``.
The code is a credential: it goes into the event and nowhere else (no log).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kiosk import events as ev

Post = Callable[[ev.Event], None]


class ScannerService:
    def __init__(self, devices: Any, post: Post) -> None:
        self.devices, self.post = devices, post
        self._watcher: Any = None

    def start(self) -> None:
        from hardware.scanner import QrScanner, ScannerWatcher

        scanner = QrScanner.from_settings(self.devices)
        self._watcher = ScannerWatcher(scanner, lambda scan: self.post(ev.CodeScanned(scan.code)), self._state)
        self._watcher.start()

    def _state(self, connected: bool) -> None:
        self.post(ev.ReaderFault("scanner", None if connected else "scanner_fault"))

    def stop(self) -> None:
        if self._watcher is not None:
            self._watcher.stop()
            self._watcher = None
