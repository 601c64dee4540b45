"""The guide desk page (咨询引导台) in Chromium: a 残疾人/绿色通道 ticket, a 代办 ticket, a lost ticket shown
again, a complaint; ID numbers only masked on the page once sent; a stranger cannot set a priority."""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.web.conftest import WebHall, shot

CITIZEN_ID = "110101198503120033"
PROXY_ID = "130102198001011232"


@pytest.mark.timeout(90)
def test_the_guide_issues_a_disabled_and_a_proxy_ticket(web: Callable[..., WebHall]) -> None:
    hall = web()
    hall.staff("guide1", "guide")
    boss = hall.staff("boss", "manager")
    now = datetime.now(ZoneInfo("Asia/Shanghai"))
    start = now.strftime("%H:%M")
    hall.api("PUT", "/api/appointments/slots", {"date": now.date().isoformat(), "start": start,
                                                "end": "23:59", "queue": "B", "capacity": 2}, token=boss)
    st, booking = hall.api("POST", "/api/appointments", {"date": now.date().isoformat(), "start": start, "queue": "B",
                                                         "id_number": "11010119410312001X", "name": "张三"})
    assert st == 201, booking
    page = hall.page()
    hall.login(page, "guide1", then="/desk")
    expect(page).to_have_url(re.compile(r"/desk$"))
    expect(page.locator("#nav a[href='/desk']")).to_be_visible()

    page.select_option("#target", "queue:A")
    page.fill("#id-number", CITIZEN_ID)
    page.fill("#name", "李四")
    page.check("#prio-disabled")
    page.click("#issue")
    expect(page.locator("#dt-number")).to_have_text("A001")
    expect(page.locator("#dt-priority")).to_have_text("残疾人优先")
    expect(page.locator("#dt-holder")).to_contain_text("李* 1101**********0033")
    expect(page.locator("#id-number")).to_have_value("")

    page.select_option("#target", "item:SB-003")
    page.check("#proxy-on")
    page.fill("#proxy-name", "王五")
    page.fill("#proxy-id", PROXY_ID)
    page.select_option("#proxy-relation", "parent")
    page.click("#issue")
    expect(page.locator("#dt-number")).to_have_text("A002")
    expect(page.locator("#dt-proxy")).to_have_text("代办人 王*（父母）1301**********1232")
    expect(page.locator("#dt-ahead")).to_contain_text("前面 1 人")

    page.fill("#reprint-number", "a001")
    page.click("#reprint")
    expect(page.locator("#dt-number")).to_have_text("A001")
    expect(page.locator("#dt-priority")).to_have_text("残疾人优先")

    booked = page.locator(f"#booking-table tr[data-code='{booking['code']}']")
    expect(booked).to_contain_text("待签到")
    expect(booked).to_contain_text("1101**********001X")
    page.fill("#checkin-code", booking["code"])
    page.click("#checkin")
    expect(page.locator("#dt-number")).to_have_text("B001")
    expect(page.locator("#dt-priority")).to_have_text("预约")
    expect(page.locator("#checkin-message")).to_contain_text("预约签到成功")
    expect(booked).to_contain_text("已签到")
    expect(page.locator("#booking-figures")).to_contain_text("已签到 1")

    page.select_option("#fb-kind", "complaint")
    page.select_option("#fb-category", "efficiency")
    page.select_option("#fb-window", "2")
    page.fill("#fb-contact", "13812345678")
    page.fill("#fb-text", "等候时间过长，窗口办理慢")
    page.click("#register")
    row = page.locator("#feedback-table tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("投诉")
    expect(row).to_contain_text("办事效率")
    expect(row).to_contain_text("138****5678")
    expect(page.locator("#info")).to_contain_text("138****5678")
    body = page.content()
    assert CITIZEN_ID not in body and PROXY_ID not in body and "13812345678" not in body
    shot(page, "guide-desk")

    page.goto(hall.base + "/desk?lang=en")
    expect(page.locator("#desk-issue h2")).to_have_text("Issue a ticket")

    st, err = hall.api("POST", "/api/tickets", {"queue": "A", "priority": "disabled"})
    assert (st, err["error"]["code"]) == (403, "priority_not_allowed")
    assert hall.api("POST", "/api/desk/tickets", {"queue": "A", "priority": "disabled"})[0] == 401
    assert not hall.js_errors
