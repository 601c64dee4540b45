"""The 办事指南 and A4 document screens in a real window (offscreen SDL), by touch, with screenshots in
``artifacts/screenshots/kiosk-*.png``. The preview is page 1 of the real PDF (poppler)."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from hardware.document import preview_png, render_pdf
from kiosk import events as ev
from tests.kiosk.fakes import ZHOU
from tests.kiosk.test_documents import DocRig, doc_rig

if TYPE_CHECKING:
    from tests.kiosk.kivy_harness import WindowDriver

pytestmark = pytest.mark.timeout(90)


@pytest.fixture
def rig(tmp_path: Path) -> DocRig:
    return doc_rig(tmp_path)


def settle(rig: DocRig, ui: WindowDriver) -> None:
    rig.at(0)
    ui.app.refresh()
    ui.frames(2)


def test_the_guide_screen_by_touch(rig: DocRig, ui: WindowDriver) -> None:
    ui.tap("取号")
    ui.tap("社会保障")
    ui.tap("企业职工基本养老保险关系转移接续")
    assert rig.model.screen == "guide"
    texts = "\n".join(ui.texts())
    for shown in ("办事指南", "申请材料", "1. 居民身份证", "办理时限：15个工作日", "收费：不收费", "需到窗口办理"):
        assert shown in texts, shown
    ui.screenshot("guide")
    ui.tap("材料已备齐，取号")
    assert rig.model.screen == "issuing" and rig.link.requests[-1][1]["item"] == "SB-004"


def test_the_document_screen_by_touch(rig: DocRig, ui: WindowDriver) -> None:
    rig.post(ev.IdCardRead(ZHOU))
    ui.tap("自助服务")
    ui.tap("参保证明打印")
    settle(rig, ui)
    assert rig.model.screen == "document"
    job, document = rig.docs.previews[-1]
    pdf = render_pdf(document)
    rig.post(ev.DocumentPreviewed(job, preview_png(pdf, dpi=60), 7))
    settle(rig, ui)
    texts = "\n".join(ui.texts())
    assert "社会保险参保缴费证明（个人）" in texts and "A4 纸共 7 页" in texts and "工伤" in texts
    ui.screenshot("document")
    ui.tap("工伤")
    ui.tap("近3年")
    assert rig.docs.previews[-1][1].insurances == ("pension", "medical", "unemployment")
    job, document = rig.docs.previews[-1]
    rig.post(ev.DocumentPreviewed(job, preview_png(render_pdf(document), dpi=60), 2))
    settle(rig, ui)
    ui.tap("打印")
    assert rig.link.requests[-1][0] == "register_document"
    rig.registered()
    assert rig.docs.prints
    settle(rig, ui)
    ui.screenshot("document-printing")


def _outside(ui: WindowDriver) -> list[str]:
    """Visible widgets of the current screen that reach outside the window."""
    from kivy.core.window import Window

    screen = ui.app.root.ids.screens.current_screen  # type: ignore[union-attr]
    bad = []
    for w in screen.walk(restrict=True):
        if w.opacity == 0 or w.width <= 0 or w.height <= 0 or w is screen:
            continue
        x, y = w.to_window(w.x, w.y)
        if x < -1 or y < -1 or x + w.width > Window.width + 1 or y + w.height > Window.height + 1:
            bad.append(f"{type(w).__name__} {getattr(w, 'text', '')[:20]!r} at {x:.0f},{y:.0f} {w.size}")
    return bad


def test_the_longest_guide_and_the_document_fit_in_elderly_mode(rig: DocRig, ui: WindowDriver) -> None:
    ui.tap("长者模式")
    ui.tap("取号")
    ui.tap("劳动关系")
    ui.tap("劳务派遣经营许可申请")  # five materials, the longest
    assert rig.model.screen == "guide" and rig.model.session.elderly
    assert _outside(ui) == []
    ui.screenshot("elderly-guide-long")
    ui.tap("首页")
    rig.post(ev.IdCardRead(ZHOU))
    ui.tap("长者模式")
    ui.tap("自助服务")
    ui.tap("参保证明打印")
    settle(rig, ui)
    job, document = rig.docs.previews[-1]
    rig.post(ev.DocumentPreviewed(job, preview_png(render_pdf(document), dpi=60), 7))
    settle(rig, ui)
    assert rig.model.screen == "document" and rig.model.session.elderly and _outside(ui) == []
    ui.screenshot("elderly-document")
