"""A scripted business day driven through the HTTP API on a fake clock; every figure is exact.

The server runs in this process (FastAPI's TestClient with the app's lifespan) so that its clock
can be set; MQTT goes to the session's real Mosquitto, where a simulated evaluator rates window 1.
"""
from __future__ import annotations

import uuid
import warnings
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

with warnings.catch_warnings():  # starlette asks for httpx2, which this project does not use
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

from queue_server.app import create_app
from queue_server.runtime import HallRuntime
from queue_server.settings import load_settings
from tests.peers import ROOT, Broker
from tests.server._staff_api import SettableClock, StaffApi, answer
from tests.waiting import eventually
from window_bridge.sim_evaluator import SimulatedEvaluator

TZ = ZoneInfo("Asia/Shanghai")
DAY = datetime(2026, 3, 2, tzinfo=TZ)


class FakeClock(SettableClock):
    def at(self, hhmmss: str, day: datetime = DAY) -> None:
        h, m, s = (int(x) for x in hhmmss.split(":"))
        self.set(day.replace(hour=h, minute=m, second=s))


class Hall(StaffApi):
    """The API as the day's staff use it."""

    def __init__(self, client: TestClient, clock: FakeClock, runtime: HallRuntime) -> None:
        super().__init__(client, runtime)
        self.clock = clock

    def call(self, at: str, method: str, path: str, who: str | None = None, body: Any = None,
             status: int | None = None, tablet: str | None = None) -> Any:
        self.clock.at(at)
        r = self.request(method, path, who, body, tablet)
        if status is not None:
            assert r.status_code == status, (path, r.status_code, r.text)
        else:
            assert r.status_code < 300, (path, r.status_code, r.text)
        return answer(r)

    def issue(self, at: str, queue: str, **kw: Any) -> str:
        """A stranger's normal ticket; with a priority or holder, the guide desk's (the manager's token)."""
        return str(self.call(at, "POST", "/api/tickets", "boss" if kw else None, {"queue": queue, **kw})["number"])


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=[pytest.mark.peer, pytest.mark.postgres])])
def day(request: pytest.FixtureRequest, tmp_path: Path, broker: Broker) -> Iterator[Hall]:
    hall_id = "t" + uuid.uuid4().hex[:8]
    db = request.getfixturevalue("pg_url") if request.param == "postgres" else f"sqlite:///{tmp_path}/hall.db"
    settings = load_settings(ROOT / "config" / "hall.toml", env={
        "HALL_ID": hall_id, "HALL_DATABASE_URL": db, "HALL_MQTT_URL": broker.url, "HALL_ADVISOR__INTERVAL_S": "3600"})
    clock = FakeClock(DAY.replace(hour=8, minute=50))
    runtime = HallRuntime(settings, clock=clock)
    evaluator = SimulatedEvaluator(broker.url, hall_id, window=1, rating=5)
    evaluator.start()
    try:
        with TestClient(create_app(runtime)) as client:
            assert runtime.link is not None and runtime.link.wait_connected(5)
            hall = Hall(client, clock, runtime)
            hall.evaluator = evaluator  # type: ignore[attr-defined]
            for name, role, window in [("wang", "clerk", 1), ("li", "clerk", 7), ("boss", "manager", None),
                                       ("aud", "auditor", None)]:
                hall.staff(name, role, window)
            yield hall
    finally:
        evaluator.stop()


def drive_the_day(h: Hall) -> None:
    assert h.issue("09:00:00", "A") == "A001"
    assert h.issue("09:01:00", "A") == "A002"
    assert h.issue("09:02:00", "B") == "B001"
    assert h.issue("09:03:00", "A", priority="elderly") == "A003"
    h.call("09:05:00", "POST", "/api/windows/1/open", "wang")
    h.call("09:05:00", "POST", "/api/windows/7/open", "li")
    assert h.call("09:05:00", "POST", "/api/windows/1/call-next", "wang")["number"] == "A003"  # elderly first
    assert h.call("09:05:00", "POST", "/api/windows/7/call-next", "li")["number"] == "B001"
    h.call("09:05:00", "POST", "/api/windows/7/start", "li")  # B001 came to the window
    h.call("09:06:00", "POST", "/api/windows/1/start", "wang")
    h.call("09:15:00", "POST", "/api/windows/1/finish", "wang")  # A003 served; evaluator 1 rates 5
    ratings = h.runtime.ratings
    assert ratings is not None
    eventually(lambda: ratings.last_for(1) is not None)
    assert h.call("09:16:00", "POST", "/api/windows/1/call-next", "wang")["number"] == "A001"
    h.call("09:17:00", "POST", "/api/windows/1/no-show", "wang")
    assert h.call("09:17:00", "POST", "/api/windows/1/call-next", "wang")["number"] == "A002"
    moved = h.call("09:20:00", "POST", "/api/windows/1/transfer", "wang", {"queue": "B"})
    assert (moved["number"], moved["queue"], moved["state"]) == ("A002", "B", "waiting")
    # the next call at window 7 ends B001 (started) as served and calls the transferred A002
    assert h.call("09:25:00", "POST", "/api/windows/7/call-next", "li")["number"] == "A002"
    eventually(lambda: ratings.pending_for(7) is not None)
    h.clock.at("09:26:10")  # B001 was not rated within 60 s (+2 s grace)
    eventually(lambda: ratings.pending_for(7) is None)
    h.call("09:30:00", "POST", "/api/windows/7/finish", "li")
    eventually(lambda: ratings.pending_for(7) is not None)
    pending = ratings.pending_for(7)
    assert pending is not None and pending.number == "A002"
    tablet = h.call("09:30:10", "POST", "/api/evaluations/7/pair", "boss", {}, status=201)["tablet_token"]
    h.call("09:30:20", "POST", "/api/evaluations/7/result", body={"rating": 2, "reason": "long_wait",
                                                                  "ticket_id": pending.ticket_id}, status=201,
           tablet=tablet)
    again = h.call("09:30:25", "POST", "/api/evaluations/7/result",
                   body={"rating": 5, "ticket_id": pending.ticket_id}, status=409, tablet=tablet)
    assert again["error"]["code"] == "already_rated"
    assert h.issue("09:31:00", "C") == "C001"
    h.call("09:32:00", "POST", "/api/tickets/C001/cancel", "boss")
    assert h.issue("09:40:00", "A") == "A004"


def by(rows: list[dict[str, Any]], key: str, value: Any) -> dict[str, Any]:
    return next(r for r in rows if r[key] == value)


def test_a_scripted_day_gives_exact_figures(day: Hall) -> None:
    drive_the_day(day)
    rep = day.call("17:30:00", "GET", "/api/stats/daily?date=2026-03-02", "aud")
    a, b, c = (by(rep["queues"], "queue", q) for q in "ABC")
    assert {k: a[k] for k in ("issued", "transferred_in", "served", "no_show", "cancelled", "expired", "transferred",
                              "open", "mean_wait_s", "p95_wait_s", "mean_service_s", "within_target")} == {
        "issued": 4, "transferred_in": 0, "served": 1, "no_show": 1, "cancelled": 0, "expired": 0, "transferred": 1,
        "open": 1, "mean_wait_s": 680.0, "p95_wait_s": 960.0, "mean_service_s": 600.0, "within_target": 0.333}
    assert (b["issued"], b["transferred_in"], b["served"], b["open"]) == (1, 1, 2, 0)
    assert (b["mean_wait_s"], b["p95_wait_s"], b["mean_service_s"], b["within_target"]) == (810.0, 1440.0, 750.0, 0.5)
    assert (c["issued"], c["cancelled"], c["mean_wait_s"], c["within_target"]) == (1, 1, None, None)
    assert rep["totals"] == {"issued": 6, "served": 3, "no_show": 1, "not_started": 0, "cancelled": 1, "expired": 0,
                             "transferred": 1, "open": 1}
    assert rep["reconciles"] is True

    w1, w7 = by(rep["windows"], "window", 1), by(rep["windows"], "window", 7)
    assert (w1["served"], w1["no_show"], w1["transferred"], w1["mean_service_s"]) == (1, 1, 1, 600.0)
    assert w1["ratings"]["distribution"] == {"1": 0, "2": 0, "3": 0, "4": 0, "5": 1}
    assert (w1["ratings"]["complaints"], w1["ratings"]["good_share"]) == (0, 1.0)
    assert (w7["served"], w7["mean_service_s"], w7["service_total_s"]) == (2, 750.0, 1500.0)
    assert (w7["ratings"]["rated"], w7["ratings"]["no_rating"], w7["ratings"]["complaints"]) == (1, 1, 1)
    wang, li = by(rep["clerks"], "clerk", "wang"), by(rep["clerks"], "clerk", "li")
    assert (wang["windows"], wang["served"], wang["ratings"]["distribution"]["5"]) == ([1], 1, 1)
    assert (li["windows"], li["served"], li["ratings"]["distribution"]["2"]) == ([7], 2, 1)
    assert rep["ratings"] == {"requested": 3, "rated": 2, "no_rating": 1, "pending": 0, "complaints": 1,
                              "distribution": {"1": 0, "2": 1, "3": 0, "4": 0, "5": 1}, "good_share": 0.5}

    slots = {s["start"]: s for s in rep["half_hours"]}
    assert rep["half_hours"][0]["start"] == "09:00" and rep["half_hours"][-1]["start"] == "17:00"
    assert (slots["09:00"]["issued"], slots["09:00"]["called"], slots["09:00"]["mean_wait_s"]) == (4, 5, 732.0)
    assert slots["09:00"]["queues"]["A"] == {"issued": 3, "called": 3, "mean_wait_s": 680.0}
    assert slots["09:00"]["queues"]["B"] == {"issued": 1, "called": 2, "mean_wait_s": 810.0}
    assert (slots["09:30"]["issued"], slots["09:30"]["called"]) == (2, 0)

    close = rep["close"]
    ca = by(close["queues"], "queue", "A")
    assert (ca["issued"], ca["served"], ca["no_show"], ca["transferred"], ca["waiting"], ca["balanced"]) == \
        (4, 1, 1, 1, 1, True)
    assert close["totals"]["still_open"] == 1 and close["totals"]["transferred_in"] == 1 and close["balanced"]


def test_ratings_are_stored_audited_and_followed_up(day: Hall) -> None:
    drive_the_day(day)
    rows = day.call("17:30:00", "GET", "/api/ratings?date=2026-03-02", "boss")
    assert [(r["number"], r["window"], r["clerk"], r["outcome"], r["rating"], r["reason"], r["source"])
            for r in rows] == [("A003", 1, "wang", "rated", 5, None, "evaluator:1"),
                               ("B001", 7, "li", "no_rating", None, None, None),
                               ("A002", 7, "li", "rated", 2, "long_wait", "tablet:7")]
    assert rows[0]["answered_at"] == "2026-03-02T09:15:00+08:00"  # no invented time: when it arrived
    assert rows[1]["answered_at"] == "2026-03-02T09:26:10+08:00"
    negative = day.call("17:30:00", "GET", "/api/ratings?date=2026-03-02&negative=true", "aud")
    assert [(r["number"], r["follow_up"]) for r in negative] == [("A002", "open")]
    rid = negative[0]["id"]
    day.call("17:31:00", "PUT", f"/api/ratings/{rid}/follow-up", "aud", {"state": "done", "note": "x"}, status=403)
    err = day.call("17:31:00", "PUT", f"/api/ratings/{rid}/follow-up", "boss", {"state": "done"}, status=422)
    assert err["error"]["code"] == "invalid_follow_up"
    done = day.call("17:32:00", "PUT", f"/api/ratings/{rid}/follow-up", "boss",
                    {"state": "done", "note": "已向群众致歉，增开弹性窗口"})
    assert (done["follow_up"], done["follow_up_by"], done["follow_up_note"]) == \
        ("done", "boss", "已向群众致歉，增开弹性窗口")
    assert day.call("17:33:00", "GET", "/api/ratings?open=true", "boss") == []
    assert day.runtime.store is not None
    actions = [r["action"] for r in day.runtime.store.audit_rows(200)]
    assert actions.count("rating_request") == 3 and actions.count("rating") == 2
    assert actions.count("no_rating") == 1 and actions.count("rating_follow_up") == 1


def test_the_day_closes_with_expired_tickets_and_exports_csv(day: Hall) -> None:
    drive_the_day(day)
    series = day.call("09:45:00", "GET", "/api/stats/series?date=2026-03-02", "boss")
    at = {t[11:16]: i for i, t in enumerate(series["at"])}
    a = series["queues"]["A"]
    assert [a["waiting"][at[t]] for t in ("09:00", "09:01", "09:03", "09:05", "09:16", "09:17", "09:40")] == \
        [1, 2, 3, 2, 1, 0, 1]
    assert a["longest_wait_s"][at["09:05"]] == 300 and a["longest_wait_s"][at["09:16"]] == 900
    assert series["queues"]["B"]["waiting"][at["09:20"]] == 1  # A002 moved to B, waiting since 09:01
    assert series["queues"]["B"]["longest_wait_s"][at["09:20"]] == 19 * 60
    # the next morning the open ticket of the day before expires
    next_day = DAY + timedelta(days=1)
    day.clock.at("08:55:00", next_day)
    r = day.client.post("/api/tickets", json={"queue": "A"})
    assert r.status_code == 201 and r.json()["number"] == "A001"
    rep = day.call("08:55:00", "GET", "/api/stats/daily?date=2026-03-02", "aud")
    a = by(rep["queues"], "queue", "A")
    assert (a["expired"], a["open"]) == (1, 0) and rep["close"]["balanced"] and rep["reconciles"]
    text = day.client.get("/api/stats/daily.csv?date=2026-03-02&part=windows",
                          headers={"authorization": f"Bearer {day.tokens['aud']}"}).text
    lines = text.splitlines()
    assert lines[0] == ("date,window,name,served,no_show,transferred,mean_service_s,rated,no_rating,r5,r4,r3,r2,r1,"
                        "complaints")
    assert "2026-03-02,7,7号窗口,2,0,0,750.0,1,1,0,0,0,1,0,1" in lines
    close = day.client.get("/api/stats/daily.csv?date=2026-03-02&part=close",
                           headers={"authorization": f"Bearer {day.tokens['aud']}"}).text.splitlines()
    assert close[0].startswith("date,queue,name,issued,transferred_in,served,no_show")
    assert any(line.startswith("2026-03-02,A,综合受理,4,0,1,1,0,0,1,1,0,0,0,4,True") for line in close)
