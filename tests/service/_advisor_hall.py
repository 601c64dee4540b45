"""The sample hall's service on a real SQLite file with a clock the test moves, for the advisor's tests."""
from __future__ import annotations

import random
import uuid
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from queue_server.service import Actor, HallService
from queue_server.settings import Settings, load_settings
from queue_server.simulate.arrivals import default_split, generate, load_profile
from queue_server.simulate.runner import Scenario, run_day
from queue_server.store import StaffStore, Store
from queue_server.store.repo import ticket_row
from queue_server.store.tables import ticket_t
from tests.peers import ROOT

TZ = ZoneInfo("Asia/Shanghai")
MONDAY = date(2026, 3, 2)
PASSWORD = "Test-pass-1"
BOSS = Actor.staff("boss", "manager")


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def at(self, hhmm: str) -> datetime:
        self.now = datetime.combine(self.now.date(), time.fromisoformat(hhmm), tzinfo=TZ)
        return self.now

    def add(self, **kw: float) -> datetime:
        self.now += timedelta(**kw)
        return self.now


def hall_settings(tmp_path: Path, **env: str) -> Settings:
    return load_settings(ROOT / "config" / "hall.toml", env={
        "HALL_ID": "t" + uuid.uuid4().hex[:8], "HALL_DATABASE_URL": f"sqlite:///{tmp_path}/hall.db",
        "HALL_ADVISOR__INTERVAL_S": "3600", **env})


def open_store(settings: Settings) -> Store:
    store = Store(settings.server.database_url)
    store.upgrade()
    return store


def service(settings: Settings, clock: Clock) -> HallService:
    return HallService(settings, open_store(settings), clock=clock)


def add_staff(store: Store, *names: str, window: int | None = None) -> None:
    staff = StaffStore(store.engine)
    for name in names:
        staff.add(name, PASSWORD, "clerk", window, replace=True)


def open_dedicated(svc: HallService, windows: range = range(1, 10)) -> None:
    """Clerks ``c1``..``c9`` at their own windows."""
    for n in windows:
        clerk = Actor.staff(f"c{n}", "clerk", n)
        svc.open_window(n, clerk, clerk=clerk.clerk)


def store_replayed_weeks(settings: Settings, store: Store, day: date, weeks: int, tickets: int, seed: int) -> int:
    """The same weekday of ``weeks`` past weeks replayed by the simulator, its tickets stored as
    the hall would have stored them. Answers the tickets stored."""
    profile, split = load_profile(), default_split(settings)
    stored = 0
    for k in range(1, weeks + 1):
        past = day - timedelta(weeks=k)
        rng = random.Random(seed * 100 + k)
        arrivals = generate(settings, profile, round(tickets * rng.uniform(0.9, 1.1)), split, seed * 100 + k)
        result = run_day(settings, arrivals, Scenario.STATIC, day=past)
        rows = [ticket_row(t) for t in result.tickets]
        for i, r in enumerate(rows):
            r["id"] = f"{past.isoformat()}-{i}"
            r["request_id"] = None
        with store.transaction() as conn:
            conn.execute(ticket_t.insert(), rows)
        stored += len(rows)
    return stored
