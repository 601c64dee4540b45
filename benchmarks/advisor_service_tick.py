"""What the advisor costs the running server: one ``HallService.tick()`` (history from the
database, the roster, the advice), which holds the service's lock while it runs.

The sample hall on a SQLite file with ``--weeks`` past Mondays of ``--tickets`` each stored as
the hall stores its tickets (replayed by the simulator), the dedicated windows open, and a
morning's tickets issued through the service up to 11:00; then ``--ticks`` ticks a second apart.
The first tick of a day reads the history (one query); later ticks use it from memory.

Run: ``.venv/bin/python benchmarks/advisor_service_tick.py [--weeks 8] [--tickets 380] [--ticks 300]``
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from statistics import median, quantiles

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hall_contract.protocol import IssueTicketArgs
from queue_server.service import Actor, HallService
from tests.service._advisor_hall import (
    MONDAY,
    TZ,
    Clock,
    add_staff,
    hall_settings,
    open_dedicated,
    open_store,
    store_replayed_weeks,
)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--weeks", type=int, default=8)
    ap.add_argument("--tickets", type=int, default=380)
    ap.add_argument("--ticks", type=int, default=300)
    ap.add_argument("--morning", type=int, default=200, help="tickets issued today before 11:00")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        s = hall_settings(Path(tmp), HALL_ADVISOR__FLOATING_STAFF='["li", "wang"]', HALL_ADVISOR__GUIDES='["zhou"]')
        store = open_store(s)
        stored = store_replayed_weeks(s, store, MONDAY, a.weeks, a.tickets, seed=1)
        add_staff(store, "li", "wang", "zhou")
        clock = Clock(datetime.combine(MONDAY, datetime.min.time(), tzinfo=TZ))
        clock.at("08:30")
        svc = HallService(s, store, clock=clock)
        open_dedicated(svc)
        kiosk = Actor.device("kiosk-1")
        clock.at("09:00")
        step = 7200 / max(1, a.morning)
        for i in range(a.morning):
            clock.add(seconds=step)
            svc.issue(IssueTicketArgs(queue="ABC"[i % 7 // 3 if i % 7 < 6 else 2]), kiosk)
            if i % 2 == 0:
                n = 1 + (i // 2) % 9
                svc.call_next(n, Actor.staff(f"c{n}", "clerk", n))
        clock.at("11:00")
        t0 = time.perf_counter()
        svc.tick()
        first_ms = (time.perf_counter() - t0) * 1000
        times = []
        for _ in range(a.ticks):
            clock.add(seconds=1)
            t0 = time.perf_counter()
            svc.tick()
            times.append((time.perf_counter() - t0) * 1000)
        p95 = quantiles(times, n=20)[-1]
        print(f"history: {a.weeks} past Mondays, {stored} tickets stored; today {a.morning} tickets by 11:00")
        print(f"first tick of the day (reads the history, outside the service's lock): {first_ms:.1f} ms")
        print(f"later ticks: median {median(times):.2f} ms, p95 {p95:.2f} ms, max {max(times):.2f} ms "
              f"over {a.ticks} ticks")
        print("advice at 11:00:", svc.advice_view().reason[:120], "…")


if __name__ == "__main__":
    main()
