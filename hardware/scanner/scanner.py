"""The QR/barcode scanner (电子社保卡 login): codes from a serial port, whatever happens on the line.

:class:`QrScanner` reads in the caller's thread (``read(timeout_s)``); :class:`ScannerWatcher`
runs it in a thread of its own and calls back with each code. Garbage and repeated codes are
dropped with a log line that never shows the code; a port that fails (the cable pulled) is
closed and reopened every ``reconnect_s`` until the scanner is back.
"""
from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

from hardware.scanner.codec import (
    DEDUPE_S,
    MAX_CODE_BYTES,
    TRIGGER_OFF,
    TRIGGER_ON,
    Deduplicator,
    Event,
    LineDecoder,
    Scan,
    suffix_bytes,
)
from hardware.scanner.errors import ScannerUnavailable
from hardware.scanner.transport import DEFAULT_BAUDRATE, ScannerLink

if TYPE_CHECKING:
    from hardware.config import DeviceSettings

log = logging.getLogger(__name__)

MODES = ("continuous", "trigger")
FAULT = "scanner_fault"  # the device-status fault while the scanner is not connected


class QrScanner:
    """The scanner on ``url``. Nothing is opened before :meth:`open` or the first :meth:`read`.

    ``mode="continuous"``: the scanner sends every code it sees. ``mode="trigger"``: each
    ``read`` sends the trigger command first and the stop command when it returns.
    """

    def __init__(
        self,
        url: str,
        *,
        baudrate: int = DEFAULT_BAUDRATE,
        suffix: str = "CR",
        mode: str = "continuous",
        dedupe_s: float = DEDUPE_S,
        max_code_bytes: int = MAX_CODE_BYTES,
        reconnect_s: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"scanner mode must be one of {', '.join(MODES)}, not {mode!r}")
        self.url, self.mode, self.reconnect_s, self.clock = url, mode, reconnect_s, clock
        self._link = ScannerLink(url, baudrate)
        self._decoder = LineDecoder(suffix_bytes(suffix), max_code_bytes=max_code_bytes)
        self._dedupe = Deduplicator(dedupe_s)
        self._ready: deque[Scan] = deque()
        self._closed = threading.Event()
        self._next_attempt = 0.0
        self.connected = False
        self.last_error: ScannerUnavailable | None = None

    @classmethod
    def from_settings(cls, devices: DeviceSettings) -> QrScanner:
        if not devices.scanner_url:
            raise ValueError("no scanner configured (devices.scanner_url)")
        return cls(
            devices.scanner_url,
            baudrate=devices.scanner_baudrate,
            suffix=devices.scanner_suffix,
            mode=devices.scanner_mode,
            dedupe_s=devices.scanner_dedupe_s,
        )

    @property
    def fault(self) -> str | None:
        """``"scanner_fault"`` while the port is not open, else None."""
        return None if self.connected else FAULT

    def open(self) -> None:
        """Open the port now; raises :class:`ScannerUnavailable` (``read`` would keep retrying)."""
        self._closed.clear()
        if not self._link.is_open:
            self._link.open()
            self._connected(True)

    def close(self) -> None:
        """Close the port; a ``read`` running in another thread returns None soon after."""
        self._closed.set()
        self._link.close()
        self.connected = False

    def __enter__(self) -> QrScanner:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def read(self, timeout_s: float) -> Scan | None:
        """The next code within ``timeout_s``, or None. Never raises for line trouble."""
        deadline = self.clock() + timeout_s
        triggered = False
        try:
            while not self._ready:
                now = self.clock()
                if now >= deadline or self._closed.is_set():
                    return None
                if not self._link.is_open and not self._reopen(now):
                    self._closed.wait(min(max(self._next_attempt - now, 0.01), deadline - now))
                    continue
                if self.mode == "trigger" and not triggered:
                    triggered = self._send(TRIGGER_ON)
                    continue
                try:
                    data = self._link.read()
                except ScannerUnavailable as err:
                    self._lost(err)
                    triggered = False
                    continue
                events = self._decoder.feed(data, self.clock()) if data else self._decoder.expire(self.clock())
                if events and self.mode == "trigger":
                    triggered = False  # a scanner ends its trigger after each read: trigger again
                self._take(events)
            return self._ready.popleft()
        finally:
            if triggered:
                self._send(TRIGGER_OFF)

    def _take(self, events: list[Event]) -> None:
        for event in events:
            if isinstance(event, Scan):
                event = self._dedupe.check(event)
            if isinstance(event, Scan):
                self._ready.append(event)
            elif event.reason == "duplicate":
                log.debug("scanner %s: same code again within the de-duplication window, dropped", self.url)
            else:
                log.warning("scanner %s: dropped %d bytes (%s)", self.url, event.length, _REASONS[event.reason])

    def _send(self, command: bytes) -> bool:
        try:
            self._link.write(command)
        except ScannerUnavailable as err:
            self._lost(err)
            return False
        return True

    def _reopen(self, now: float) -> bool:
        if now < self._next_attempt:
            return False
        try:
            self._link.open()
        except ScannerUnavailable as err:
            self._next_attempt = now + self.reconnect_s
            if self.last_error is None or str(err) != str(self.last_error):
                log.warning("scanner %s not available: %s", self.url, err.detail)
            self.last_error = err
            self._connected(False)
            return False
        self._connected(True)
        return True

    def _lost(self, err: ScannerUnavailable) -> None:
        if self._closed.is_set():
            return
        log.warning("scanner %s lost (%s); reconnecting every %g s", self.url, err.detail, self.reconnect_s)
        self.last_error = err
        self._link.close()
        self._connected(False)
        self._next_attempt = self.clock() + min(self.reconnect_s, 0.2)  # a quick first try: a glitch

    def _connected(self, value: bool) -> None:
        if value and not self.connected:
            log.info("scanner %s connected (%s mode)", self.url, self.mode)
            self.last_error = None
        self.connected = value


_REASONS = {
    "too_long": "longer than any code",
    "not_utf8": "not UTF-8",
    "control": "control characters",
    "no_terminator": "no terminator",
}


class ScannerWatcher:
    """Runs ``scanner.read`` in a thread; calls ``on_scan(code)`` for each code and
    ``on_state(connected)`` when the scanner comes or goes. Callbacks run on that thread:
    keep them quick and hand the event to your own loop (never touch a UI from here)."""

    def __init__(
        self,
        scanner: QrScanner,
        on_scan: Callable[[Scan], None],
        on_state: Callable[[bool], None] | None = None,
    ) -> None:
        self.scanner, self.on_scan, self.on_state = scanner, on_scan, on_state
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="qr-scanner", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self.scanner.close()
        if self._thread is not None:
            self._thread.join(timeout=5.0)
            self._thread = None

    def __enter__(self) -> ScannerWatcher:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _run(self) -> None:
        reported: bool | None = None
        while not self._stop.is_set():
            scan = self.scanner.read(0.25)
            if self.on_state is not None and self.scanner.connected != reported and not self._stop.is_set():
                reported = self.scanner.connected
                self._call(self.on_state, reported)
            if scan is not None:
                self._call(self.on_scan, scan)

    @staticmethod
    def _call(callback: Callable[..., None], *args: object) -> None:
        try:
            callback(*args)
        except Exception:  # a failing callback must not end the watcher
            log.exception("scanner callback failed")
