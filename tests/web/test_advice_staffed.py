"""The staffed open in a browser: the manager accepts an open that names back-office li; li's page
says where to go; the window stays closed (shown as on the way) until li presses 到岗开窗 at it;
the console then says what happened."""
from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from tests.web.conftest import WebHall, shot


@pytest.mark.timeout(120)
def test_accepting_an_open_sends_the_person_and_the_window_opens_when_they_arrive(
        web: Callable[..., WebHall]) -> None:
    hall = web(HALL_ADVISOR__INTERVAL_S="0.5", HALL_ADVISOR__FLOATING_STAFF='["li"]')
    boss = hall.staff("boss", "manager")
    a1 = hall.staff("a1", "clerk", window=1)
    hall.staff("li", "clerk")
    assert hall.api("POST", "/api/windows/1/open", token=a1)[0] == 200
    for _ in range(30):
        hall.api("POST", "/api/tickets", {"queue": "A"})

    console = hall.page(1400, 1000)
    hall.login(console, "boss")
    expect(console).to_have_url(re.compile(r"/console$"))
    advice = console.locator("[data-advice='open-10-A']")
    expect(advice.locator("[data-person='li']")).to_contain_text("前往：后台li，约")
    expect(advice).to_contain_text("目标等候15分钟")
    expect(advice.locator("[data-wait='open-10-A']")).to_contain_text("开放后约")
    advice.locator("button[data-accept]").click()

    log = console.locator("#advice-log")
    expect(log).to_contain_text("已采纳：已通知后台li前往10号窗口")
    expect(console.locator("#advice-way [data-on-the-way='10']")).to_contain_text("后台li")
    expect(console.locator("#windows tr[data-window='10'] [data-way='10']")).to_have_text("人员前往中")
    assert hall.api("GET", "/api/windows/10")[1]["status"] == "closed"
    shot(console, "advice-on-the-way")

    clerk = hall.page(1200, 900)
    hall.login(clerk, "li")  # a clerk without a window of their own lands on window 1's page
    notice = clerk.locator("#advice-notice [data-notice='10']")
    expect(notice).to_contain_text("主管boss")
    expect(notice).to_contain_text("安排您前往10号窗口（弹性窗口）")
    shot(clerk, "advice-notice", full_page=False)
    notice.locator("[data-go='10']").click()
    expect(clerk).to_have_url(re.compile(r"/window/10$"))
    clerk.locator("#advice-notice [data-arrive='10']").click()
    expect(clerk.locator("#win-status")).to_have_text("开放", timeout=10000)
    expect(clerk.locator("#advice-notice")).to_be_hidden()

    w10 = hall.api("GET", "/api/windows/10")[1]
    assert (w10["status"], w10["clerk"], w10["queues"]) == ("open", "li", ["A", "B", "C"])
    expect(log).to_contain_text("后台li已到达10号窗口")
    expect(console.locator("#advice-way")).to_have_count(0)
    shot(console, "advice-arrived")
    console.click("#lang-en")
    expect(console.locator("#advice-log")).to_contain_text("li (back office) arrived at window 10")
    expect(console.locator("#advice-log")).to_contain_text("Accepted: li (back office) asked to go to window 10")
    assert hall.api("GET", "/api/advice/notices", token=boss)[1] == {"notices": []}
    assert not hall.js_errors, hall.js_errors
