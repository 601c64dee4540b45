"""预约签到 in a real Kivy window: the home screen's button, the keypad, the booking's ticket.

First with the kiosk's fake ports (screenshots in ``artifacts/screenshots/kiosk-checkin*.png``), then on real
peers: ``hallctl server`` and Mosquitto, a booking made through the HTTP API, checked in at the kiosk by its
code, and printed by the printer emulator as an appointment ticket.
"""
from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import pytest

from hall_contract.protocol import RpcReply
from hardware.printer.emulator import PrinterEmulator
from kiosk import events as ev
from kiosk.runtime import KioskRuntime
from kiosk.settings import load_kiosk_settings as load_settings
from tests.kiosk.fakes import HALL_TOML, ZHOU, FakeSpeaker, Rig, make_rig
from tests.peers import ServerProcess

if TYPE_CHECKING:
    from tests.kiosk.kivy_harness import WindowDriver

pytestmark = pytest.mark.timeout(90)
YOUNG_ID = "130102198305061810"


@pytest.fixture
def rig(tmp_path: Path) -> Rig:
    r = make_rig(tmp_path)
    r.online(waiting=2)
    return r


def type_code(ui: WindowDriver, code: str) -> None:
    """Touch the keypad's keys (by key, not by text: the code typed so far shows the same digits)."""
    from kivy.tests.common import UnitTestTouch

    for digit in code:
        ui.frames(1)
        key = next(w for w in ui.widgets() if getattr(w, "key", None) == digit and w.opacity > 0
                   and ui.app.root.ids.screens.current_screen in _ancestors(w))  # type: ignore[union-attr]
        touch = UnitTestTouch(*key.to_window(*key.center))
        touch.touch_down()
        touch.touch_up()
        ui.frames(2)


def _ancestors(w: Any) -> list[Any]:
    found = []
    while w is not None and w.parent is not w:
        found.append(w)
        w = w.parent
    return found


def test_checkin_by_code_from_the_home_screen(rig: Rig, kivy_window: type[WindowDriver]) -> None:
    ui, m = kivy_window(rig.model, lambda: rig.now), rig.model
    try:
        ui.tap("预约签到")
        assert m.screen == "checkin" and "请输入 8 位预约码，或在读卡区放置身份证" in ui.texts()
        type_code(ui, "2025050")
        assert not m.checkin.view("zh_CN").can_submit
        type_code(ui, "6")
        assert "20250506" in ui.texts()
        ui.screenshot("checkin")
        ui.tap("确认")
        method, payload = rig.link.requests[-1]
        assert method == "appointment_checkin" and payload["code"] == "20250506"
        ticket = {"number": "B002", "queue": "B", "queue_name": "查询出件", "priority": "appointment",
                  "state": "waiting", "issued_at": "2025-05-06T09:40:00+08:00", "ahead": 0, "predicted_wait_s": 0,
                  "status_url": "http://hall.test/t/B002"}
        rig.post(ev.ReplyReceived(RpcReply(request_id=payload["request_id"], ok=True, result={
            "ticket": ticket, "on_time": True, "message": "签到成功 (checked in)"})))
        rig.post(ev.PrintFinished(rig.printer.tickets[-1][0]))
        ui.app.refresh()
        ui.frames(2)
        texts = ui.texts()
        assert m.screen == "ticket" and "B002" in texts and "预约优先" in texts
        assert "预约签到成功，预约优先办理" in texts
        ui.screenshot("checkin-ticket")
    finally:
        ui.close()


def test_a_late_check_in_says_why_under_the_number(rig: Rig, kivy_window: type[WindowDriver]) -> None:
    ui, m = kivy_window(rig.model, lambda: rig.now), rig.model
    try:
        ui.tap("预约签到")
        rig.post(ev.IdCardRead(ZHOU))
        payload = rig.link.requests[-1][1]
        late = "您预约的是 09:00，已超过签到时间，已为您取普通号 B004 (check-in closed: B004 is a normal ticket)"
        ticket = {"number": "B004", "queue": "B", "queue_name": "查询出件", "priority": "normal", "state": "waiting",
                  "issued_at": "2025-05-06T09:40:00+08:00", "ahead": 3, "predicted_wait_s": 540}
        rig.post(ev.ReplyReceived(RpcReply(request_id=payload["request_id"], ok=True, result={
            "ticket": ticket, "on_time": False, "message": late})))
        rig.post(ev.PrintFinished(rig.printer.tickets[-1][0]))
        ui.app.refresh()
        ui.frames(2)
        assert m.screen == "ticket" and late.split(" (")[0] in ui.texts() and "预约优先" not in ui.texts()
        ui.screenshot("checkin-late")
    finally:
        ui.close()


@pytest.fixture
def emulator() -> Iterator[PrinterEmulator]:
    with PrinterEmulator(port=0) as emu:
        yield emu


@pytest.fixture
def kiosk(server: ServerProcess, emulator: PrinterEmulator, tmp_path: Path) -> Iterator[KioskRuntime]:
    env = dict(server.env)
    env.update({"HALL_DEVICES__PRINTER_URL": emulator.url, "HALL_DEVICES__PRINTER_TIMEOUT_S": "1",
                "HALL_KIOSK__GATEWAY_DB": str(tmp_path / "platform.db"), "HALL_KIOSK__DEVICE_ID": "kiosk-checkin"})
    runtime = KioskRuntime(load_settings(HALL_TOML, env=env), card_reader=False, speaker=FakeSpeaker())
    runtime.start()
    yield runtime
    runtime.stop()


def book_now(server: ServerProcess) -> dict[str, Any]:
    """A slot of queue B that starts about now (hall time) and a booking in it, through the HTTP API."""
    now = datetime.now(ZoneInfo("Asia/Shanghai"))
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    start = max(midnight, now - timedelta(minutes=5))
    end = min(midnight + timedelta(hours=23, minutes=59), now + timedelta(minutes=25))
    boss = server.staff("boss", "manager")
    day = now.date().isoformat()
    code, body = server.api("PUT", "/api/appointments/slots", {"date": day, "start": start.strftime("%H:%M"),
                                                                "end": end.strftime("%H:%M"), "queue": "B",
                                                                "capacity": 3}, token=boss)
    assert code in (200, 201), body
    code, booking = server.api("POST", "/api/appointments", {"date": day, "start": start.strftime("%H:%M"),
                                                              "queue": "B", "id_number": YOUNG_ID})
    assert code in (200, 201), booking
    return dict(booking)


def test_a_booking_made_through_the_api_is_checked_in_at_the_kiosk_by_its_code(
        kiosk: KioskRuntime, server: ServerProcess, emulator: PrinterEmulator, kivy_window: type[Any]) -> None:
    m = kiosk.model
    booking = book_now(server)
    ui = kivy_window(m, time.monotonic)
    try:
        assert ui.until(lambda: m.hall.issuing, 15), m.hall.pause_reason()
        ui.tap("预约签到")
        type_code(ui, booking["code"])
        ui.tap("确认")
        assert ui.until(lambda: len(emulator.tickets) == 1 and m.ticket is not None, 10), (m.screen, m.checkin.flow)
        number = m.ticket.ticket.number  # type: ignore[union-attr]
        assert ui.until(lambda: m.ticket is not None and m.ticket.state == "printed", 10)
        assert number.startswith("B") and number in ui.texts() and "预约优先" in ui.texts()
        assert "预约优先".encode("gb18030") in emulator.tickets[0] and number.encode() in emulator.tickets[0]
        status, ticket = server.api("GET", f"/api/tickets/{number}")
        assert status == 200 and ticket["priority"] == "appointment" and ticket["state"] == "waiting"
        boss = server.staff("boss2", "manager")
        bookings = server.api("GET", "/api/appointments", token=boss)[1]["bookings"]
        assert [(b["code"], b["state"], b["ticket"]) for b in bookings] == [(booking["code"], "checked_in", number)]
        ui.tap("首页")
        ui.tap("预约签到")  # a code nobody booked: the server's reason on screen, nothing printed
        type_code(ui, "00000000")
        ui.tap("确认")
        assert ui.until(lambda: m.screen == "message", 10), m.screen
        assert "签到未成功\n没有找到今天的预约" in ui.texts()
        assert len(emulator.tickets) == 1
    finally:
        ui.close()
