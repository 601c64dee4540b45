"""The QR scanner through a real serial port: pyserial on a pty pair, the simulator on the other end."""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator

import pytest

from hardware.config import DeviceSettings
from hardware.scanner import QrScanner, Scan, ScannerUnavailable, ScannerWatcher
from hardware.scanner.codec import TRIGGER_OFF, TRIGGER_ON
from hardware.scanner.simulator import SimulatedQrScanner
from hardware.scanner.transport import ScannerLink
from tests.waiting import eventually, remains

pytestmark = pytest.mark.timeout(30)

ECARD = "ESSC:1301000000:4F2A9C0D7E11B3A58C62D0F4:20260312101500"  # an e-card code's shape, made up


@pytest.fixture(name="sim")
def _sim() -> Iterator[SimulatedQrScanner]:
    with SimulatedQrScanner() as sim:
        yield sim


def _scanner(sim: SimulatedQrScanner, **options: object) -> QrScanner:
    return QrScanner(str(sim.path), reconnect_s=0.1, **options)  # type: ignore[arg-type]


@pytest.mark.peer  # the scanner simulator on a pty
@pytest.mark.parametrize("suffix", ["CR", "LF", "CRLF"])
def test_continuous_mode_reads_each_code(suffix: str) -> None:
    with SimulatedQrScanner(suffix=suffix) as sim, _scanner(sim, suffix=suffix) as scanner:
        sim.present(ECARD)
        scan = scanner.read(2.0)
        assert scan is not None and scan.code == ECARD
        sim.present("第二个码 2")
        assert (scanner.read(2.0) or Scan("", 0)).code == "第二个码 2"
        assert sim.commands == []  # nothing sent to a scanner in continuous mode
        assert scanner.read(0.2) is None

@pytest.mark.peer  # the scanner simulator on a pty
def test_garbage_on_the_line_is_dropped_and_logged_without_content(
    sim: SimulatedQrScanner, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="hardware.scanner")
    with _scanner(sim) as scanner:
        sim.send_raw(b"\xff\xfe\xfd\r")  # not UTF-8
        sim.send_raw(b"NOISE\x00\x07\r")  # control characters
        sim.send_raw(b"Z" * 5000 + b"\r")  # longer than any code
        sim.send_raw(b"HALFCODE")  # never terminated ...
        assert scanner.read(0.6) is None  # ... and cut off after the silence
        sim.present(ECARD)
        scan = scanner.read(2.0)
    assert scan is not None and scan.code == ECARD
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("not UTF-8" in w for w in warnings) and any("control characters" in w for w in warnings)
    assert any("5000 bytes (longer than any code)" in w for w in warnings)
    assert any("8 bytes (no terminator)" in w for w in warnings)
    assert not any(text in caplog.text for text in ("NOISE", "HALFCODE", ECARD, "ZZZZ"))

@pytest.mark.peer  # the scanner simulator on a pty
def test_the_same_code_twice_within_a_second_counts_once(sim: SimulatedQrScanner) -> None:
    with _scanner(sim) as scanner:
        sim.present(ECARD)
        assert scanner.read(2.0) is not None
        time.sleep(0.3)  # real time: the phone is still held there a moment later
        sim.present(ECARD)  # the phone still held there: the scanner reads it again
        assert scanner.read(0.5) is None
        time.sleep(1.1)  # real time: past the scanner's one-second window
        sim.present(ECARD)  # shown again after a pause: a new login
        assert scanner.read(2.0) is not None

@pytest.mark.peer  # the scanner simulator on a pty
def test_trigger_mode_scans_on_command(sim: SimulatedQrScanner) -> None:
    sim.mode = "trigger"
    with _scanner(sim, mode="trigger") as scanner:
        sim.present(ECARD)
        remains(lambda: not sim.triggered and sim.commands == [], 0.2)  # nothing sent before the kiosk asks
        scan = scanner.read(2.0)
        assert scan is not None and scan.code == ECARD and sim.commands == [TRIGGER_ON]
        assert scanner.read(0.4) is None  # nothing in front of it: the kiosk stops the scan
        eventually(lambda: sim.commands == [TRIGGER_ON, TRIGGER_ON, TRIGGER_OFF], 2.0)
        assert not sim.triggered

@pytest.mark.peer  # the scanner simulator on a pty
def test_pulled_cable_is_reported_and_reconnected(sim: SimulatedQrScanner) -> None:
    scans: list[str] = []
    states: list[bool] = []
    got = threading.Event()

    def on_scan(scan: Scan) -> None:
        scans.append(scan.code)
        got.set()

    scanner = _scanner(sim)
    with ScannerWatcher(scanner, on_scan, states.append):
        eventually(lambda: scanner.connected, 2.0)  # opening the port flushes what came before
        sim.present("BEFORE")
        assert got.wait(2.0)
        got.clear()
        sim.unplug()
        eventually(lambda: not scanner.connected, 3.0)
        assert scanner.fault == "scanner_fault"
        time.sleep(0.3)  # a few failed reopen attempts, no crash
        sim.plug()
        eventually(lambda: scanner.connected, 3.0)
        assert scanner.fault is None
        sim.present("AFTER")
        assert got.wait(2.0)
    assert scans == ["BEFORE", "AFTER"]
    assert states[:3] == [True, False, True]


def test_a_missing_scanner_never_raises_from_read() -> None:
    scanner = QrScanner("/dev/ttyACM-none", reconnect_s=0.1)
    start = time.monotonic()
    assert scanner.read(0.5) is None
    assert 0.45 < time.monotonic() - start < 1.5
    assert scanner.fault == "scanner_fault" and scanner.last_error is not None
    assert "扫码器未连接" in str(scanner.last_error)
    with pytest.raises(ScannerUnavailable):
        scanner.open()

@pytest.mark.peer  # the scanner simulator on a pty
def test_a_watcher_survives_a_failing_callback(sim: SimulatedQrScanner) -> None:
    seen: list[str] = []

    def on_scan(scan: Scan) -> None:
        seen.append(scan.code)
        raise RuntimeError("kiosk bug")

    scanner = _scanner(sim)
    with ScannerWatcher(scanner, on_scan):
        eventually(lambda: scanner.connected, 2.0)
        sim.present("ONE")
        eventually(lambda: seen == ["ONE"], 2.0)  # its callback has failed before the next code comes
        sim.present("TWO")
        eventually(lambda: len(seen) == 2, 2.0)
    assert seen == ["ONE", "TWO"]


def test_loop_url_and_settings() -> None:
    with ScannerLink("loop://") as link:
        link.write(b"ABC\r")
        assert link.read() == b"ABC\r"
    devices = DeviceSettings(scanner_url="loop://", scanner_suffix="CRLF", scanner_mode="trigger")
    scanner = QrScanner.from_settings(devices)
    assert (scanner.url, scanner.mode) == ("loop://", "trigger")
    with scanner:
        # the trigger command comes straight back on a loop: control characters, dropped, no code
        assert scanner.read(0.3) is None
    with pytest.raises(ValueError):
        DeviceSettings(scanner_suffix="TAB")  # type: ignore[arg-type]

@pytest.mark.peer  # the scanner simulator on a pty
def test_doctor_line(sim: SimulatedQrScanner) -> None:
    from hardware.card_cli import _scanner_check

    name, ok, detail = _scanner_check(DeviceSettings(scanner_url=str(sim.path)))
    assert (name, ok) == ("QR scanner", True) and "continuous mode, suffix CR" in detail
    sim.unplug()
    name, ok, detail = _scanner_check(DeviceSettings(scanner_url=str(sim.path)))
    assert (name, ok) == ("QR scanner", False) and "扫码器未连接" in detail
