"""How long the period report's SQL takes over a month and a half-year of a busy hall.

Fills a fresh database (SQLite file, or PostgreSQL with --pg) with N tickets a day for 182 days across
12 windows and 15 clerks, each served ticket rated, then times the grouped queries the report and the
risk summary run (by clerk, window, queue, hall, month). Prints one line per query and period.

    .venv/bin/python benchmarks/period_report.py [--per-day 600] [--pg]
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from queue_server.store import Store  # noqa: E402
from queue_server.store.period import PeriodStore  # noqa: E402
from queue_server.store.tables import rating_t, ticket_t  # noqa: E402

FIRST = date(2026, 1, 1)
DAYS = 182


def fill(store: Store, per_day: int, seed: int = 7) -> int:
    rnd = random.Random(seed)
    n = 0
    with store.engine.begin() as conn:
        for d in range(DAYS):
            day = FIRST + timedelta(days=d)
            opening = datetime(day.year, day.month, day.day, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
            tickets, ratings = [], []
            for i in range(per_day):
                issued = opening + timedelta(seconds=i * 28800 / per_day)
                called = issued + timedelta(seconds=rnd.expovariate(1 / 600))
                ended = called + timedelta(seconds=rnd.expovariate(1 / 420))
                served = rnd.random() > 0.06
                window = rnd.randint(1, 12)
                clerk = f"clerk{rnd.randint(1, 15)}"
                tid = uuid.uuid4().hex
                tickets.append({"id": tid, "day": day, "number": f"A{i + 1:03d}", "queue": "ABC"[i % 3], "seq": i + 1,
                                "priority": "normal", "state": "done" if served else "no_show", "issued_at": issued,
                                "queued_at": issued, "window": window, "attempts": 1, "called_at": called,
                                "started_at": called, "ended_at": ended if served else None, "hop": 0,
                                "clerk": clerk})
                if served:
                    rating = rnd.choices([5, 4, 3, 2, 1], [70, 20, 6, 3, 1])[0]
                    ratings.append({"ticket_id": tid, "day": day, "number": f"A{i + 1:03d}", "queue": "ABC"[i % 3],
                                    "window": window, "clerk": clerk, "requested_at": ended,
                                    "deadline": ended + timedelta(seconds=62), "outcome": "rated", "rating": rating,
                                    "answered_at": ended + timedelta(seconds=10), "source": "bench",
                                    "follow_up": "open" if rating <= 2 else None})
            conn.execute(ticket_t.insert(), tickets)
            conn.execute(rating_t.insert(), ratings)
            n += len(tickets)
    return n


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--per-day", type=int, default=600)
    ap.add_argument("--pg", action="store_true", help="a fresh PostgreSQL database on the machine's server")
    args = ap.parse_args()
    drop = None
    if args.pg:
        import psycopg

        from tests.peers import PG_ADMIN_URL
        admin = psycopg.connect(PG_ADMIN_URL, autocommit=True)
        name = "hall_bench_" + uuid.uuid4().hex[:8]
        admin.execute(f'CREATE DATABASE "{name}"')
        url = f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
        drop = (admin, name)
    else:
        url = f"sqlite:///{tempfile.mkdtemp(prefix='hall-bench-')}/hall.db"
    store = Store(url)
    try:
        store.upgrade()
        t0 = time.perf_counter()
        total = fill(store, args.per_day)
        print(f"{store.dialect}: {total} tickets over {DAYS} days filled in {time.perf_counter() - t0:.1f} s")
        ps = PeriodStore(store.engine)
        targets = {"A": 900.0, "B": 600.0, "C": 1200.0}
        now = datetime(2026, 7, 15, tzinfo=UTC)
        for label, first, last in [("month", date(2026, 3, 1), date(2026, 3, 31)),
                                   ("half-year", date(2026, 1, 1), date(2026, 6, 30))]:
            for by in ("clerk", "window", "queue", "hall", "month"):
                t0 = time.perf_counter()
                rows = ps.tickets(first, last, by, targets)
                t1 = time.perf_counter()
                ps.ratings(first, last, by, now, 7 * 86400.0)
                t2 = time.perf_counter()
                print(f"  {label:9} by {by:6}: tickets {1000 * (t1 - t0):7.1f} ms, ratings {1000 * (t2 - t1):6.1f} ms"
                      f" ({len(rows)} rows)")
    finally:
        store.close()
        if drop is not None:
            drop[0].execute(f'DROP DATABASE IF EXISTS "{drop[1]}" WITH (FORCE)')


if __name__ == "__main__":
    main()
