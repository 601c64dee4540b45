"""The card flows end to end on real peers: the virtual card behind pcscd, the SAM reader and the QR scanner
on ptys, ``hallctl server``, Mosquitto and the printer emulator, driven through the real kiosk window.

- 王建国's card takes a ticket with no PIN, a second one in the same session, then is left in the reader:
  the kiosk asks for it aloud and reports ``card_left`` on its device status until it is taken out.
- 临时挂失 by ID card: a confirmation, the service PIN once, a receipt with the reference printed, and
  the visit over when the ID card is lifted.
- 电子社保卡: the code shown to the scanner signs its holder in, checked by the platform.
"""
from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from hardware.idcard.simulator import SimulatedSamReader
from hardware.printer.emulator import PrinterEmulator
from hardware.scanner.simulator import SimulatedQrScanner
from kiosk.gateway.local import LocalGateway
from kiosk.runtime import KioskRuntime
from kiosk.settings import load_kiosk_settings as load_settings
from tests.hardware._card_fixtures import VPCD_READER, WANG, wait_for_card
from tests.kiosk.fakes import HALL_TOML, ZHOU, FakeSpeaker
from tests.peers import Collector, ServerProcess

pytestmark = [pytest.mark.timeout(120), pytest.mark.peer]
MakeKiosk = Callable[..., KioskRuntime]


@pytest.fixture
def emulator() -> Iterator[PrinterEmulator]:
    with PrinterEmulator(port=0) as emu:
        yield emu


@pytest.fixture
def make_kiosk(server: ServerProcess, emulator: PrinterEmulator, tmp_path: Path) -> Iterator[MakeKiosk]:
    started: list[KioskRuntime] = []

    def make(*, card_reader: bool = False, **env_extra: str) -> KioskRuntime:
        env = dict(server.env)
        env.update({"HALL_DEVICES__PRINTER_URL": emulator.url, "HALL_DEVICES__PRINTER_TIMEOUT_S": "1",
                    "HALL_KIOSK__GATEWAY_DB": str(tmp_path / "platform.db"), "HALL_KIOSK__DEVICE_ID": "kiosk-cards",
                    "HALL_KIOSK__TICKET_SCREEN_S": "30", "HALL_KIOSK__CARD_LEFT_S": "1.5"})
        if card_reader:
            env["HALL_DEVICES__CARD_READER"] = VPCD_READER
        env.update(env_extra)
        runtime = KioskRuntime(load_settings(HALL_TOML, env=env), card_reader=card_reader, speaker=FakeSpeaker())
        runtime.start()
        started.append(runtime)
        return runtime

    yield make
    for runtime in started:
        runtime.stop()


def faults(status: Collector) -> list[list[str]]:
    return [json.loads(p).get("faults", []) for _, p, _, _ in status.messages]


def said(kiosk: KioskRuntime) -> list[str]:
    return kiosk.model.guide.speaker.said  # type: ignore[attr-defined, no-any-return]


def test_a_card_takes_two_tickets_without_a_pin_and_is_missed_when_left_behind(
        make_kiosk: MakeKiosk, server: ServerProcess, emulator: PrinterEmulator, virtual_card: Any,
        kivy_window: type[Any]) -> None:
    kiosk = make_kiosk(card_reader=True)
    m = kiosk.model
    status = Collector(kiosk.settings.server.mqtt_url, (kiosk.link.status_topic,))
    ui = kivy_window(m, time.monotonic)
    try:
        assert ui.until(lambda: m.hall.issuing, 15), m.hall.pause_reason()
        card = virtual_card(WANG)
        assert ui.until(lambda: m.session.citizen is not None and m.screen == "home", 10), m.screen
        assert "王* 您好" in ui.texts() and m.keypad.count == 0
        ui.tap("取号")
        ui.tap("社会保障")
        ui.tap("企业职工基本养老保险关系转移接续")
        if m.screen == "guide":  # the item's 办事指南 first, where the hall has one
            ui.tap("材料已备齐，取号")
        assert ui.until(lambda: len(emulator.tickets) == 1 and m.ticket is not None and m.ticket.state == "printed",
                        10), (m.screen, emulator.tickets)
        ui.tap("完成")
        assert m.screen == "take_card" and "请取回社保卡" in ui.texts() and said(kiosk)[-1] == "请取回您的社保卡"
        ui.tap("继续办理其他业务")
        ui.tap("取号")
        ui.tap("公共服务")
        ui.tap("限时业务结果领取")
        if m.screen == "guide":
            ui.tap("材料已备齐，取号")
        assert ui.until(lambda: len(emulator.tickets) == 2 and m.ticket is not None and m.ticket.state == "printed",
                        10), (m.screen, emulator.tickets)
        for number in ("A001", "B001"):
            code, ticket = server.api("GET", f"/api/tickets/{number}")
            assert code == 200 and ticket["priority"] == "elderly", (number, ticket)
        ui.tap("完成")
        assert ui.until(lambda: m.farewell.left, 5)
        assert status.wait_for(lambda ms: ["card_left"] in [json.loads(p).get("faults") for _, p, _, _ in ms], 5)
        assert said(kiosk)[-1] == "您的社保卡还在读卡器中，请取回" and m.session.citizen is None
        ui.screenshot("card-left-behind")
        card.remove()
        wait_for_card(VPCD_READER, present=False)
        assert ui.until(lambda: m.screen == "home", 5)
        assert status.wait_for(lambda ms: json.loads(ms[-1][1]).get("faults") == [], 5), faults(status)
    finally:
        ui.close()
        status.close()


def test_a_lost_card_is_reported_by_id_card_with_a_printed_receipt(
        make_kiosk: MakeKiosk, emulator: PrinterEmulator, sam: tuple[SimulatedSamReader, str],
        kivy_window: type[Any]) -> None:
    sim, url = sam
    sim.card_present = False
    kiosk = make_kiosk(HALL_DEVICES__IDCARD_URL=url)
    m = kiosk.model
    ui = kivy_window(m, time.monotonic)
    try:
        ui.tap("自助服务")
        assert m.screen == "auth"
        sim.card_present = True
        assert ui.until(lambda: m.screen == "services", 10), m.screen
        ui.tap("社保卡临时挂失")
        assert m.screen == "message" and "确认临时挂失" in ui.texts()
        ui.tap("确认挂失")
        assert m.screen == "pin"
        for digit in "463260":
            ui.tap(digit)
        ui.tap("确认")
        assert ui.until(lambda: len(emulator.tickets) == 1, 10), m.screen
        receipt = emulator.tickets[0]
        for text in ("社会保障卡临时挂失回执", "受理编号：GS", "临时挂失有效期至", "持卡人：王*"):
            assert text.encode("gb18030") in receipt, text
        assert WANG.encode() not in receipt
        assert ui.until(lambda: m.screen == "take_card", 10), m.screen
        assert "请取回身份证" in ui.texts() and said(kiosk)[-1] == "请取回您的身份证"
        assert said(kiosk).count("请输入六位密码，然后按确认") <= 1  # the PIN was asked once
        sim.card_present = False  # the ID card is lifted: the visit ends
        assert ui.until(lambda: m.screen == "home" and m.session.citizen is None, 10), m.screen
    finally:
        ui.close()


def test_an_e_card_code_at_the_scanner_signs_its_holder_in(make_kiosk: MakeKiosk, tmp_path: Path,
                                                           kivy_window: type[Any]) -> None:
    with SimulatedQrScanner() as scanner:
        path = scanner.plug()
        kiosk = make_kiosk(HALL_DEVICES__SCANNER_URL=path)
        m = kiosk.model
        ui = kivy_window(m, time.monotonic)
        try:
            ui.tap("自助服务")
            code = LocalGateway(tmp_path / "platform.db").ecard_code(ZHOU.id_number)
            scanner.present(code)
            assert ui.until(lambda: m.session.citizen is not None, 10), m.screen
            assert m.session.citizen is not None and m.session.citizen.source == "ecard"
            assert m.screen == "services" and "周* 您好" in ui.texts()
            ui.tap("个人权益记录")
            assert ui.until(lambda: m.screen == "record", 10), m.screen  # no PIN after an e-card login
        finally:
            ui.close()
