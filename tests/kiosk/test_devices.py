"""The kiosk's device adapters on real peers: the SAM ID reader on a pty, the printer emulator, the platform."""
from __future__ import annotations

import queue
import time
from pathlib import Path

import pytest

from hardware.card.holders import find_holder
from hardware.idcard.simulator import SimulatedSamReader
from hardware.printer import RecordSlip
from hardware.printer.emulator import PrinterEmulator
from kiosk import events as ev
from kiosk.gateway.http import HttpGateway
from kiosk.gateway.local import LocalGateway
from kiosk.gateway.server import GatewayServer
from kiosk.runtime.cards import IdCardPoller
from kiosk.runtime.printer import PrinterWorker
from kiosk.runtime.workers import GatewayWorker, gateway_from_settings
from kiosk.settings import KioskSettings
from tests.kiosk.fakes import TODAY, ZHOU
from tests.waiting import eventually

pytestmark = pytest.mark.timeout(30)
FIND = bytes.fromhex("2001")  # 寻卡: the poller asks this once per poll


def next_event(box: queue.SimpleQueue[ev.Event], kind: type, timeout: float = 5.0) -> ev.Event:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            event = box.get(timeout=max(0.01, end - time.monotonic()))
        except queue.Empty:
            break
        if isinstance(event, kind):
            return event
    raise AssertionError(f"no {kind.__name__} within {timeout} s")


@pytest.mark.peer  # the SAM simulator on a pty
def test_id_card_is_read_once_per_placing() -> None:
    box: queue.SimpleQueue[ev.Event] = queue.SimpleQueue()
    sam = SimulatedSamReader(find_holder(ZHOU.id_number))
    url = sam.serve_pty()
    poller = IdCardPoller(url, box.put, poll_s=0.05)
    poller.start()
    try:
        read = next_event(box, ev.IdCardRead)
        assert isinstance(read, ev.IdCardRead) and read.citizen.masked_name() == "周*"
        assert read.citizen.id_number == ZHOU.id_number and read.citizen.source == "idcard"
        asked = len(sam.requests)
        eventually(lambda: sam.requests[asked:].count(FIND) >= 5, 5, "five more polls with the card lying there")
        assert not any(isinstance(box.get_nowait(), ev.IdCardRead) for _ in range(box.qsize()))
        assert set(sam.requests[asked:]) == {FIND}, "nothing read again"
        sam.card_present = False
        asked = len(sam.requests)  # the second poll from here goes out after the first found no card
        eventually(lambda: sam.requests[asked:].count(FIND) >= 2, 5, "the poller found the reader empty")
        sam.card_present = True
        assert isinstance(next_event(box, ev.IdCardRead), ev.IdCardRead)
    finally:
        poller.stop()
        sam.stop()


def test_a_missing_id_reader_is_a_reader_fault(tmp_path: Path) -> None:
    box: queue.SimpleQueue[ev.Event] = queue.SimpleQueue()
    poller = IdCardPoller(str(tmp_path / "no-such-tty"), box.put, poll_s=0.05)
    poller.start()
    try:
        fault = next_event(box, ev.ReaderFault)
        assert isinstance(fault, ev.ReaderFault) and fault.device == "idcard" and fault.fault == "reader_fault"
    finally:
        poller.stop()


@pytest.mark.peer  # the printer emulator on a TCP port
def test_printer_worker_prints_and_reports_paper() -> None:
    box: queue.SimpleQueue[ev.Event] = queue.SimpleQueue()
    with PrinterEmulator(port=0) as emulator:
        url = emulator.url
        worker = PrinterWorker(url, box.put, timeout_s=0.5, poll_s=0.2)
        worker.start()
        try:
            assert next_event(box, ev.PrinterChecked) == ev.PrinterChecked(())
            worker.print_record("r-1", RecordSlip(title="参保证明", lines=["兹证明 周*"]))
            assert next_event(box, ev.PrintFinished) == ev.PrintFinished("r-1", ())
            assert emulator.wait_for_tickets(1) and "参保证明".encode("gb18030") in emulator.tickets[0]
            emulator.set_mode("out")
            worker.print_record("r-2", RecordSlip(title="参保证明"))
            failed = next_event(box, ev.PrintFailed)
            assert isinstance(failed, ev.PrintFailed) and failed.fault == "paper_out" and len(emulator.tickets) == 1
            emulator.set_mode("near_end")
            while (checked := next_event(box, ev.PrinterChecked)) != ev.PrinterChecked(("paper_low",)):
                assert isinstance(checked, ev.PrinterChecked)
        finally:
            worker.stop()
    offline: queue.SimpleQueue[ev.Event] = queue.SimpleQueue()
    worker = PrinterWorker(url, offline.put, timeout_s=0.5, poll_s=5)
    worker.start()
    try:
        assert next_event(offline, ev.PrinterChecked) == ev.PrinterChecked(("printer_no_answer",))
    finally:
        worker.stop()


@pytest.mark.peer  # the platform's HTTP server
def test_http_backend_is_chosen_by_configuration_and_runs_off_the_ui_thread(tmp_path: Path) -> None:
    local = LocalGateway(tmp_path / "platform.db", as_of=TODAY)
    local.open()
    with GatewayServer(local) as server:
        gw = gateway_from_settings(KioskSettings(gateway="http", gateway_url=server.url, gateway_timeout_s=2))
        assert isinstance(gw, HttpGateway)
        box: queue.SimpleQueue[ev.Event] = queue.SimpleQueue()
        worker = GatewayWorker(gw, box.put)
        worker.start()
        try:
            worker.submit("g-1", lambda g: g.qualifications(ZHOU.id_number))
            answer = next_event(box, ev.GatewayAnswered)
            assert isinstance(answer, ev.GatewayAnswered) and answer.result.holder == "周*"
            worker.submit("g-2", lambda g: g.report_card_loss(ZHOU.id_number, "000000"))
            failed = next_event(box, ev.GatewayFailed)
            assert isinstance(failed, ev.GatewayFailed) and failed.error.tries_left == 2  # type: ignore[attr-defined]
        finally:
            worker.stop()
    assert isinstance(gateway_from_settings(KioskSettings(gateway_db=str(tmp_path / "x.db"))), LocalGateway)
