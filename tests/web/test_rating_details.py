"""The rating tablet as the standard asks (亮牌, equal levels, reasons by dimension, a comment, a call-back
phone) in Chromium against a real server; what the citizen left reaches the manager's complaint list masked,
and the full number only through the audited call-back read."""
from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from tests.web.conftest import WebHall, shot


@pytest.mark.timeout(120)
def test_a_poor_rating_with_reasons_words_and_a_phone(web: Callable[..., WebHall]) -> None:
    hall = web(HALL_RATINGS__TIMEOUT_S="60")
    wang = hall.staff("wang", "clerk", 1)
    boss = hall.staff("boss", "manager")
    aud = hall.staff("aud", "auditor")
    hall.api("POST", "/api/tickets", {"queue": "A"})
    tablet = hall.page(1280, 900)
    tablet.goto(hall.base + "/rate/1")
    expect(tablet.locator("#screen-pair")).to_be_visible()  # paired once by the manager, with a code
    tablet.locator("#pair-code").fill(hall.api("POST", "/api/evaluations/1/pairing", {}, token=boss)[1]["code"])
    tablet.locator("#pair-submit").click()
    expect(tablet.locator("#screen-idle")).to_be_visible()
    hall.api("POST", "/api/windows/1/open", token=wang)
    assert hall.api("POST", "/api/windows/1/call-next", token=wang)[1]["number"] == "A001"
    hall.api("POST", "/api/windows/1/finish", token=wang)
    ask = tablet.locator("#screen-ask")
    expect(ask).to_be_visible()
    # 亮牌: the clerk who served (the login name while the staff record has no display name)
    expect(ask.locator("[data-clerk-card]")).to_have_text("为您服务的是 wang")
    # the five levels look alike: same size, same colours (the pointer, left where 配对 was, hovers none of them)
    tablet.mouse.move(0, 0)
    boxes = [tablet.locator(f"button[data-rating='{r}']") for r in range(1, 6)]
    looks = {(round(b.bounding_box()["width"]), round(b.bounding_box()["height"]),  # type: ignore[index]
              b.evaluate("e => getComputedStyle(e).backgroundColor + getComputedStyle(e).color + "
                         "getComputedStyle(e).borderColor + getComputedStyle(e).fontSize")) for b in boxes}
    assert len(looks) == 1, looks
    shot(tablet, "rate-clerk", full_page=False)

    tablet.locator("button[data-rating='2']").click()
    reasons = tablet.locator("#screen-reason")
    expect(reasons).to_be_visible()
    expect(reasons.locator("fieldset[data-dimension=attitude] legend")).to_have_text("服务态度")
    expect(reasons.locator("fieldset[data-dimension=efficiency] legend")).to_have_text("办事效率")
    expect(reasons.locator("fieldset[data-dimension=quality] legend")).to_have_text("办事质量")
    tablet.locator("button[data-reason='rude']").click()
    tablet.locator("button[data-reason='come_again']").click()
    expect(tablet.locator("button[data-reason='rude']")).to_have_attribute("aria-pressed", "true")
    tablet.fill("#reason-text", "材料要求前后说法不一，跑了两趟")
    tablet.fill("#reason-phone", "1381234")
    tablet.locator("#reason-send").click()
    expect(tablet.locator("#error")).to_have_text("请填写正确的手机或固话号码")
    expect(reasons).to_be_visible()
    tablet.fill("#reason-phone", "138 1234 5678")
    expect(tablet.locator("#error")).to_be_hidden(timeout=8000)
    shot(tablet, "rate-reasons", full_page=False)
    tablet.locator("#reason-send").click()
    expect(tablet.locator("#screen-thanks")).to_be_visible()

    status, rows = hall.api("GET", "/api/ratings?negative=true", token=boss)
    assert status == 200
    (row,) = rows
    assert (row["rating"], row["reason"], row["reasons"], row["dimensions"], row["text"], row["phone_masked"]) == \
        (2, "rude", ["rude", "come_again"], ["attitude", "quality"], "材料要求前后说法不一，跑了两趟", "138****5678")
    assert "13812345678" not in str(rows)

    # the manager's 整改 list (整改督办) shows the reasons, the words and the masked phone for the call back
    console = hall.page(1400, 1000)
    hall.login(console, "boss")
    line = console.locator("#rectify-table tbody tr[data-case]").filter(has_text="A001")
    expect(line.locator(".complaint-detail")).to_contain_text("态度生硬、不耐烦、需要多次跑")
    expect(line.locator(".complaint-text")).to_contain_text("跑了两趟")
    expect(line.locator(".callback")).to_have_text("138****5678")
    shot(console, "console-complaint-detail")

    # the full number: the manager's audited read only
    assert hall.api("GET", f"/api/ratings/{row['id']}/callback", token=aud)[0] == 403
    status, cb = hall.api("GET", f"/api/ratings/{row['id']}/callback", token=boss)
    assert (status, cb["phone"]) == (200, "13812345678")
    assert hall.js_errors == []
