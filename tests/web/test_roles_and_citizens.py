"""Who may use which page, and the citizens' pages: the ticket status from the QR code (live,
no personal data) and the login page."""
from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from tests.web.conftest import WebHall, shot


@pytest.mark.timeout(60)
def test_a_wrong_role_is_refused(web: Callable[..., WebHall]) -> None:
    hall = web()
    clerk = hall.staff("wang", "clerk", 1)
    hall.staff("aud", "auditor")
    page = hall.page()
    page.goto(hall.base + "/console")  # not logged in: to the login page, and back after it
    expect(page).to_have_url(re.compile(r"/login\?next=%2Fconsole$"))
    page.fill("#username", "wang")
    page.fill("#password", "wrong-password")
    page.click("#login-submit")
    expect(page.locator("#error")).to_have_text("用户名或密码错误")
    shot(page, "login", full_page=False)
    hall.login(page, "wang", then="/console")
    expect(page).to_have_url(re.compile(r"/console$"))
    expect(page.locator("#refused")).to_contain_text("无权使用此页面")
    expect(page.locator("#refused")).to_contain_text("角色是 柜员，此页面需要 前台主管 / 管理员")
    expect(page.locator("#windows")).to_have_count(0)
    shot(page, "refused", full_page=False)
    # the API refuses as well, whatever a page shows
    assert hall.api("POST", "/api/advice/open-10-A/accept", token=clerk)[0] == 403
    assert hall.api("PUT", "/api/hall/notice", {"text": "x"}, token=clerk)[0] == 403
    assert hall.api("GET", "/api/devices", token=clerk)[0] == 403
    assert hall.api("GET", "/api/stats/series", token=clerk)[0] == 403

    auditor = hall.page()
    hall.login(auditor, "aud", then="/window/1")
    expect(auditor.locator("#refused")).to_be_visible()
    auditor.goto(hall.base + "/report")
    expect(auditor.locator("#by-queue tr[data-queue='A']")).to_be_visible()
    expect(auditor.locator("#nav a[href='/console']")).to_be_hidden()


@pytest.mark.timeout(60)
def test_the_ticket_page_follows_the_line_without_personal_data(web: Callable[..., WebHall]) -> None:
    hall = web()
    clerk = hall.staff("wang", "clerk", 1)
    desk = hall.staff("desk", "manager")  # a holder comes from a card read or the guide desk, never anonymously
    for holder in ("张*", "李*", "王*"):
        hall.api("POST", "/api/tickets", {"queue": "A", "holder": holder, "holder_ref": "ref-" + holder}, token=desk)
    status_url = hall.api("GET", "/api/tickets/A003")[1]["status_url"]
    assert status_url.endswith("/t/A003")
    page = hall.page(390, 780)  # a phone
    page.goto(hall.base + "/t/A003")
    expect(page.locator("#t-msg")).to_have_text("前面还有 2 人")
    expect(page.locator("#t-sub")).to_contain_text("预计等候约")
    hall.api("POST", "/api/windows/1/open", token=clerk)
    hall.api("POST", "/api/windows/1/call-next", token=clerk)
    expect(page.locator("#t-msg")).to_have_text("前面还有 1 人")
    shot(page, "ticket")
    for _ in range(2):  # each visit started, so the next call serves it (no double press)
        hall.api("POST", "/api/windows/1/start", token=clerk)
        hall.api("POST", "/api/windows/1/call-next", token=clerk)
    expect(page.locator("#t-msg")).to_have_text("请到 1号窗口 办理")
    shot(page, "ticket-called")
    content = page.content()
    assert all(name not in content for name in ("张*", "李*", "王*", "ref-"))
    hall.api("POST", "/api/windows/1/finish", token=clerk)
    expect(page.locator("#t-msg")).to_have_text("业务已办结，感谢您的光临")
    page.click("text=English")
    expect(page.locator("#t-msg")).to_have_text("Done. Thank you for your visit")

    missing = hall.page(390, 780)
    response = missing.goto(hall.base + "/t/B777")
    assert response is not None and response.status == 404
    expect(missing.locator("#t-missing")).to_have_text("今天没有 B777 号")
    for path in ("/t/%3Cscript%3E", "/t/A001'--", "/window/0", "/window/999", "/rate/77"):
        assert missing.goto(hall.base + path).status in (404, 422), path
    assert hall.js_errors == []
