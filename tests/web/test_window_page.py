"""The window caller in a browser: a clerk logs in and drives the window by buttons and keys; the
calls go out on MQTT; the page follows the window when the caller keypad (MQTT RPC) drives it."""
from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from tests.peers import Broker, Collector
from tests.web.conftest import WebHall, shot


@pytest.mark.timeout(90)
def test_a_clerk_calls_next_and_the_call_is_on_mqtt(web: Callable[..., WebHall], broker: Broker) -> None:
    hall = web()
    hall.staff("wang", "clerk", 1)
    desk = hall.staff("desk", "manager")  # a holder comes from a card read or the guide desk, never anonymously
    for holder in ("张*", None, None):
        hall.api("POST", "/api/tickets", {"queue": "A", "holder": holder, "item": "SB-003"}, token=desk)
    topic = f"hall/{hall.hall_id}/"
    sub = Collector(broker.url, (topic + "calls", topic + "reply/keypad-1"))
    try:
        page = hall.page()
        hall.login(page, "wang")
        expect(page).to_have_url(re.compile(r"/window/1$"))
        act = lambda name: page.locator(f"button[data-action={name}]")  # noqa: E731
        expect(page.locator("#win-status")).to_have_text("关闭")
        expect(act("call_next")).to_be_disabled()
        act("open").click()
        expect(page.locator("#win-status")).to_have_text("开放")
        expect(page.locator("#queues td[data-queue=A]")).to_have_text("3")
        expect(act("call_next")).to_be_enabled()
        expect(act("recall")).to_be_disabled()

        page.keyboard.press("n")  # 叫号
        expect(page.locator("#cur-number")).to_have_text("A001")
        expect(page.locator("#cur-holder")).to_have_text("张*")
        expect(page.locator("#cur-item")).to_have_text("城乡居民基本养老保险参保登记")
        calls = sub.wait_topic(topic + "calls")
        assert calls[-1] == {**calls[-1], "v": 1, "number": "A001", "queue": "A", "window": 1, "attempt": 1}
        page.keyboard.press("r")  # 重呼
        expect(page.locator("#cur-attempts")).to_have_text("2")
        assert sub.wait_topic(topic + "calls", count=2)[-1]["attempt"] == 2
        page.keyboard.press("s")  # 开始办理
        expect(page.locator("#cur-state")).to_have_text("办理中")
        expect(act("recall")).to_be_disabled()
        expect(act("close")).to_be_enabled()  # with a ticket here it asks first
        shot(page, "window")
        page.keyboard.press("f")  # 办结
        expect(page.locator("#cur-empty")).to_be_visible()
        expect(page.locator("#win-served")).to_have_text("1")

        # the RS-485 caller keypad (through its bridge) calls next over MQTT: the page follows
        sub.publish(topic + "rpc/window_command", json.dumps({
            "v": 1, "request_id": "k1", "reply_to": topic + "reply/keypad-1", "window": 1, "action": "call_next",
            "source": "keypad-1"}))
        expect(page.locator("#cur-number")).to_have_text("A002")
        reply = sub.wait_topic(topic + "reply/keypad-1")[-1]
        assert reply["ok"] and reply["result"]["ticket"]["number"] == "A002"
        assert reply["result"]["window"]["clerk"] == "wang"  # the keypad does not replace the clerk

        page.keyboard.press("t")  # 转移 → B
        expect(page.locator("#transfer")).to_be_visible()
        expect(page.locator("#transfer-queues button[data-queue=A]")).to_have_count(0)
        page.keyboard.press("b")
        expect(page.locator("#cur-empty")).to_be_visible()
        assert hall.api("GET", "/api/tickets/A002")[1]["queue"] == "B"

        page.keyboard.press("p")  # 暂停
        expect(page.locator("#win-status")).to_have_text("暂停")
        expect(act("call_next")).to_be_disabled()
        page.keyboard.press("p")  # 恢复
        expect(page.locator("#win-status")).to_have_text("开放")

        page.click("#lang-en")
        expect(act("call_next")).to_contain_text("Call next")
        expect(page.locator(".keylist")).to_contain_text("No-show")
        expect(page.locator("#win-status")).to_have_text("Open")  # the reloaded page has its state: keys work
        expect(act("call_next")).to_be_enabled()  # and the queues, so it knows someone waits
        page.keyboard.press("n")
        expect(page.locator("#cur-number")).to_have_text("A003")
        expect(page.locator("#cur-state")).to_have_text("Called")
        shot(page, "window-en")
        assert hall.js_errors == []
    finally:
        sub.close()


@pytest.mark.timeout(60)
def test_errors_are_shown_plainly(web: Callable[..., WebHall]) -> None:
    hall = web()
    hall.staff("wang", "clerk", 1)
    manager = hall.staff("boss", "manager")
    page = hall.page()
    hall.login(page, "wang", then="/window/2")
    expect(page).to_have_url(re.compile(r"/window/2$"))
    expect(page.locator("#error")).to_contain_text("您在 1 号窗口，不能操作 2 号窗口")
    page.goto(hall.base + "/window/1")
    page.locator("button[data-action=open]").click()
    hall.api("POST", "/api/tickets", {"queue": "A"})
    expect(page.locator("button[data-action=call_next]")).to_be_enabled()
    hall.api("POST", "/api/windows/1/pause", token=manager)  # the manager pauses the window meanwhile
    expect(page.locator("#win-status")).to_have_text("暂停")
    expect(page.locator("button[data-action=call_next]")).to_be_disabled()
    page.evaluate("Hall.api('POST', '/api/windows/1/call-next').catch(Hall.showError)")  # a stale click
    expect(page.locator("#error")).to_contain_text("1号窗口未开放")
    shot(page, "window-error", full_page=False)
