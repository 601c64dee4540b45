"""Elderly mode laid out for its size: every screen at 1.3× and 1.5× keeps each widget (and its text) inside
the window and the screen's own area, and no line starts with a closing bracket or a comma. A screenshot of
each size lands in ``artifacts/screenshots/`` for a person to look at."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from kiosk import events as ev
from tests.kiosk.fakes import WANG, ZHOU, Rig, make_rig

if TYPE_CHECKING:
    from tests.kiosk.kivy_harness import WindowDriver

pytestmark = pytest.mark.timeout(120)
NO_LINE_START = (")", "）", "，", "。", "、", "：", "；")


def visible(w: Any) -> bool:
    while w is not None:
        if w.opacity == 0 or w.width <= 0 or w.height <= 0:
            return False
        parent = w.parent
        w = parent if parent is not w else None
    return True


def in_scroll(w: Any) -> bool:
    from kivy.uix.scrollview import ScrollView

    w = w.parent
    while w is not None and w.parent is not w:
        if isinstance(w, ScrollView):
            return True
        w = w.parent
    return False


def problems(ui: WindowDriver) -> list[str]:
    """Widgets (or their text) outside the window or their screen's area, and lines that start badly."""
    from kivy.uix.label import Label

    width, height = ui.window.size
    screens = ui.app.root.ids.screens  # type: ignore[union-attr]
    sx, sy = screens.to_window(*screens.pos)
    found: list[str] = []
    for w in ui.widgets():
        if not visible(w) or in_scroll(w):
            continue
        x, y = w.to_window(*w.pos)
        name = f"{type(w).__name__}({str(getattr(w, 'text', ''))[:24]!r})"
        if x < -1 or y < -1 or x + w.width > width + 1 or y + w.height > height + 1:
            found.append(f"{name} outside the window: {x:.0f},{y:.0f} {w.width:.0f}x{w.height:.0f}")
        inside_screen = _under(w, screens)
        if inside_screen and (y < sy - 1 or y + w.height > sy + screens.height + 1):
            found.append(f"{name} outside the screen area: y {y:.0f}..{y + w.height:.0f}, area {sy:.0f}.."
                         f"{sy + screens.height:.0f}")
        if isinstance(w, Label) and w.text:
            tw, th = w.texture_size
            if th > w.height + 2 or (w.text_size[0] is not None and tw > w.width + 2):
                found.append(f"{name} text {tw:.0f}x{th:.0f} larger than its widget {w.width:.0f}x{w.height:.0f}")
            for line in getattr(w._label, "_cached_lines", []):
                text = "".join(word.text for word in line.words).strip()
                if text.startswith(NO_LINE_START):
                    found.append(f"{name} has a line starting {text[:6]!r}")
    del sx
    return found


def _under(w: Any, ancestor: Any) -> bool:
    while w is not None:
        if w is ancestor:
            return True
        w = w.parent if w.parent is not w else None
    return False


@pytest.fixture(params=[1.3, 1.5], ids=["1.3x", "1.5x"])
def zoom(request: pytest.FixtureRequest) -> float:
    return float(request.param)


@pytest.fixture
def rig(tmp_path: Path, zoom: float) -> Rig:
    r = make_rig(tmp_path, elderly_zoom=zoom)
    r.online(waiting=5, notice="今日 15:00-16:00 社保卡制卡系统升级，制卡业务暂停")
    return r


def settle(rig: Rig, ui: WindowDriver, *events: ev.Event) -> None:
    rig.post(*events)
    ui.app.refresh()
    ui.frames(3)


def check(ui: WindowDriver, where: str) -> None:
    found = problems(ui)
    assert not found, f"{where}: " + "; ".join(found)


def test_elderly_screens_fit(rig: Rig, ui: WindowDriver, zoom: float) -> None:
    m, tag = rig.model, f"{zoom:.1f}x"
    settle(rig, ui, ev.CardInserted(), ev.CardRead(WANG, verified=False))
    assert m.session.elderly and ui.app.zoom == zoom
    check(ui, "home")
    ui.screenshot(f"elderly-{tag}-home")
    ui.tap("取号")
    ui.tap("社会保障")
    check(ui, "items")
    ui.screenshot(f"elderly-{tag}-items")
    ui.tap("搜索")
    for key in "SBK":
        ui.tap(key)
    check(ui, "search")
    ui.tap("首页")
    ui.tap("自助服务")
    check(ui, "services")
    ui.tap("个人权益记录")
    for digit in "111111":
        ui.tap(digit)
    ui.tap("确认")
    from hardware.card.errors import WrongPin

    keypad = ui.find("5")
    before = keypad.to_window(*keypad.pos)
    settle(rig, ui, ev.CardFailed(WrongPin(2), verifying=True))
    assert "密码错误，还可以尝试 2 次" in ui.texts()
    after = ui.find("5").to_window(*ui.find("5").pos)
    assert before == after, "the keypad moved when the wrong-PIN note came"
    check(ui, "pin")
    ui.screenshot(f"elderly-{tag}-pin")
    settle(rig, ui, ev.CardRead(WANG, verified=True))
    assert m.screen == "record"
    check(ui, "record")
    ui.tap("首页")
    ui.tap("取号")
    ui.tap("社会保障")
    ui.tap(m.picker.visible()[0].name)
    if m.screen == "guide":  # the item's 办事指南 first, where the hall has one
        ui.tap("材料已备齐，取号")
    rig.reply_ok("A001", priority="elderly", holder="王*")
    settle(rig, ui, ev.PrintFinished(rig.printer.tickets[-1][0]))
    check(ui, "ticket")
    ui.screenshot(f"elderly-{tag}-ticket")
    ui.tap("完成")
    check(ui, "take_card")
    ui.screenshot(f"elderly-{tag}-take-card")


def test_elderly_loss_by_id_card_fits(rig: Rig, ui: WindowDriver, zoom: float) -> None:
    m, tag = rig.model, f"{zoom:.1f}x"
    m.tap_elderly(rig.now)
    ui.tap("自助服务")
    check(ui, "auth")
    settle(rig, ui, ev.IdCardRead(ZHOU))
    ui.tap("社保卡临时挂失")
    check(ui, "loss confirmation")
    ui.screenshot(f"elderly-{tag}-loss-confirm")
    ui.tap("确认挂失")
    for digit in "448947":
        ui.tap(digit)
    ui.tap("确认")
    rig.at(0)
    ui.app.refresh()
    ui.frames(3)
    assert m.screen == "result"
    check(ui, "loss receipt")
    ui.screenshot(f"elderly-{tag}-loss-receipt")
    settle(rig, ui, ev.PrintFinished(rig.printer.records[-1][0]))
    assert "请取回身份证" in ui.texts()
    check(ui, "take the ID card")
