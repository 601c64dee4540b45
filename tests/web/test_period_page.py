"""The period report page in Chromium: a clerk's month so far with the grade, the risk summary, the CSV
download (formula-guarded) and the page as printed."""
from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from tests.waiting import eventually
from tests.web.conftest import WebHall, shot


@pytest.mark.timeout(120)
def test_the_period_page_shows_grades_and_risks_and_prints(web: Callable[..., WebHall]) -> None:
    hall = web(HALL_GRADES__MIN_RATED="1")
    wang = hall.staff("wang", "clerk", 1)
    hall.staff("boss", "manager")
    hall.staff("aud", "auditor")
    hall.api("POST", "/api/windows/1/open", token=wang)
    for rating in (5, 1):
        hall.api("POST", "/api/tickets", {"queue": "A"})
        assert hall.api("POST", "/api/windows/1/call-next", token=wang)[0] == 200
        hall.api("POST", "/api/windows/1/finish", token=wang)
        eventually(lambda: hall.api("GET", "/api/evaluations/1")[1]["pending"] is not None)
        pending = hall.api("GET", "/api/evaluations/1")[1]["pending"]
        status, _ = hall.api("POST", "/api/evaluations/1/result", {"rating": rating, "ticket_id": pending["ticket_id"]})
        assert status == 201

    page = hall.page(1400, 1000)
    hall.login(page, "aud", "/report/period")
    row = page.locator("#period-table tbody tr[data-key='wang']")
    # 70 × 50 % + 30 × 2/2 − 5 × 1 = 60 → D
    expect(row.locator("td.grade")).to_have_text("D")
    expect(row).to_contain_text("60")
    expect(page.locator("#formula")).to_contain_text("A ≥ 90")
    expect(page.locator("#risk-top li").first).to_be_visible()
    expect(page.locator("#risk-top")).to_contain_text("差评共1次")
    shot(page, "period")
    page.select_option("#by", "window")
    expect(page.locator("#period-table tbody tr[data-key='1']")).to_contain_text("1号窗口")
    page.select_option("#by", "clerk")
    expect(row.locator("td.grade")).to_have_text("D")
    with page.expect_download() as download:
        page.click("#csv")
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text(encoding="utf-8-sig"))))
    assert [(r["clerk"], r["served"], r["negative"], r["grade"]) for r in rows] == [("wang", "2", "1", "D")]
    page.emulate_media(media="print")
    expect(page.locator(".signatures")).to_be_visible()
    expect(page.locator(".report-bar")).to_be_hidden()
    shot(page, "period-print")
    page.goto(hall.base + "/report/period?lang=en")
    expect(page.locator("#formula")).to_contain_text("Score = 70")
    assert hall.js_errors == []

    # a clerk may not read it
    clerk = hall.page()
    hall.login(clerk, "wang", "/report/period")
    expect(clerk.locator("#refused")).to_be_visible()
