"""End to end on real peers: a virtual card behind pcscd, ``hallctl server``, Mosquitto, the printer emulator.

王建国 (born 1941) inserts his card and, with no PIN (the card says who he is), takes an A ticket in
the real kiosk window: the server holds an elderly-priority ticket A001 and the printer emulator
holds its GB18030 bytes.
"""
from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hardware.printer.emulator import PrinterEmulator
from kiosk.runtime import KioskRuntime
from kiosk.settings import load_kiosk_settings as load_settings
from tests.hardware._card_fixtures import VPCD_READER, WANG, wait_for_card
from tests.kiosk.fakes import HALL_TOML, FakeSpeaker
from tests.peers import Collector, ServerProcess

ITEM = "企业职工基本养老保险关系转移接续"  # SB-004, queue A


@pytest.fixture
def emulator() -> Iterator[PrinterEmulator]:
    with PrinterEmulator(port=0) as emu:
        yield emu


@pytest.fixture
def kiosk(server: ServerProcess, emulator: PrinterEmulator, tmp_path: Path, pcscd: str) -> Iterator[KioskRuntime]:
    env = dict(server.env)
    env.update({"HALL_DEVICES__PRINTER_URL": emulator.url, "HALL_DEVICES__CARD_READER": VPCD_READER,
                "HALL_DEVICES__PRINTER_TIMEOUT_S": "1", "HALL_KIOSK__GATEWAY_DB": str(tmp_path / "platform.db"),
                "HALL_KIOSK__DEVICE_ID": "kiosk-e2e"})
    runtime = KioskRuntime(load_settings(HALL_TOML, env=env), speaker=FakeSpeaker())
    runtime.start()
    yield runtime
    runtime.stop()


@pytest.mark.timeout(90)
def test_elderly_holder_takes_an_a_ticket_with_the_card_and_no_pin(kiosk: KioskRuntime, server: ServerProcess,
                                                             emulator: PrinterEmulator, virtual_card: Any,
                                                             kivy_window: type[Any]) -> None:
    m = kiosk.model
    status = Collector(kiosk.settings.server.mqtt_url, (kiosk.link.status_topic,))
    ui = kivy_window(m, time.monotonic)
    try:
        assert ui.until(lambda: m.hall.issuing, 15), m.hall.pause_reason()
        assert status.wait_for(lambda ms: any(b'"online"' in p for _, p, _, _ in ms), 5)
        card = virtual_card(WANG)
        assert ui.until(lambda: m.session.authenticated, 10), m.screen
        assert "王* 您好" in ui.texts() and m.screen == "home"
        assert m.session.elderly and m.screen == "home"
        ui.tap("取号")
        ui.tap("社会保障")
        ui.tap(ITEM)
        assert any("1. 居民身份证" in text for text in ui.texts())  # its 办事指南 first
        ui.tap("材料已备齐，取号")
        assert ui.until(lambda: len(emulator.tickets) == 1 and m.ticket is not None and m.ticket.state == "printed",
                        10), (m.screen, emulator.tickets)
        ui.screenshot("e2e-ticket")
        code, ticket = server.api("GET", "/api/tickets/A001")
        assert code == 200 and ticket["priority"] == "elderly" and ticket["queue"] == "A"
        assert ticket["item"] == "SB-004" and ticket["state"] == "waiting"
        printed = emulator.tickets[0]
        for text in ("A001", ITEM, "持卡人：王*", "综合受理"):
            assert text.encode("gb18030") in printed, text
        assert WANG.encode() not in printed and "王建国".encode("gb18030") not in printed
        card.remove()  # taking the card after the ticket: the ticket stays on screen, nobody is known
        wait_for_card(VPCD_READER, present=False)
        assert ui.until(lambda: m.session.citizen is None, 5)  # the kiosk saw the card go
        ui.stays(lambda: m.screen == "ticket" and m.session.citizen is None, 0.5)
    finally:
        ui.close()
        status.close()
