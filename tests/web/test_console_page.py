"""The manager console in a browser: advice accepted opens an elastic window; queues assigned;
windows opened and closed; the notice and stopped issuing reach the displays and kiosks over
MQTT; device faults are highlighted until cleared; the day's chart is drawn."""
from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from tests.peers import Broker, Collector
from tests.waiting import eventually
from tests.web.conftest import WebHall, shot


@pytest.mark.timeout(90)
def test_a_manager_accepts_advice_and_runs_the_hall(web: Callable[..., WebHall], broker: Broker) -> None:
    hall = web(HALL_ADVISOR__INTERVAL_S="0.5")
    boss = hall.staff("boss", "manager")
    for _ in range(6):
        hall.api("POST", "/api/tickets", {"queue": "A"})
    topic = f"hall/{hall.hall_id}/"
    sub = Collector(broker.url, (topic + "windows/10/state", topic + "devices/display-1/cmd",
                                 topic + "devices/kiosk-1/cmd"))
    try:
        page = hall.page(1400, 1000)
        hall.login(page, "boss")
        expect(page).to_have_url(re.compile(r"/console$"))
        advice = page.locator("[data-advice='open-10-A']")
        expect(advice).to_contain_text("建议开放10号窗口办理A")
        advice.locator("button[data-accept]").click()
        row = page.locator("#windows tr[data-window='10']")
        expect(row.locator("[data-way='10']")).to_have_text("人员前往中")  # nobody at it yet: still closed
        assert hall.api("GET", "/api/windows/10")[1]["status"] == "closed"
        row.locator("button[data-open]").click()  # someone is there: the manager opens it
        expect(row).to_contain_text("开放")
        w10 = hall.api("GET", "/api/windows/10")[1]
        assert (w10["status"], w10["queues"]) == ("open", ["A", "B", "C"])  # as advised: A first, and the rest
        assert sub.wait_for(lambda ms: any(json.loads(p).get("status") == "open" for t, p, *_ in ms
                                           if t.endswith("windows/10/state")))

        # an elastic window gets a second queue
        w11 = page.locator("#windows tr[data-window='11']")
        w11.locator("input[value=B]").check()
        w11.locator("button[data-save-queues]").click()
        expect(w11).to_contain_text("关闭")
        assert eventually(lambda: hall.api("GET", "/api/windows/11")[1]["queues"] == ["A", "B"])
        page.locator("#windows tr[data-window='2'] button[data-open]").click()
        expect(page.locator("#windows tr[data-window='2']")).to_contain_text("开放")

        # the notice goes to the board and, as a command, to every known display
        page.fill("#notice-text", "今日下午系统升级，社保卡业务暂停")
        page.click("#notice-publish")
        expect(page.locator("#info")).to_contain_text("公告已发布到 1 台显示屏")
        cmd = sub.wait_topic(topic + "devices/display-1/cmd")[-1]
        assert cmd == {"v": 1, "cmd": "notice", "text": "今日下午系统升级，社保卡业务暂停"}
        assert hall.api("GET", "/api/hall")[1]["notice"] == "今日下午系统升级，社保卡业务暂停"

        # stop issuing: every known kiosk is told, and tickets are refused
        page.click("#issuing-toggle")
        expect(page.locator("#issuing-state")).to_have_text("已停止取号")
        assert sub.wait_topic(topic + "devices/kiosk-1/cmd")[-1] == {"v": 1, "cmd": "stop_issuing", "text": None}
        st, err = hall.api("POST", "/api/tickets", {"queue": "A"})
        assert st == 409 and err["error"]["code"] == "issuing_stopped"
        page.click("#issuing-toggle")
        expect(page.locator("#issuing-state")).to_have_text("正常取号")
        assert sub.wait_topic(topic + "devices/kiosk-1/cmd", count=2)[-1]["cmd"] == "resume_issuing"

        # device health: a fault is highlighted until the device reports it cleared
        status = {"v": 1, "state": "online", "kind": "kiosk", "faults": ["paper_low", "reader_fault"]}
        sub.publish(topic + "devices/kiosk-1/status", json.dumps(status), retain=True)
        printer = {**status, "kind": "printer", "faults": ["paper_out"]}
        sub.publish(topic + "devices/printer-2/status", json.dumps(printer), retain=True)
        kiosk = page.locator("#device-table tr[data-device='kiosk-1']")
        expect(kiosk).to_have_class(re.compile("fault"))
        expect(kiosk).to_contain_text("纸将尽")
        expect(kiosk).to_contain_text("读卡器故障")
        expect(page.locator("#device-table tr[data-device='printer-2']")).to_contain_text("缺纸")
        devices = hall.api("GET", "/api/devices", token=boss)[1]
        assert {d["id"]: d["faults"] for d in devices["devices"]}["kiosk-1"] == ["paper_low", "reader_fault"]
        expect(page.locator("#chart-waiting svg polyline[data-queue=A]")).to_have_count(1)
        shot(page, "console")
        sub.publish(topic + "devices/kiosk-1/status", json.dumps({**status, "faults": []}), retain=True)
        expect(kiosk).not_to_have_class(re.compile("fault"))
        expect(page.locator("#fault-log")).to_contain_text("kiosk-1 纸将尽 已恢复")
        expect(page.locator("#device-table tr[data-device='printer-2']")).to_have_class(re.compile("fault"))
        assert hall.js_errors == []
    finally:
        sub.publish(topic + "devices/kiosk-1/status", b"", retain=True)
        sub.publish(topic + "devices/printer-2/status", b"", retain=True)
        sub.close()

