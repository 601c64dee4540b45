"""``printer test`` and the doctor lines, against the emulator and the simulated RS-485 line."""
from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hardware.config import DeviceSettings
from hardware.printer import PrinterStatusUnsupported, TicketPrinter, transport_from_url
from hardware.printer.emulator import PrinterEmulator
from hardware.printer.transport import CupsTransport, SerialTransport, TcpTransport, UsbTransport
from hardware.printer_cli import printer_app, printer_checks
from hardware.rs485.simulator import Rs485Simulator
from tests.hardware._printer_fixtures import (  # noqa: F401  (pytest fixtures)
    fixture_printer_emulator,
    fixture_rs485_sim,
)

pytestmark = pytest.mark.timeout(30)
runner = CliRunner()


def test_printer_test_prints_a_ticket(printer_emulator: PrinterEmulator) -> None:
    result = runner.invoke(printer_app, ["test", "--printer", printer_emulator.url, "--timeout", "0.5"])
    assert result.exit_code == 0, result.output
    assert printer_emulator.wait_for_tickets(1)
    assert b"A001" in printer_emulator.tickets[0]


def test_printer_test_url_from_environment(printer_emulator: PrinterEmulator) -> None:
    env = {"HALL_PRINTER_URL": printer_emulator.url}
    result = runner.invoke(printer_app, ["test", "--timeout", "0.5"], env=env)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("mode", ["out", "offline", "silent"])
def test_printer_test_exit_1_on_fault(printer_emulator: PrinterEmulator, mode: str) -> None:
    printer_emulator.set_mode(mode)  # type: ignore[arg-type]
    result = runner.invoke(printer_app, ["test", "--printer", printer_emulator.url, "--timeout", "0.5"])
    assert result.exit_code == 1
    assert printer_emulator.tickets == []


def test_printer_test_preview_needs_no_printer(tmp_path: Path) -> None:
    target = tmp_path / "preview.png"
    result = runner.invoke(printer_app, ["test", "--preview", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_bytes().startswith(b"\x89PNG")


def test_transport_chosen_by_url() -> None:
    assert isinstance(transport_from_url("tcp://10.0.0.9:9100"), TcpTransport)
    serial = transport_from_url("serial:///dev/ttyUSB0?baudrate=19200")
    assert isinstance(serial, SerialTransport) and (serial.port, serial.baudrate) == ("/dev/ttyUSB0", 19200)
    usb = transport_from_url("usb://04b8:0202")
    assert isinstance(usb, UsbTransport) and (usb.vendor, usb.product) == (0x04B8, 0x0202)
    assert isinstance(transport_from_url("cups://TM_T88"), CupsTransport)
    for bad in ("ftp://x", "usb://zz", "tcp://", "cups://"):
        with pytest.raises(ValueError):
            transport_from_url(bad)


@pytest.mark.peer  # lp, a stand-in, as a process
def test_cups_prints_raw_but_cannot_report_status(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``lp`` is replaced at the OS boundary by a script that keeps the job."""
    lp = tmp_path / "lp"
    lp.write_text(f'#!/bin/sh\necho "$@" > {tmp_path}/args\ncat > {tmp_path}/job\n')
    lp.chmod(lp.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    with TicketPrinter.from_url("cups://TM_T88") as printer:
        assert not printer.can_report_status
        with pytest.raises(PrinterStatusUnsupported):
            printer.status()
        printer.print_bytes(b"\x1b@hello\n")
    assert (tmp_path / "job").read_bytes() == b"\x1b@hello\n"
    assert (tmp_path / "args").read_text().split() == ["-d", "TM_T88", "-o", "raw"]


def test_doctor_lines(printer_emulator: PrinterEmulator, rs485_sim: Rs485Simulator) -> None:
    devices = DeviceSettings(
        printer_url=printer_emulator.url, printer_timeout_s=0.5, rs485_url=rs485_sim.port,
        rs485_units={"w1-screen": 1, "w1-keypad": 2, "w1-evaluator": 3, "w2-screen": 9},
    )
    printer_emulator.set_mode("near_end")
    checks = printer_checks(devices)
    assert [(name, ok) for name, ok, _ in checks] == [
        ("printer", True), ("rs485 w1-screen", True), ("rs485 w1-keypad", True),
        ("rs485 w1-evaluator", True), ("rs485 w2-screen", False),
    ]
    assert "paper_low" in checks[0][2] and "screen, firmware 1.2" in checks[1][2]
    printer_emulator.set_mode("out")
    assert printer_checks(devices)[0][1] is False


def test_doctor_without_devices() -> None:
    assert printer_checks(DeviceSettings()) == [("printer", True, "未配置（不适用）/ not fitted")]
