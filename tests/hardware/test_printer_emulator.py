"""TicketPrinter against the TCP emulator: a real socket, real status bytes, every fault switch."""
from __future__ import annotations

import itertools
import time
from pathlib import Path

import pytest

from hardware.printer import (
    PrinterCoverOpen,
    PrinterNoAnswer,
    PrinterOffline,
    PrinterOutOfPaper,
    PrinterUnreachable,
    RecordSlip,
    TicketPrinter,
    TicketSlip,
    ticket_bytes,
)
from hardware.printer.emulator import PrinterEmulator
from hardware.printer.interpreter import parse, render
from tests.hardware._printer_fixtures import (  # noqa: F401  (pytest fixtures)
    SHORT_TIMEOUT_S,
    fixture_printer_emulator,
    fixture_sample_slip,
    fixture_ticket_printer,
)
from tests.waiting import eventually

pytestmark = pytest.mark.timeout(30)
QUERIES = {b"\x10\x04\x01", b"\x10\x04\x02", b"\x10\x04\x04"}
SCREENSHOT = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots" / "printer-ticket.png"


def only_status_queries(data: bytes) -> bool:
    commands, rest = parse(data)
    return not rest and all(c.code + c.args in QUERIES for c in commands)


def test_ticket_arrives_byte_for_byte(printer_emulator: PrinterEmulator, ticket_printer: TicketPrinter,
                                      sample_slip: TicketSlip) -> None:
    status = ticket_printer.print_ticket(sample_slip)
    assert status.faults == [] and status.paper == "ok"
    assert printer_emulator.wait_for_tickets(1)
    assert printer_emulator.tickets == [ticket_bytes(sample_slip)]
    assert bytes(printer_emulator.received).endswith(ticket_bytes(sample_slip))


def test_status_when_ready(ticket_printer: TicketPrinter) -> None:
    status = ticket_printer.status()
    assert (status.online, status.paper, status.cover_open, status.faults) == (True, "ok", False, [])


def test_near_end_prints_and_reports_paper_low(
    printer_emulator: PrinterEmulator, ticket_printer: TicketPrinter, sample_slip: TicketSlip
) -> None:
    printer_emulator.set_mode("near_end")
    status = ticket_printer.print_ticket(sample_slip)
    assert status.faults == ["paper_low"] and status.paper == "near_end"
    assert printer_emulator.wait_for_tickets(1)


@pytest.mark.parametrize(
    ("mode", "error", "fault"),
    [
        ("out", PrinterOutOfPaper, "paper_out"),
        ("offline", PrinterOffline, "printer_offline"),
        ("cover_open", PrinterCoverOpen, "cover_open"),
    ],
)
def test_fault_refuses_and_prints_nothing(printer_emulator: PrinterEmulator, ticket_printer: TicketPrinter,
                                          sample_slip: TicketSlip, mode: str, error: type[Exception],
                                          fault: str) -> None:
    printer_emulator.set_mode(mode)  # type: ignore[arg-type]
    assert ticket_printer.status().faults == [fault]
    with pytest.raises(error) as caught:
        ticket_printer.print_ticket(sample_slip)
    assert "/" in str(caught.value)  # Chinese / English
    # a round trip on the same connection: whatever was sent before it has reached the emulator
    assert ticket_printer.status().faults == [fault]
    assert printer_emulator.tickets == []
    assert only_status_queries(bytes(printer_emulator.received))


def test_silent_printer_times_out_quickly(printer_emulator: PrinterEmulator, ticket_printer: TicketPrinter,
                                          sample_slip: TicketSlip) -> None:
    printer_emulator.set_mode("silent")
    started = time.monotonic()
    assert ticket_printer.status().faults == ["printer_no_answer"]
    with pytest.raises(PrinterNoAnswer, match="无响应"):
        ticket_printer.print_ticket(sample_slip)
    assert time.monotonic() - started < 4 * SHORT_TIMEOUT_S
    assert printer_emulator.tickets == []


def test_recovers_after_fault_is_cleared(printer_emulator: PrinterEmulator, ticket_printer: TicketPrinter,
                                         sample_slip: TicketSlip) -> None:
    printer_emulator.set_mode("silent")
    assert ticket_printer.status().faults == ["printer_no_answer"]
    printer_emulator.set_mode("ok")
    assert ticket_printer.print_ticket(sample_slip).faults == []
    assert printer_emulator.wait_for_tickets(1)


@pytest.mark.peer  # the printer emulator on a TCP port
def test_unreachable_printer_is_a_clear_error() -> None:
    with PrinterEmulator() as emulator:
        url = emulator.url
    printer = TicketPrinter.from_url(url, timeout_s=SHORT_TIMEOUT_S)
    with pytest.raises(PrinterUnreachable, match="无法连接打印机"):
        printer.open()


def test_serial_transport_through_socket_url(
    printer_emulator: PrinterEmulator, sample_slip: TicketSlip
) -> None:
    url = f"serial://socket://127.0.0.1:{printer_emulator.port}?baudrate=9600"
    with TicketPrinter.from_url(url, timeout_s=SHORT_TIMEOUT_S) as printer:
        printer_emulator.set_mode("near_end")
        assert printer.print_ticket(sample_slip).faults == ["paper_low"]
    assert printer_emulator.wait_for_tickets(1)
    assert printer_emulator.tickets == [ticket_bytes(sample_slip)]


def test_record_printout(printer_emulator: PrinterEmulator, ticket_printer: TicketPrinter) -> None:
    ticket_printer.print_record(RecordSlip("个人权益记录", ["姓名：张*", "缴费月数：156"]))
    assert printer_emulator.wait_for_tickets(1)
    assert "个人权益记录".encode("gb18030") in printer_emulator.tickets[0]


@pytest.mark.peer  # the printer emulator on a TCP port
def test_emulator_writes_png_per_ticket(tmp_path: Path, sample_slip: TicketSlip) -> None:
    with PrinterEmulator(out_dir=tmp_path) as emulator, \
            TicketPrinter.from_url(emulator.url, timeout_s=SHORT_TIMEOUT_S) as printer:
        printer.print_ticket(sample_slip)
        assert emulator.wait_for_tickets(1)
        eventually((tmp_path / "ticket-0001.png").exists, 5)
    assert (tmp_path / "ticket-0001.png").stat().st_size > 1000


def test_rendered_ticket_is_readable(sample_slip: TicketSlip) -> None:
    pages = render(ticket_bytes(sample_slip))
    assert len(pages) == 1
    image = pages[0]
    assert image.width == 576 + 32 and image.height > 600
    dark_rows = [y for y in range(image.height)
                 if image.crop((0, y, image.width, y + 1)).getextrema()[0] < 128]
    runs, start = [], dark_rows[0]
    for prev, y in itertools.pairwise(dark_rows):
        if y != prev + 1:
            runs.append((start, prev))
            start = y
    runs.append((start, dark_rows[-1]))
    tall = [r for r in runs if r[1] - r[0] >= 60]  # the 4x number (96 dots) and the QR code
    assert len(tall) >= 2
    number = image.crop((0, tall[0][0], image.width, tall[0][1]))
    assert sum(number.histogram()[:128]) > 2000  # dark pixels in the number area
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    image.save(SCREENSHOT)
