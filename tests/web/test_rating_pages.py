"""好差评 end to end in browsers: a clerk finishes a visit, the simulated evaluator rates it over
MQTT, the window's tablet page takes another rating with a reason, the manager answers the
complaints, and the figures and the daily close show it all."""
from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from tests.peers import Broker
from tests.web.conftest import WebHall, shot
from window_bridge.sim_evaluator import SimulatedEvaluator


@pytest.mark.timeout(120)
def test_ratings_from_the_evaluator_and_the_tablet_reach_the_report(web: Callable[..., WebHall],
                                                                     broker: Broker) -> None:
    hall = web(HALL_RATINGS__TIMEOUT_S="30")
    hall.staff("wang", "clerk", 1)
    li = hall.staff("li", "clerk", 2)
    boss = hall.staff("boss", "manager")
    hall.staff("aud", "auditor")
    for _ in range(3):
        hall.api("POST", "/api/tickets", {"queue": "A"})
    evaluator = SimulatedEvaluator(broker.url, hall.hall_id, window=1, rating=2, reason="attitude", delay_s=0.5)
    evaluator.start()
    try:
        # window 1: the clerk finishes a visit on the page; the evaluator device answers 不满意
        clerk = hall.page()
        hall.login(clerk, "wang")
        clerk.locator("button[data-action=open]").click()
        expect(clerk.locator("button[data-action=call_next]")).to_be_enabled()
        clerk.keyboard.press("n")
        expect(clerk.locator("#cur-number")).to_have_text("A001")
        clerk.keyboard.press("f")
        expect(clerk.locator("#rating-state")).to_have_text("A001: 不满意")
        assert [r.number for r in evaluator.requests] == ["A001"]

        # window 2: the customer-facing tablet shows the request live and takes the rating
        tablet = hall.page(1280, 800)
        tablet.goto(hall.base + "/rate/2")
        expect(tablet.locator("#screen-pair")).to_be_visible()  # paired once by the manager, with a code
        shot(tablet, "rate-pair", full_page=False)
        code = hall.api("POST", "/api/evaluations/2/pairing", {}, token=boss)[1]["code"]
        tablet.locator("#pair-code").fill(code)
        tablet.locator("#pair-submit").click()
        expect(tablet.locator("#screen-idle")).to_be_visible()
        hall.api("POST", "/api/windows/2/open", token=li)
        assert hall.api("POST", "/api/windows/2/call-next", token=li)[1]["number"] == "A002"
        hall.api("POST", "/api/windows/2/finish", token=li)
        expect(tablet.locator("#screen-ask")).to_be_visible()
        expect(tablet.locator("#ask-number")).to_have_text("号码 A002")
        shot(tablet, "rate", full_page=False)
        tablet.locator("button[data-rating='1']").click()
        expect(tablet.locator("#screen-reason")).to_be_visible()
        shot(tablet, "rate-reason", full_page=False)
        tablet.locator("button[data-reason='long_wait']").click()
        tablet.locator("#reason-send").click()
        expect(tablet.locator("#screen-thanks")).to_be_visible()
        shot(tablet, "rate-thanks", full_page=False)
        expect(tablet.locator("#screen-idle")).to_be_visible(timeout=8000)

        # each negative rating is a 整改 case on the console's one list (整改督办); the manager closes one with
        # the feedback given, and the rating's follow-up is done with it
        console = hall.page(1400, 1000)
        hall.login(console, "boss")
        expect(console.locator("#complaints")).to_have_count(0)  # no second list of negative ratings
        rows = console.locator("#rectify-table tbody tr[data-case]")
        expect(rows).to_have_count(2)
        a002 = rows.filter(has_text="A002")
        expect(a002).to_contain_text("非常不满意")
        expect(a002).to_contain_text("等候时间长")
        expect(rows.filter(has_text="A001")).to_contain_text("服务态度不好")
        expect(rows.filter(has_text="A001")).to_contain_text("待整改")
        a002.locator("input[data-feedback]").fill("已电话回访致歉，高峰期增开弹性窗口")
        a002.locator("button[data-close-case]").click()
        expect(rows).to_have_count(1)
        expect(rows.filter(has_text="A002")).to_have_count(0)
        status, negatives = hall.api("GET", "/api/ratings?negative=true", token=boss)
        done = {r["number"]: (r["follow_up"], r["follow_up_note"]) for r in negatives}
        assert (status, done["A002"]) == (200, ("done", "已电话回访致歉，高峰期增开弹性窗口"))
        assert done["A001"][0] != "done"

        # the figures: per window and clerk ratings, complaints, and a balanced close
        report = hall.page(1400, 1000)
        hall.login(report, "aud")
        expect(report).to_have_url(re.compile(r"/report$"))
        w1 = report.locator("#by-window tr[data-window='1']")
        expect(w1.locator(".dist .r2")).to_have_text("1")
        expect(report.locator("#by-window tr[data-window='2'] .dist .r1")).to_have_text("1")
        expect(report.locator("#by-clerk tr[data-clerk='li']")).to_contain_text("00:")
        expect(report.locator("#rating-summary")).to_contain_text("已评价 2 · 未评价 0 · 差评 2")
        expect(report.locator("#reconcile")).to_have_text("账目平衡")
        expect(report.locator("#by-queue tr[data-queue='A']")).to_contain_text("A 综合受理")
        shot(report, "report")
        report.click("#close-link")
        expect(report.locator("#close-verdict")).to_have_text("账目平衡")
        expect(report.locator("#formula")).to_contain_text(
            "取号 3 = 办结 2 + 过号 0 + 叫号未办理 0 + 取消 0 + 作废 0 + 未完 1")
        shot(report, "close")
        with report.expect_download() as download:
            report.goto(hall.base + "/report")
            report.locator("button[data-csv=windows]").click()
        text = download.value.path().read_text(encoding="utf-8-sig")
        assert text.splitlines()[0].startswith("date,window,name,served")
        assert hall.js_errors == []
    finally:
        evaluator.stop()
