"""The kiosk in a real window (offscreen SDL) during the lunch pause: it says when issuing resumes, 取号 leads
nowhere, and 自助服务 still opens. The board is the one the service publishes at 12:05 (screenshot)."""
from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest

from hall_contract.protocol import Board
from kiosk import events as ev
from queue_server.service import HallService
from queue_server.settings import load_settings
from queue_server.store import Store
from tests.kiosk.fakes import ZHOU, Rig, make_rig
from tests.peers import ROOT

if TYPE_CHECKING:
    from tests.kiosk.kivy_harness import WindowDriver

pytestmark = pytest.mark.timeout(60)
TZ = ZoneInfo("Asia/Shanghai")


def lunch_board(tmp_path: Path) -> Board:
    sample = (ROOT / "config" / "hall.toml").read_text(encoding="utf-8").replace("enforce = false\n", "")
    (tmp_path / "hall.toml").write_text(sample, encoding="utf-8")
    url = f"sqlite:///{tmp_path}/hall.db"
    settings = load_settings(tmp_path / "hall.toml", env={"HALL_ID": "t" + uuid.uuid4().hex[:8],
                                                          "HALL_DATABASE_URL": url})
    store = Store(url)
    store.upgrade()
    try:
        return HallService(settings, store, clock=lambda: datetime(2026, 12, 31, 12, 5, tzinfo=TZ)).board()
    finally:
        store.close()


@pytest.fixture
def rig(tmp_path: Path) -> Rig:
    (tmp_path / "kiosk").mkdir()
    r = make_rig(tmp_path / "kiosk")
    r.model.wall = lambda: datetime(2026, 12, 31, 12, 5, tzinfo=TZ)  # the header clock shows the pause's time
    r.post(ev.LinkChanged(True), ev.ServerStatusChanged(True), ev.BoardReceived(lunch_board(tmp_path)))
    return r


def test_in_the_lunch_pause_the_kiosk_says_when_issuing_resumes(rig: Rig, ui: WindowDriver) -> None:
    assert any("午休暂停取号，13:30恢复取号" in t for t in ui.texts()), ui.texts()
    assert ui.screenshot("lunch-pause").stat().st_size > 10_000
    rig.model.tap_take_ticket(rig.now)
    assert rig.model.screen == "home"  # issuing is paused: no item choice
    rig.post(ev.IdCardRead(ZHOU))
    ui.app.refresh()
    ui.frames(2)
    ui.tap("自助服务")
    assert rig.model.screen == "services"
