"""A scripted month through the HTTP API on a fake clock, then the period report, the clerks' grades A-E,
the risk summary and the CSV: every figure exact, on SQLite and on PostgreSQL.

March 2026, days 1..30, queue A (target 15 min):
- 09:00/09:01/09:02 three tickets (days 1-3 a fourth at 09:03);
- wang (window 1) calls at 09:10, finishes 09:20, rated 5; at 09:40 calls the third ticket, a no-show;
- li (window 2) calls at 09:10, finishes 09:30, rated 4, or 1 (非常不满意) on days 10, 20 and 30;
- zhao (window 3, days 1-3) calls the fourth ticket at 09:50, finishes 09:55, rated 5.
13 March is a holiday. 整改 counts by the cases' working-day due dates, not calendar days: day 10's
case (due 18 March, 5 working days across the weekend and the holiday) is closed on 18 March through the
old follow-up API, on time though 8 calendar days later; day 20's (due 27 March) is closed on 30 March,
late; day 30's (due 6 April) is still open on 31 March, not yet overdue.
"""
from __future__ import annotations

import csv
import io
import uuid
import warnings
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

with warnings.catch_warnings():  # starlette asks for httpx2, which this project does not use
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

from queue_server.app import create_app
from queue_server.runtime import HallRuntime
from queue_server.settings import load_settings
from tests.peers import ROOT
from tests.server._staff_api import SettableClock, StaffApi, answer
from tests.waiting import eventually

TZ = ZoneInfo("Asia/Shanghai")


class FakeClock(SettableClock):
    def at(self, day: int, hhmm: str, month: int = 3) -> None:
        h, m = (int(x) for x in hhmm.split(":"))
        self.set(datetime(2026, month, day, h, m, tzinfo=TZ))


class Month(StaffApi):
    def __init__(self, client: TestClient, clock: FakeClock, runtime: HallRuntime) -> None:
        super().__init__(client, runtime)
        self.clock = clock
        self.tablets: dict[int, str] = {}

    def call(self, method: str, path: str, who: str | None = None, body: Any = None, ok: tuple[int, ...] = (),
             tablet: str | None = None) -> Any:
        r = self.request(method, path, who, body, tablet)
        assert r.status_code < 300 or r.status_code in ok, (path, r.status_code, r.text)
        return answer(r)

    def serve(self, day: int, who: str, n: int, called: str, finished: str, rating: int) -> str:
        self.clock.at(day, called)
        number = self.call("POST", f"/api/windows/{n}/call-next", who)["number"]
        self.call("POST", f"/api/windows/{n}/start", who)
        self.clock.at(day, finished)
        self.call("POST", f"/api/windows/{n}/finish", who)
        desk = self.runtime.ratings
        assert desk is not None
        eventually(lambda: (p := desk.pending_for(n)) is not None and p.number == number)
        pending = desk.pending_for(n)
        assert pending is not None
        self.call("POST", f"/api/evaluations/{n}/result", body={"rating": rating, "ticket_id": pending.ticket_id},
                  tablet=self.tablet(n))
        return number

    def tablet(self, n: int) -> str:
        """Window ``n``'s rating tablet, paired once by the manager."""
        if n not in self.tablets:
            code = self.call("POST", f"/api/evaluations/{n}/pairing", "boss")["code"]
            self.tablets[n] = self.call("POST", f"/api/evaluations/{n}/pair", body={"code": code})["tablet_token"]
        return self.tablets[n]

    def get(self, path: str, who: str = "aud") -> Any:
        return self.call("GET", path, who)


def drive_the_month(m: Month) -> None:
    for day in range(1, 31):
        m.clock.at(day, "09:00")
        for i in range(4 if day <= 3 else 3):
            m.clock.at(day, f"09:0{i}")
            m.call("POST", "/api/tickets", body={"queue": "A"})
        m.clock.at(day, "09:05")
        for who, n in (("wang", 1), ("li", 2), *((("zhao", 3),) if day <= 3 else ())):
            m.call("POST", f"/api/windows/{n}/open", who, ok=(409,))
        m.serve(day, "wang", 1, "09:10", "09:20", 5)
        m.serve(day, "li", 2, "09:10", "09:30", 1 if day % 10 == 0 else 4)
        m.clock.at(day, "09:40")
        m.call("POST", "/api/windows/1/call-next", "wang")
        m.clock.at(day, "09:45")
        m.call("POST", "/api/windows/1/no-show", "wang")
        if day <= 3:
            m.serve(day, "zhao", 3, "09:50", "09:55", 5)
        if day == 18:
            m.clock.at(18, "10:00")
            rid = next(r["id"] for r in m.get("/api/ratings?date=2026-03-10&negative=true", "boss"))
            m.call("PUT", f"/api/ratings/{rid}/follow-up", "boss", {"state": "done", "note": "已回访致歉"})
            case = next(c for c in m.get("/api/rectifications", "boss")["cases"] if c["rating_id"] == rid)
            assert (case["state"], case["due"], case["feedback"], case["overdue"]) == \
                ("done", "2026-03-18", "已回访致歉", False)
        if day == 30:
            m.clock.at(30, "10:00")
            rid = next(r["id"] for r in m.get("/api/ratings?date=2026-03-20&negative=true", "boss"))
            case = next(c for c in m.get("/api/rectifications?open=true", "boss")["cases"] if c["rating_id"] == rid)
            assert case["due"] == "2026-03-27"
            m.call("POST", f"/api/rectifications/{case['id']}/close", "boss", {"feedback": "已电话回访，整改到位"})
            (rating,) = [r for r in m.get("/api/ratings?date=2026-03-20&negative=true", "boss") if r["id"] == rid]
            assert (rating["follow_up"], rating["follow_up_note"]) == ("done", "已电话回访，整改到位")
        for who, n in (("wang", 1), ("li", 2), *((("zhao", 3),) if day <= 3 else ())):
            m.call("POST", f"/api/windows/{n}/close", who, ok=(409,))
    m.clock.at(31, "17:00")


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=[pytest.mark.peer,
                                                                                    pytest.mark.postgres])])
def month(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Month]:
    from contextlib import ExitStack

    from tests.peers import fresh_database

    with ExitStack() as stack:
        if request.param == "postgres":
            db = stack.enter_context(fresh_database(request.getfixturevalue("pg_admin")))
        else:
            db = f"sqlite:///{tmp_path_factory.mktemp('month')}/hall.db"
        settings = load_settings(ROOT / "config" / "hall.toml", env={
            "HALL_ID": "t" + uuid.uuid4().hex[:8], "HALL_DATABASE_URL": db, "HALL_ADVISOR__ENABLED": "false",
            "HALL_SERVER__ANONYMOUS_ISSUE_BURST": "1000000",
            "HALL_HOURS__HOLIDAYS": '["2026-03-13"]'})
        clock = FakeClock(datetime(2026, 3, 1, 8, 50, tzinfo=TZ))
        runtime = HallRuntime(settings, clock=clock)
        runtime.start(mqtt=False)
        stack.callback(runtime.stop)
        client = stack.enter_context(TestClient(create_app(runtime, manage_runtime=False)))
        m = Month(client, clock, runtime)
        for name, role, window in [("wang", "clerk", 1), ("li", "clerk", 2), ("zhao", "clerk", 3),
                                   ("boss", "manager", None), ("aud", "auditor", None), ("root", "admin", None),
                                   ("=cmd", "clerk", 4)]:
            m.staff(name, role, window)
        drive_the_month(m)
        yield m


def rows_by(rep: dict[str, Any], key: str) -> dict[Any, dict[str, Any]]:
    return {r[key]: r for r in rep["rows"]}


def test_a_month_per_clerk_with_grades(month: Month) -> None:
    rep = month.get("/api/reports/period?period=2026-03&by=clerk")
    assert (rep["from"], rep["to"]) == ("2026-03-01", "2026-03-31")
    c = rows_by(rep, "clerk")
    assert set(c) == {"wang", "li", "zhao"}
    wang, li, zhao = c["wang"], c["li"], c["zhao"]
    assert {k: wang[k] for k in ("called", "served", "no_show", "mean_wait_s", "p95_wait_s", "mean_service_s",
                                 "long_waits", "negative", "satisfaction")} == {
        "called": 60, "served": 30, "no_show": 30, "mean_wait_s": 1440.0, "p95_wait_s": 2280.0,
        "mean_service_s": 600.0, "long_waits": 30, "negative": 0, "satisfaction": 1.0}
    assert wang["ratings"]["distribution"] == {"1": 0, "2": 0, "3": 0, "4": 0, "5": 30}
    assert (li["served"], li["mean_wait_s"], li["mean_service_s"], li["negative"], li["satisfaction"]) == \
        (30, 540.0, 1200.0, 3, 0.9)
    assert li["ratings"]["distribution"] == {"1": 3, "2": 0, "3": 0, "4": 27, "5": 0}
    # 整改: day 10's closed on time (5 working days), day 20's closed late, day 30's open and not yet due
    assert (li["ratings"]["follow_done"], li["ratings"]["follow_on_time"], li["ratings"]["follow_overdue"]) == (2, 1, 1)
    assert li["follow_on_time_share"] == 0.333
    # score = 70 × 满意率 + 30 × served / 30 − 5 × 差评
    assert (wang["score"], wang["grade"]) == (100.0, "A")
    assert (li["score"], li["grade"]) == (78.0, "C")
    assert (zhao["served"], zhao["ratings"]["rated"], zhao["score"], zhao["grade"]) == (3, 3, None, None)
    t = rep["totals"]
    assert (t["issued"], t["called"], t["served"], t["no_show"], t["mean_wait_s"], t["p95_wait_s"]) == \
        (93, 93, 63, 30, 1194.2, 2280.0)
    assert (t["ratings"]["rated"], t["negative"], t["long_waits"]) == (63, 3, 33)
    assert "complaints" in rep["notes"]


def test_a_month_per_window_and_queue_and_a_quarter(month: Month) -> None:
    w = rows_by(month.get("/api/reports/period?from=2026-03-01&to=2026-03-31&by=window"), "window")
    assert (w[1]["served"], w[2]["served"], w[3]["served"], w[2]["negative"]) == (30, 30, 3, 3)
    q = rows_by(month.get("/api/reports/period?period=2026-Q1&by=queue"), "queue")
    assert (q["A"]["issued"], q["A"]["served"], q["A"]["name"]) == (93, 63, "综合受理")
    first_half = rows_by(month.get("/api/reports/period?from=2026-03-01&to=2026-03-15&by=clerk"), "clerk")
    assert (first_half["wang"]["served"], first_half["li"]["negative"]) == (15, 1)
    # a period not written as one is the schema's 422; a range the rules refuse is a 409
    assert month.call("GET", "/api/reports/period?period=2026-13", "aud", ok=(422,))["error"]["code"] == \
        "validation_error"
    for query in ("from=2026-03-31&to=2026-03-01", "from=2024-01-01&to=2026-03-01"):
        assert month.call("GET", f"/api/reports/period?{query}", "aud", ok=(409,))["error"]["code"] == "invalid_period"


def test_who_may_read_the_reports(month: Month) -> None:
    assert month.get("/api/reports/period?period=2026-03", "boss")["rows"]
    for who in ("wang", "root"):
        assert month.call("GET", "/api/reports/period?period=2026-03", who, ok=(403,))["error"]["code"] == "forbidden"
    r = month.client.get("/api/reports/period?period=2026-03")
    assert r.status_code == 401


def test_the_half_year_risk_summary(month: Month) -> None:
    risks = month.get("/api/reports/risks?period=2026-H1")
    assert [r["month"] for r in risks["months"]] == ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05",
                                                     "2026-06"]
    march = risks["months"][2]
    assert (march["negative"], march["follow_overdue"], march["long_waits"], march["no_show"]) == (3, 1, 33, 30)
    assert risks["months"][0]["no_show"] == 0
    # weights: long waits 1 × 33 × 6, negative ratings 5 × 3 × 6, no-shows 0.5 × 30 × 6, overdue 10 × 1 × 6
    assert [r["risk"] for r in risks["top"]] == ["long_waits", "negative", "no_show"]
    assert [r["zh"] for r in risks["top"]][:2] == ["超时等候共33次，2026年3月最多（33次，月均5.5次）",
                                                   "差评共3次，2026年3月最多（3次，月均0.5次）"]
    q2 = month.get("/api/reports/risks?from=2026-03-01&to=2026-03-31")
    assert [r["risk"] for r in q2["top"]] == ["queue", "long_waits", "clerk"]  # 2 × 33, 33, 2 × 5 × 3
    assert q2["top"][2]["zh"] == "li收到差评3次，为各柜员中最多"
    assert all(r["en"] for r in risks["top"])


def test_the_csv_is_guarded_against_formulas(month: Month) -> None:
    # a clerk whose name starts a formula serves one visit in April
    month.clock.at(1, "09:00", month=4)
    month.call("POST", "/api/tickets", body={"queue": "A"})
    month.call("POST", "/api/windows/4/open", "=cmd", ok=(409,))
    month.clock.at(1, "09:05", month=4)
    month.call("POST", "/api/windows/4/call-next", "=cmd")
    text = month.get("/api/reports/period.csv?period=2026-04&by=clerk")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:7] == ["from", "to", "clerk", "name", "staff_no", "score", "grade"]
    assert rows[1][2:4] == ["'=cmd", "'=cmd"]
    march = list(csv.DictReader(io.StringIO(month.get("/api/reports/period.csv?period=2026-03&by=clerk"))))
    li = next(r for r in march if r["clerk"] == "li")
    assert (li["served"], li["r1"], li["r4"], li["negative"], li["grade"], li["score"]) == \
        ("30", "3", "27", "3", "C", "78.0")


@pytest.mark.parametrize(("text", "first", "last"), [
    ("2026-02", "2026-02-01", "2026-02-28"), ("2026-Q4", "2026-10-01", "2026-12-31"),
    ("2026-h1", "2026-01-01", "2026-06-30"), ("2026-H2", "2026-07-01", "2026-12-31")])
def test_periods_are_read(text: str, first: str, last: str) -> None:
    from queue_server.period import parse_period

    assert tuple(d.isoformat() for d in parse_period(text)) == (first, last)


def test_grade_thresholds_must_fall() -> None:
    from pydantic import ValidationError

    from queue_server.settings import GradesConfig

    with pytest.raises(ValidationError, match="a >= b >= c >= d"):
        GradesConfig(a=70, b=80)


def test_the_hall_row(month: Month) -> None:
    (hall,) = month.get("/api/reports/period?period=2026-03&by=hall")["rows"]
    assert (hall["issued"], hall["served"], hall["negative"], hall["satisfaction"]) == (93, 63, 3, 0.952)
