"""A console that knows what it does not know: the broker stops under a running server with the
manager console and a clerk's page open in Chromium. Every device shows as unknown with the time
it was last heard from, both pages warn, and all of it clears after the broker returns; faults
clear when the device says so, and every fault code reads in words."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from hall_contract.link import DeviceLink
from hall_contract.protocol import Topics
from tests.peers import Broker, ServerProcess, hall_env
from tests.web.conftest import WebHall, shot

#: how soon the pages must show a lost or returned broker: the server notices a closed connection
#: at once and reconnects within its 1-5 s back-off; the display's link the same
NOTICE_S = 3.0
BACK_S = 15.0


@pytest.fixture
def own_hall(tmp_path: Path, new_broker: Callable[..., Broker], chromium: Any) -> Iterator[tuple[WebHall, Broker]]:
    broker = new_broker()
    server = ServerProcess(hall_env(tmp_path, broker.url), tmp_path)
    server.start()
    hall = WebHall(server, chromium)
    yield hall, broker
    hall.close()
    server.stop()


@pytest.mark.timeout(120)
def test_the_pages_say_the_broker_is_lost_and_clear_when_it_returns(own_hall: tuple[WebHall, Broker]) -> None:
    hall, broker = own_hall
    hall.staff("boss", "manager")
    hall.staff("wang", "clerk", 1)
    display = DeviceLink(broker.url, Topics(hall.hall_id), "display-1", "display")
    display.faults = ["no_audio_output"]
    bridge = DeviceLink(broker.url, Topics(hall.hall_id), "bridge-1", "bridge")
    display.start()
    try:
        assert display.wait_connected(5)
        console = hall.page(1400, 1100)
        hall.login(console, "boss", then="/console")
        expect(console).to_have_url(re.compile(r"/console$"))
        row = console.locator("#device-table tr[data-device='display-1']")
        expect(row).to_contain_text("在线")
        expect(row).to_contain_text("无音频输出")  # the fault code in words, never no_audio_output
        expect(row).not_to_contain_text("no_audio_output")
        expect(console.locator("#broker-down")).to_be_hidden()
        expect(console.locator("#live")).to_contain_text("实时")

        clerk = hall.page()
        hall.login(clerk, "wang")
        expect(clerk).to_have_url(re.compile(r"/window/1$"))
        expect(clerk.locator("#win-status")).to_have_text("关闭")
        expect(clerk.locator("#links-warn")).to_be_hidden()

        broker.stop()
        expect(console.locator("#broker-down")).to_be_visible(timeout=NOTICE_S * 1000)
        expect(console.locator("#broker-down")).to_contain_text("设备状态未知")
        expect(row).to_contain_text("状态未知", timeout=NOTICE_S * 1000)
        expect(row).not_to_contain_text("在线")
        seen = row.locator("td").nth(4)
        expect(seen).to_have_text(re.compile(r"^\d\d:\d\d:\d\d$"))  # when it was last heard from
        expect(console.locator("#device-table tr[data-device='kiosk-1']")).to_contain_text("状态未知")
        expect(clerk.locator("#links-warn")).to_be_visible(timeout=NOTICE_S * 1000)
        expect(clerk.locator("#links-warn")).to_contain_text("消息服务连接中断")
        expect(clerk.locator("#live-lost")).to_be_hidden()  # the pages themselves are still live
        shot(console, "console-broker-lost")
        shot(clerk, "clerk-broker-lost", full_page=False)

        broker.start()
        expect(console.locator("#broker-down")).to_be_hidden(timeout=BACK_S * 1000)
        expect(row).to_contain_text("在线", timeout=BACK_S * 1000)
        expect(clerk.locator("#links-warn")).to_be_hidden(timeout=BACK_S * 1000)
        expect(row).to_contain_text("无音频输出")  # still there: the device has not said otherwise

        display.set_faults([])  # the device says the fault is gone
        expect(row).not_to_contain_text("无音频输出")
        expect(console.locator("#fault-log li").first).to_contain_text(re.compile(r"无音频输出.* 已恢复"))

        display.stop()  # the wall display goes away: the clerk is told calls are not shown
        expect(clerk.locator("#links-warn")).to_contain_text("大厅显示屏 display-1 离线")
        expect(row).to_contain_text("离线")

        bridge.faults = ["screen_1_no_answer", "screen_2_no_answer"]  # window 1's screen (and 2's) is silent
        bridge.start()
        expect(clerk.locator("#links-warn")).to_contain_text("本窗口的窗口屏离线（1号窗口屏无应答）")
        expect(clerk.locator("#links-warn")).not_to_contain_text("2号窗口屏")
        expect(console.locator("#device-table tr[data-device='bridge-1']")).to_contain_text("2号窗口屏无应答")

        hall.server.stop()  # the pages' own link: they say what they show may be old
        expect(clerk.locator("#live-lost")).to_be_visible()
        expect(console.locator("#live-lost")).to_be_visible()
        expect(clerk.locator("#live")).to_contain_text("连接中断")
        shot(clerk, "clerk-page-link-lost", full_page=False)
        assert hall.js_errors == []
    finally:
        display.stop()
        bridge.stop()
