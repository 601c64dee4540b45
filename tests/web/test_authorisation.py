"""前台主管 事前授权 in Chromium against a real server: the clerk asks from the window page, the manager
refuses one and approves another on the console, the clerk's page shows each answer, and every step is in
the audit trail."""
from __future__ import annotations

import json
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from queue_server.store import make_engine
from queue_server.store.tables import audit_t
from tests.web.conftest import WebHall, shot


@pytest.mark.timeout(120)
def test_a_clerk_asks_and_the_manager_answers(web: Callable[..., WebHall]) -> None:
    hall = web()
    wang = hall.staff("wang", "clerk", 1)
    li = hall.staff("li", "clerk", 2)
    boss = hall.staff("boss", "manager")
    aud = hall.staff("aud", "auditor")
    hall.api("POST", "/api/tickets", {"queue": "A"})

    clerk = hall.page(1400, 1100)
    hall.login(clerk, "wang")
    clerk.locator("button[data-action=open]").click()
    expect(clerk.locator("button[data-action=call_next]")).to_be_enabled()
    clerk.keyboard.press("n")
    expect(clerk.locator("#cur-number")).to_have_text("A001")
    expect(clerk.locator("#auth-list")).to_contain_text("暂无授权申请")
    clerk.select_option("#auth-kind", "correct_payment")
    clerk.locator("#auth-number").focus()
    expect(clerk.locator("#auth-number")).to_have_value("A001")
    clerk.fill("#auth-reason", "单位申报基数录入错误，需更正2026年10月缴费记录")
    clerk.click("#auth-send")
    mine = clerk.locator("#auth-list li[data-auth]")
    expect(mine).to_have_count(1)
    expect(mine.first).to_contain_text("待审批")
    expect(mine.first).to_contain_text("纠错类：更正缴费记录 · A001")
    # a second request, for the manager to refuse
    clerk.select_option("#auth-kind", "reverse")
    clerk.fill("#auth-number", "")
    clerk.fill("#auth-reason", "群众要求撤销已办结的转移业务")
    clerk.click("#auth-send")
    expect(mine).to_have_count(2)

    # others may not ask for window 1 or answer
    status, err = hall.api("POST", "/api/windows/1/authorisations", {"kind": "other", "reason": "测试"}, token=li)
    assert (status, err["error"]["code"]) == (403, "wrong_window")
    assert hall.api("POST", "/api/windows/1/authorisations", {"kind": "other", "reason": "测试"})[0] == 401
    status, listed = hall.api("GET", "/api/authorisations", token=aud)
    assert status == 200 and len(listed) == 2
    assert hall.api("PUT", f"/api/authorisations/{listed[0]['id']}", {"decision": "approved"}, token=aud)[0] == 403
    assert hall.api("PUT", f"/api/authorisations/{listed[0]['id']}", {"decision": "approved"}, token=wang)[0] == 403

    console = hall.page(1400, 1300)
    hall.login(console, "boss")
    rows = console.locator("#auth-table tbody tr[data-auth]")
    expect(rows).to_have_count(2)
    payment = rows.filter(has_text="更正缴费记录")
    reverse = rows.filter(has_text="业务撤销")
    expect(payment).to_contain_text("wang")
    expect(payment).to_contain_text("A001")
    reverse.locator("button[data-refuse]").click()
    expect(console.locator("#error")).to_contain_text("不同意时请写明原因")
    reverse.locator("input[data-auth-note]").fill("已办结业务不予撤销，请引导群众另行申请")
    reverse.locator("button[data-refuse]").click()
    expect(reverse).to_contain_text("不同意")
    payment.locator("input[data-auth-note]").fill("同意，更正后请复核")
    payment.locator("button[data-approve]").click()
    expect(payment).to_contain_text("已同意")
    expect(payment).to_contain_text("审批人 boss")
    console.locator("#authorisations").scroll_into_view_if_needed()
    shot(console, "console-authorisation")

    # the clerk's page shows each answer without a reload
    expect(mine.filter(has_text="更正缴费记录")).to_contain_text("已同意", timeout=10000)
    expect(mine.filter(has_text="更正缴费记录")).to_contain_text("同意，更正后请复核")
    expect(mine.filter(has_text="业务撤销")).to_contain_text("不同意")
    shot(clerk, "window-authorisation")
    again = hall.api("PUT", f"/api/authorisations/{listed[0]['id']}", {"decision": "approved"}, token=boss)
    assert (again[0], again[1]["error"]["code"]) == (409, "already_answered")

    engine = make_engine(hall.server.env["HALL_DATABASE_URL"])
    try:
        with engine.connect() as conn:
            trail = [(r.actor, r.action, json.loads(r.detail)) for r in conn.execute(
                sa.select(audit_t).where(audit_t.c.action.like("authorisation%")).order_by(audit_t.c.id))]
    finally:
        engine.dispose()
    assert [(a, act, d.get("kind") or d.get("decision")) for a, act, d in trail] == [
        ("wang", "authorisation_ask", "correct_payment"), ("wang", "authorisation_ask", "reverse"),
        ("boss", "authorisation_answer", "refused"), ("boss", "authorisation_answer", "approved")]
    assert hall.js_errors == []
