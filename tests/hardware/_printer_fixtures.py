"""Shared fixtures for the printer and RS-485 tests: real peers on real links.

Import the fixtures you use explicitly (no conftest.py); each is defined as
``fixture_NAME`` and requested by tests as ``NAME``, so imports don't shadow arguments:
``from tests.hardware._printer_fixtures import fixture_sample_slip``.
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest

from hardware.printer import TicketPrinter, TicketSlip
from hardware.printer.emulator import PrinterEmulator
from hardware.rs485 import Rs485Bus
from hardware.rs485.sim_devices import EvaluatorModel, KeypadModel, ScreenModel
from hardware.rs485.simulator import Rs485Simulator

SHORT_TIMEOUT_S = 0.5
RS485_TIMEOUT_S = 0.3


@pytest.fixture(name="sample_slip")
def fixture_sample_slip() -> TicketSlip:
    """A ticket with every element, issued 09:15:02 hall time."""
    return TicketSlip(
        hall_name="市民服务中心人社大厅",
        queue_name="综合受理",
        number="A001",
        item_name="养老保险关系转移（跨省），需本人办理",
        ahead=12,
        predicted_wait_min=35,
        issued_at=datetime(2024, 5, 6, 9, 15, 2, tzinfo=timezone(timedelta(hours=8))),
        status_url="http://hall.example/t/A001",
        holder_masked="张*",
    )


@pytest.fixture(name="printer_emulator")
def fixture_printer_emulator() -> Iterator[PrinterEmulator]:
    """The TCP printer emulator on a free port."""
    with PrinterEmulator(port=0) as emulator:
        yield emulator


@pytest.fixture(name="ticket_printer")
def fixture_ticket_printer(printer_emulator: PrinterEmulator) -> Iterator[TicketPrinter]:
    """A ``TicketPrinter`` connected to the emulator with a short timeout."""
    with TicketPrinter.from_url(printer_emulator.url, timeout_s=SHORT_TIMEOUT_S) as printer:
        yield printer


@pytest.fixture(name="rs485_sim")
def fixture_rs485_sim() -> Iterator[Rs485Simulator]:
    """Screen on unit 1, keypad on 2, evaluator on 3, one simulated line."""
    devices = [ScreenModel(1), KeypadModel(2), EvaluatorModel(3)]
    with Rs485Simulator(devices) as sim:
        yield sim


@pytest.fixture(name="rs485_bus")
def fixture_rs485_bus(rs485_sim: Rs485Simulator) -> Iterator[Rs485Bus]:
    """The host's bus on the simulated line."""
    with Rs485Bus(rs485_sim.port, timeout_s=RS485_TIMEOUT_S) as bus:
        yield bus
