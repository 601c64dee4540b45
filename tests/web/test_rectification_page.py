"""The console in Chromium against ``hallctl server``: the 整改 list flags an overdue case and closes it with
the feedback given; the backup section shows the last backup and the restore drill."""
from __future__ import annotations

import subprocess
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from queue_server.rectification import RectificationDesk
from queue_server.settings import load_settings
from queue_server.store import make_engine
from tests.peers import ROOT
from tests.web.conftest import WebHall, shot

TZ = ZoneInfo("Asia/Shanghai")
Hallctl = Callable[..., subprocess.CompletedProcess[str]]


@pytest.mark.timeout(120)
def test_the_console_flags_overdue_cases_and_shows_the_drills(web: Callable[..., WebHall], hallctl: Hallctl) -> None:
    hall = web()
    boss = hall.staff("boss", "manager")
    hall.staff("wang", "clerk", 1)
    url = hall.server.env["HALL_DATABASE_URL"]
    engine = make_engine(url)
    try:  # a complaint registered two weeks ago, never closed
        desk = RectificationDesk(engine, load_settings(ROOT / "config" / "hall.toml", env={}).hours, TZ)
        old = desk.complaint(summary="等候时间过长无人解释", by="staff:boss", window=1, owner="wang",
                             contact="13812345678", now=datetime.now(TZ) - timedelta(days=14))
    finally:
        engine.dispose()
    status, fresh = hall.api("POST", "/api/rectifications/complaints", {"summary": "窗口人员态度生硬", "window": 2},
                             boss)
    assert status == 201, fresh

    backups = hall.server.workdir / "backups"
    env = {**hall.server.env, "HALL_BACKUP__DIR": str(backups)}
    assert hallctl("backup", env=env).returncode == 0
    drill = hallctl("backup", "drill", env=env)
    assert drill.returncode == 0, drill.stderr

    page = hall.page(1400, 1000)
    hall.login(page, "boss")
    overdue = page.locator(f"#rectify-table tr[data-case='{old.id}']")
    expect(overdue).to_contain_text("已超期")
    expect(overdue).to_contain_text("138****5678")
    expect(page.locator("#rectify-overdue")).to_have_text("超期 1 件")
    expect(page.locator(f"#rectify-table tr[data-case='{fresh['id']}']")).to_contain_text("待整改")
    expect(page.locator("#drill-table tbody tr").first).to_contain_text("演练成功")
    expect(page.locator("#backup-last")).to_contain_text("最近一次备份")
    page.locator("#rectifications").scroll_into_view_if_needed()
    shot(page, "console-rectification")

    # the manager approves an extension of the fresh case with a later date
    later = (datetime.now(TZ).date() + timedelta(days=30)).isoformat()
    fresh_row = page.locator(f"#rectify-table tr[data-case='{fresh['id']}']")
    fresh_row.locator("input[data-extend-date]").fill(later)
    fresh_row.locator("button[data-extend-case]").click()
    expect(fresh_row).to_contain_text(later)
    expect(fresh_row).to_contain_text("boss 批准延期")

    overdue.locator("button[data-close-case]").click()  # no feedback yet: nothing is closed
    assert hall.api("GET", "/api/rectifications?open=true", None, boss)[1]["overdue"] == 1
    overdue.locator("input[data-feedback]").fill("已电话回访致歉，调整高峰时段窗口")
    overdue.locator("button[data-close-case]").click()
    expect(overdue).to_have_count(0)
    expect(page.locator("#rectify-overdue")).to_have_text("")

    # the report page gives the month's on-time closure rate
    page.goto(hall.base + "/report")
    expect(page.locator("#rectify-figures")).to_contain_text("按期办结率")
    expect(page.locator("#rectify-figures")).to_contain_text("立案 ")
    assert not hall.js_errors, hall.js_errors
