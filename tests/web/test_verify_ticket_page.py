"""The citizens' pages in Chromium against a real ``hallctl server``: the ticket page (from the ticket's QR
code) with the item's 办事指南 and the alerts (tone and vibration) when 3 are ahead and when called, its link
built on ``HALL_PUBLIC_URL``; and ``/verify`` for a printed document, by its QR code or typed."""
from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from hardware.document.verification import grouped, new_code
from tests.peers import Broker, Collector
from tests.web.conftest import WebHall, shot

VIBRATIONS = """
window.__vibrations = [];
navigator.vibrate = (pattern) => { window.__vibrations.push(pattern); return true; };
"""


@pytest.mark.timeout(60)
def test_the_ticket_page_shows_the_guide_and_alerts_near_the_front_and_when_called(
        web: Callable[..., WebHall]) -> None:
    hall = web(HALL_PUBLIC_URL="http://hall.example.cn:8080")
    clerk = hall.staff("wang", "clerk", 1)
    for _ in range(5):
        status, ticket = hall.api("POST", "/api/tickets", {"item": "SB-005"})
        assert status in (200, 201), ticket
    assert ticket["number"] == "A005" and ticket["status_url"] == "http://hall.example.cn:8080/t/A005"
    page = hall.page(390, 780)
    page.add_init_script(VIBRATIONS)
    page.goto(hall.base + "/t/A005")
    guide = page.locator("#t-guide")
    for text in ("办事指南", "基本养老保险待遇申领", "社会保障卡", "居民身份证", "10个工作日", "不收费", "综合受理窗口",
                 "需到窗口办理"):
        expect(guide).to_contain_text(text)
    expect(page.locator("#t-msg")).to_have_text("前面还有 4 人")
    page.click("#t-alert")
    expect(page.locator("#t-alert")).to_have_text("到号提醒已开启（声音、振动）")
    hall.api("POST", "/api/windows/1/open", token=clerk)
    hall.api("POST", "/api/windows/1/call-next", token=clerk)
    expect(page.locator("body")).to_have_attribute("data-alert", "near")
    expect(page.locator("#t-msg")).to_have_text("前面还有 3 人")
    expect(page.locator("#t-sub")).to_contain_text("快轮到您了，请到等候区留意叫号")
    assert page.evaluate("window.__vibrations.length") == 2  # the tap's short buzz, then the alert
    shot(page, "ticket-guide-near")
    for _ in range(4):
        hall.api("POST", "/api/windows/1/finish", token=clerk)
        hall.api("POST", "/api/windows/1/call-next", token=clerk)
    expect(page.locator("#t-msg")).to_have_text("请到 1号窗口 办理")
    expect(page.locator("body")).to_have_attribute("data-alert", "called")
    assert page.evaluate("window.__vibrations.length") == 3
    hall.api("POST", "/api/windows/1/recall", token=clerk)  # a recall alerts again
    page.wait_for_function("window.__vibrations.length === 4")
    shot(page, "ticket-called-alert")
    assert hall.js_errors == []


@pytest.mark.timeout(60)
def test_a_self_service_item_says_so_on_the_ticket_page(web: Callable[..., WebHall]) -> None:
    hall = web()
    status, ticket = hall.api("POST", "/api/tickets", {"item": "SB-002"})
    assert status in (200, 201)
    page = hall.page(390, 780)
    page.goto(hall.base + f"/t/{ticket['number']}")
    expect(page.locator("#t-guide")).to_contain_text("可在自助终端办理，无需排队")
    page.click("text=English")
    expect(page.locator("#t-guide")).to_contain_text("Self-service")
    assert hall.js_errors == []


@pytest.mark.timeout(60)
def test_a_phone_checks_a_document_by_its_qr_code_or_by_typing_it(web: Callable[..., WebHall], broker: Broker) -> None:
    hall = web()
    code = new_code()
    sub = Collector(broker.url, (f"hall/{hall.hall_id}/reply/kiosk-1",))
    try:
        sub.publish(f"hall/{hall.hall_id}/rpc/register_document", json.dumps({
            "v": 1, "request_id": "r1", "reply_to": f"hall/{hall.hall_id}/reply/kiosk-1", "source": "kiosk-1",
            "code": code, "kind": "record", "holder": "王*", "id_masked": "1301**********1098",
            "insurances": ["pension"], "first_month": "2001-03", "last_month": "2025-04", "pages": 7,
            "issued_at": "2026-03-12T10:15:00+08:00"}))
        assert sub.wait_topic(f"hall/{hall.hall_id}/reply/kiosk-1")[-1]["ok"]
    finally:
        sub.close()
    page = hall.page(390, 780)
    page.goto(hall.base + f"/verify/{code}")
    expect(page.locator("#v-outcome")).to_have_text("核验通过：本证明由本厅出具")
    expect(page.locator("#v-kind")).to_have_text("社会保险个人权益记录")
    expect(page.locator("#v-holder")).to_have_text("王*")
    shot(page, "verify-valid")
    page.goto(hall.base + "/verify")
    page.fill("#v-input", grouped(code)[:-1] + ("0" if code[-1] != "0" else "1"))  # one character mistyped
    page.click("#v-submit")
    expect(page.locator("#v-outcome")).to_have_text("核验未通过：未查到此核验码")
    shot(page, "verify-invalid")
    page.fill("#v-input", grouped(code))
    page.click("#v-submit")
    expect(page.locator("#v-outcome")).to_have_text("核验通过：本证明由本厅出具")
    assert hall.js_errors == []
