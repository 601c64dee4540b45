"""The audit page in Chromium against ``hallctl server``: the auditor filters the trail by ticket and by
actor and downloads the CSV; a manager is not let in."""
from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.web.conftest import WebHall, shot


@pytest.mark.timeout(90)
def test_the_auditor_searches_the_audit_trail_in_a_browser(web: Callable[..., WebHall]) -> None:
    hall = web()
    wang, boss = hall.staff("wang", "clerk", 1), hall.staff("boss", "manager")
    hall.staff("audit1", "auditor")
    for _ in range(3):
        assert hall.api("POST", "/api/tickets", {"queue": "A"})[0] == 201
    assert hall.api("POST", "/api/windows/1/open", None, wang)[0] == 200
    assert hall.api("POST", "/api/windows/1/call-next", None, wang)[0] == 200
    assert hall.api("PUT", "/api/hall/issuing", {"issuing": False, "reason": "打印机缺纸"}, boss)[0] == 200

    page = hall.page(1400, 900)
    hall.login(page, "audit1", "/audit")
    table = page.locator("#audit-table tbody")
    expect(table.locator("tr[data-audit]").first).to_contain_text("stop_issuing")
    expect(table).to_contain_text("打印机缺纸")

    page.fill("#ticket", "A001")
    page.click("#search")
    expect(table.locator("tr[data-audit]")).to_have_count(2)  # issued, then called to window 1
    expect(table.locator("tr[data-audit]").first).to_contain_text("call_next")

    page.fill("#ticket", "")
    page.fill("#actor", "wang")
    page.click("#search")
    expect(table.locator("tr[data-audit]")).to_have_count(2)
    expect(table).not_to_contain_text("anonymous")
    shot(page, "audit")

    with page.expect_download() as dl:
        page.click("#csv")
    text = Path(dl.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["id", "at", "actor", "action", "subject", "detail"]
    assert [r[2] for r in rows[1:]] == ["staff:wang", "staff:wang"]
    assert not hall.js_errors, hall.js_errors

    other = hall.page()
    hall.login(other, "boss", "/audit")
    expect(other.locator("main")).to_contain_text("无权使用此页面")
    expect(other.locator("#nav a[href='/audit']")).to_be_hidden()
