"""The kiosk in a real window (offscreen SDL through Mesa): touches through the main flows, screenshots.

The view-model's ports are the fakes of ``fakes.py``, so each flow is driven exactly; the
pictures land in ``artifacts/screenshots/kiosk-*.png`` for a person to look at.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from kiosk import events as ev
from kiosk.gateway import ContributionRecord
from tests.kiosk.fakes import WANG, ZHOU, Rig, make_rig

if TYPE_CHECKING:
    from tests.kiosk.kivy_harness import WindowDriver

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def rig(tmp_path: Path) -> Rig:
    r = make_rig(tmp_path)
    r.online(waiting=5)
    return r


def post(rig: Rig, ui: WindowDriver, *events: ev.Event) -> None:
    rig.post(*events)
    ui.app.refresh()
    ui.frames(2)


def test_home_then_item_choice_by_board_and_search(rig: Rig, ui: WindowDriver) -> None:
    assert "取号" in ui.texts() and "长者模式" in ui.texts()
    assert any(t.startswith("综合受理  等候 5 人") for t in ui.texts())
    assert ui.screenshot("home").stat().st_size > 10_000
    ui.tap("取号")
    assert rig.model.screen == "items"
    ui.tap("社会保障")
    ui.screenshot("items")
    ui.tap("下一页")
    assert rig.model.picker.page == 1
    ui.tap("搜索")
    for key in "SHBZK":
        ui.tap(key)
    assert rig.model.picker.query == "SHBZK"
    assert "社会保障卡临时挂失" in ui.texts()[0] or any("社会保障卡临时挂失" in t for t in ui.texts())
    ui.screenshot("search")
    ui.tap("首页")
    assert rig.model.screen == "home"


def test_card_elderly_ticket_without_a_pin(rig: Rig, ui: WindowDriver) -> None:
    post(rig, ui, ev.CardInserted())
    assert ui.app.busy and "正在读卡，请勿拔卡…" in ui.texts()  # an overlay over the screen, not text on top of it
    ui.screenshot("busy")
    ui.tap("取号")  # under the overlay: the touch does not reach it
    assert rig.model.screen == "reading"
    post(rig, ui, ev.CardRead(WANG, verified=False))
    assert not ui.app.busy
    assert rig.model.screen == "home" and rig.card.reads == [False]
    assert rig.model.session.elderly
    ui.screenshot("elderly-home")
    ui.tap("取号")
    ui.tap("社会保障")
    ui.screenshot("elderly-items")
    ui.tap("企业职工基本养老保险关系转移接续")
    ui.screenshot("elderly-guide")
    ui.tap("材料已备齐，取号")  # after its 办事指南
    request = rig.link.requests[-1][1]
    assert request["priority"] == "elderly" and request["holder"] == "王*"
    rig.reply_ok("A001", priority="elderly", holder="王*")
    job = rig.printer.tickets[-1][0]
    post(rig, ui, ev.PrintFinished(job))
    assert "A001" in ui.texts() and "长者优先" in ui.texts()
    ui.screenshot("ticket")
    ui.tap("完成")
    assert rig.model.screen == "take_card" and "请取回社保卡" in ui.texts()
    post(rig, ui, ev.CardPulled())
    assert rig.model.screen == "home" and rig.model.session.citizen is None


def test_wrong_pin_and_blocked_card(rig: Rig, ui: WindowDriver) -> None:
    from hardware.card.errors import PinBlocked, WrongPin

    post(rig, ui, ev.CardInserted(), ev.CardRead(WANG, verified=False))
    ui.tap("自助服务")
    ui.tap("个人权益记录")
    assert rig.model.screen == "pin"
    for digit in "111111":
        ui.tap(digit)
    ui.tap("确认")
    post(rig, ui, ev.CardFailed(WrongPin(1), verifying=True))
    assert "密码错误，还可以尝试 1 次" in ui.texts()
    ui.screenshot("pin-wrong")
    post(rig, ui, ev.CardFailed(PinBlocked(), verifying=True))
    ui.screenshot("pin-blocked")
    ui.tap("取号办理")
    assert rig.link.requests[-1][1]["item"] == "KA-005"


def test_paused_issuing_and_printer_out_show_on_screen(rig: Rig, ui: WindowDriver) -> None:
    post(rig, ui, ev.LinkChanged(False))
    assert "暂停取号" in ui.texts()
    ui.screenshot("paused")
    with pytest.raises(LookupError):
        ui.tap("取号")  # disabled
    post(rig, ui, ev.LinkChanged(True), ev.PrinterChecked(("paper_out",)))
    assert "打印机缺纸：号票将以二维码显示在屏幕上" in ui.texts()
    ui.tap("取号")
    ui.tap("公共服务")
    ui.tap("限时业务结果领取")
    ui.tap("材料已备齐，取号")  # after its 办事指南
    rig.reply_ok("B012")
    ui.app.refresh()
    ui.frames(2)
    assert rig.printer.tickets == [] and "B012" in ui.texts()
    ui.screenshot("ticket-qr")


def test_english_and_self_service_record(rig: Rig, ui: WindowDriver) -> None:
    ui.tap("English")
    assert "Take a ticket" in ui.texts()
    ui.screenshot("home-en")
    ui.tap("中文")
    post(rig, ui, ev.IdCardRead(ZHOU))
    ui.tap("自助服务")
    ui.screenshot("services")
    ui.tap("个人权益记录")
    rig.at(0)
    ui.app.refresh()
    ui.frames(2)
    assert rig.model.screen == "record"
    assert isinstance(rig.model.services.result and rig.gateway.contribution_record(ZHOU.id_number),
                      ContributionRecord)
    ui.screenshot("record")
    ui.tap("打印")
    assert rig.printer.records and rig.printer.records[-1][1].title == "个人权益记录"


def test_maintenance_screen(tmp_path: Path, kivy_window: type[Any]) -> None:
    from kiosk.settings import hash_password

    rig = make_rig(tmp_path, staff_password_hash=hash_password("2468"))
    rig.online()
    ui = kivy_window(rig.model, lambda: rig.now)
    try:
        for _ in range(5):
            ui.tap(ui.app.hall_name, frames=0)
        assert rig.model.screen == "pin"
        for digit in "2468":
            ui.tap(digit)
        ui.tap("确认")
        assert rig.model.screen == "maintenance"
        ui.screenshot("maintenance")
        ui.tap("打印测试页")
        assert rig.printer.records[-1][1].title == "打印测试"
    finally:
        ui.close()
