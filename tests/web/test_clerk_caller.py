"""A caller that forgives, on the clerk's page in Chromium: a double press of 叫号 calls no one
else; a number called but never started is its own outcome in the day's figures; 过号 and 关窗
with a ticket present ask first; the line above the buttons always says what is true now;
disabled buttons look disabled."""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.peers import Broker, Collector
from tests.waiting import remains
from tests.web.conftest import WebHall, shot

GUARD_S = 1.5


@pytest.mark.timeout(90)
def test_double_press_confirmations_and_the_days_figures(web: Callable[..., WebHall], broker: Broker) -> None:
    hall = web(HALL_POLICY__CALL_GUARD_S=str(GUARD_S))
    boss = hall.staff("boss", "manager")
    hall.staff("wang", "clerk", 1)
    for _ in range(4):
        hall.api("POST", "/api/tickets", {"queue": "A"})
    topic = f"hall/{hall.hall_id}/"
    sub = Collector(broker.url, (topic + "calls",))
    dialogs: list[str] = []
    answers: list[bool] = []

    def on_dialog(d: Any) -> None:
        dialogs.append(d.message)
        if answers.pop(0):
            d.accept()
        else:
            d.dismiss()

    try:
        page = hall.page()
        page.on("dialog", on_dialog)
        hall.login(page, "wang")
        expect(page).to_have_url(re.compile(r"/window/1$"))
        act = lambda name: page.locator(f"button[data-action={name}]")  # noqa: E731
        expect(page.locator("#win-status")).to_have_text("关闭")
        expect(page.locator("#state-line")).to_have_text("窗口已关闭 · 当前无号")
        # no wall display has come online in this hall: the clerk is told calls are not shown
        expect(page.locator("#links-warn")).to_contain_text("大厅显示屏 display-1 尚未上线")
        act("open").click()
        expect(page.locator("#state-line")).to_have_text("当前无号")
        grey = page.eval_on_selector("button[data-action=finish]", "b => getComputedStyle(b).backgroundColor")
        assert grey == "rgb(236, 239, 243)"  # the disabled 办结 is grey, not pale green

        # 叫号 twice in a row: one call, the banner says why nothing more happened
        page.keyboard.press("n")
        expect(page.locator("#cur-number")).to_have_text("A001")
        act("call_next").click()
        expect(page.locator("#info")).to_contain_text("刚刚已叫过 A001，未重复叫号")
        expect(page.locator("#state-line")).to_have_text("已叫 A001（第 1 次呼叫），请等候办事群众到窗口")
        remains(lambda: hall.api("GET", "/api/windows/1")[1]["current"] == "A001", GUARD_S + 0.2)
        assert [c["number"] for c in sub.wait_topic(topic + "calls")] == ["A001"]

        # past the guard: A001 never came, the next call ends it as called-not-started
        page.keyboard.press("n")
        expect(page.locator("#cur-number")).to_have_text("A002")
        expect(page.locator("#info")).to_be_hidden()  # what it said about A001 no longer stands
        assert hall.api("GET", "/api/tickets/A001")[1]["state"] == "not_started"
        page.keyboard.press("r")  # 重呼: the banner follows
        expect(page.locator("#state-line")).to_have_text("已叫 A002（第 2 次呼叫），请等候办事群众到窗口")

        # 过号 asks first; cancelling keeps the ticket
        answers.append(False)
        page.keyboard.press("x")
        expect(page.locator("#cur-number")).to_have_text("A002")
        assert dialogs[-1] == "确认将 A002 记为过号？过号后需重新取号。"
        answers.append(True)
        act("no_show").click()
        expect(page.locator("#state-line")).to_have_text("A002 过号；当前无号")
        assert hall.api("GET", "/api/tickets/A002")[1]["state"] == "no_show"

        # a transfer: the banner says where the ticket went
        page.keyboard.press("n")
        expect(page.locator("#cur-number")).to_have_text("A003")
        page.keyboard.press("t")
        page.keyboard.press("b")
        expect(page.locator("#state-line")).to_contain_text("A003 已转到 B 队列")

        # 关窗 with a ticket at the window asks, and says what becomes of it
        page.keyboard.press("n")
        expect(page.locator("#cur-number")).to_have_text("A004")
        answers.append(True)
        shot(page, "clerk-called", full_page=False)
        page.keyboard.press("c")
        expect(page.locator("#win-status")).to_have_text("关闭")
        assert dialogs[-1] == "A004 已叫号但未办理。关窗将把 A004 记为过号，确认关窗？"
        assert hall.api("GET", "/api/tickets/A004")[1]["state"] == "no_show"
        expect(page.locator("#state-line")).to_contain_text("窗口已关闭")

        # the day's figures count the called-but-never-started visit apart, not as served
        day = hall.api("GET", "/api/stats/daily", token=boss)[1]
        assert (day["totals"]["served"], day["totals"]["not_started"], day["totals"]["no_show"]) == (0, 1, 2)
        assert day["reconciles"] and day["close"]["balanced"]
        report = hall.page(1400, 1000)
        hall.login(report, "boss", then="/report")
        expect(report.locator("#by-queue thead")).to_contain_text("叫号未办理")
        expect(report.locator("#by-queue tr[data-queue=A] td").nth(5)).to_have_text("1")
        shot(report, "report-not-started", full_page=False)
        assert hall.js_errors == []
    finally:
        sub.close()
