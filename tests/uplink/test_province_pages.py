"""The province's API and monitoring page, in Chromium, on events replayed through the real engine."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from province.db import make_engine, upgrade
from province.ingest import Ingest
from queue_server.hall_factory import build_hall
from queue_server.settings import load_settings
from queue_server.simulate.arrivals import default_split, generate, load_profile
from queue_server.uplink.simhall import MemoryOutbox, RecordingHall, ReplayDay
from tests.peers import ROOT, http
from tests.uplink._procs import Province
from tests.web.conftest import shot

pytestmark = [pytest.mark.postgres, pytest.mark.peer]  # nats-server and PostgreSQL
TOKEN = "province-test-token-1"


def _events(today: Any) -> list[tuple[str, bytes]]:
    """Two halls' whole day, and a third hall that is open right now: 2 windows, 5 tickets, 1 called."""
    s = load_settings(ROOT / "config" / "hall.toml", env={})
    out: list[tuple[str, bytes]] = []
    for i, hall in enumerate(("sjz-qiaoxi", "bd-lianchi")):
        box = MemoryOutbox(hall, s, seed=i + 1)
        ReplayDay(s, generate(s, load_profile(), 300, default_split(s), i + 1), today, box).run()
        out += [(e.subject, e.to_json()) for e in box.events]
    live = MemoryOutbox("hd-congtai", s)
    hall = RecordingHall(build_hall(s, today), live)
    now = datetime.combine(today, datetime.min.time(), tzinfo=ZoneInfo("Asia/Shanghai")).replace(hour=10)
    hall.open_window(now, 1)
    hall.open_window(now, 7)
    for _ in range(5):
        hall.issue(now, queue="A")
    hall.call_next(now.replace(minute=5), 1)
    return out + [(e.subject, e.to_json()) for e in live.events]


@pytest.fixture
def province(tmp_path: Path, pg_url: str) -> Iterator[Province]:
    engine = make_engine(pg_url)
    upgrade(engine)
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    events = _events(today)
    for i in range(0, len(events), 500):
        Ingest(engine).apply(events[i:i + 500])
    engine.dispose()
    p = Province(pg_url, "nats://127.0.0.1:1", tmp_path, PROVINCE_API_TOKEN=TOKEN)
    p.args.append("--consumers=0")
    p.start()
    yield p
    p.stop()


def test_the_api_answers_the_contracts_shape_and_wants_the_token(province: Province) -> None:
    assert province.api("/api/province/daily")[0] == 401
    status, body = province.api("/api/province/daily", token=TOKEN)
    assert status == 200 and set(body) == {"date", "halls"}
    assert [h["hall"] for h in body["halls"]] == ["bd-lianchi", "hd-congtai", "sjz-qiaoxi"]
    for h in body["halls"]:
        assert set(h) == {"hall", "issued", "served", "no_show", "transferred", "mean_wait_s", "p95_wait_s", "ratings"}
        assert set(h["ratings"]) == {"1", "2", "3", "4", "5"}
    full = next(h for h in body["halls"] if h["hall"] == "sjz-qiaoxi")
    assert full["issued"] == 300 and full["served"] + full["no_show"] <= 300 and sum(full["ratings"].values()) > 100
    assert province.api("/api/province/daily?date=1999-01-01", token=TOKEN)[1]["halls"] == []
    status, err = province.api("/api/province/daily?date=yesterday", token=TOKEN)
    assert status == 422 and err["error"]["code"] == "invalid_request"
    assert province.api("/api/province/halls/a.b", token=TOKEN)[0] == 404
    status, csv = http("GET", province.base + "/api/province/daily.csv", token=TOKEN)
    assert status == 200 and csv.startswith("\ufeffdate,hall,issued") and "sjz-qiaoxi,300," in csv


def test_the_monitoring_page_shows_every_hall_live_and_drills_down(province: Province, chromium: Any) -> None:
    ctx = chromium.new_context(viewport={"width": 1500, "height": 900}, locale="zh-CN")
    page = ctx.new_page()
    page.set_default_timeout(8000)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(province.base + "/")
        page.fill("#token", "wrong")
        page.click("#login-submit")
        page.wait_for_selector("#login-error:has-text('令牌不正确')")
        page.fill("#token", TOKEN)
        page.click("#login-submit")
        page.wait_for_selector(".hall-row")
        assert page.locator(".hall-row").count() == 3
        live = page.locator(".hall-row[data-hall='hd-congtai'] td")
        assert live.nth(1).inner_text() == "4"  # waiting: 5 issued, 1 called
        assert live.nth(2).inner_text() == "5分"  # longest wait, at the hall's last event
        assert live.nth(3).inner_text() == "2/2"  # windows open of those it reported
        assert "3个大厅" in page.inner_text("#summary")
        page.click(".hall-row[data-hall='sjz-qiaoxi']")
        page.wait_for_selector("#queue-table tbody tr")
        assert page.inner_text("#drill-title").startswith("sjz-qiaoxi")
        queues = [r.split("\t")[0] for r in page.locator("#queue-table tbody tr").all_inner_texts()]
        assert queues == ["A", "B", "C"]
        assert page.locator("#drill-clerks tbody tr").count() > 5
        shot(page, "province-halls")
        page.click("#lang")
        page.wait_for_selector("th:has-text('Waiting')")
        assert page.title() == "Province hall monitor"
        page.click(".tab[data-tab='ratings']")
        page.wait_for_selector("#rating-table tbody tr")
        rows = page.locator("#rating-table tbody tr").all_inner_texts()
        assert rows and all("dissatisfied" in r for r in rows)
        assert any(r.rstrip().endswith("open") for r in rows) or any(r.rstrip().endswith("done") for r in rows)
        shot(page, "province-ratings")
        href = page.get_attribute("#csv-ratings", "href")
        resp = page.request.get(province.base + href)
        assert resp.status == 200 and resp.text().startswith("\ufeffdate,hall,number")
        page.click(".tab[data-tab='clerks']")
        page.wait_for_selector("#clerk-table tbody tr")
        assert page.locator("#clerk-table tbody tr").count() >= 24
        assert not errors, errors
    finally:
        ctx.close()
