"""The front office over HTTP against a real server process (SQLite): guide-desk tickets with a 代办,
bookings, check-ins by code, and the provincial CSV import.

    python benchmarks/frontdesk.py [--n 300] [--rows 2000]

Prints the median and 95th percentile of each request kind (sequential, one client, loopback) and the
import's rows per second.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import _common

from tests.peers import HALLCTL, ROOT

W = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(i: int) -> str:
    birth = datetime(1960, 1, 1) + timedelta(days=i // 900)
    body = f"110101{birth:%Y%m%d}{i % 900 + 100:03d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, W, strict=True)) % 11]


def timed(fn: object, n: int) -> list[float]:
    out = []
    for i in range(n):
        t0 = time.perf_counter()
        fn(i)  # type: ignore[operator]
        out.append((time.perf_counter() - t0) * 1000)
    return out


def line(name: str, ms: list[float]) -> None:
    ms.sort()
    p95 = ms[int(len(ms) * 0.95) - 1]
    print(f"{name:28s} n={len(ms):5d}  median {statistics.median(ms):6.1f} ms  p95 {p95:6.1f} ms")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--rows", type=int, default=2000)
    a = ap.parse_args()
    broker, srv, work = _common.start("sqlite")
    try:
        guide, boss = srv.staff("guide1", "guide"), srv.staff("boss", "manager")

        def desk(i: int) -> None:
            st, _ = srv.api("POST", "/api/desk/tickets", {"queue": "ABC"[i % 3], "id_number": id_number(i),
                                                          "name": "张三", "proxy": {"name": "李四", "relation": "child",
                                                                                  "id_number": id_number(i + 50000)}},
                            token=guide)
            assert st == 201

        line("desk ticket with 代办", timed(desk, a.n))
        now = datetime.now(ZoneInfo("Asia/Shanghai"))
        day, start = now.date().isoformat(), now.strftime("%H:%M")
        end = (now + timedelta(minutes=30)).strftime("%H:%M")
        srv.api("PUT", "/api/appointments/slots", {"date": day, "start": start, "end": max(end, start),
                                                   "queue": "A", "capacity": a.n}, token=boss)
        codes: list[str] = []

        def book(i: int) -> None:
            st, b = srv.api("POST", "/api/appointments", {"date": day, "start": start, "queue": "A",
                                                          "id_number": id_number(100000 + i)})
            assert st == 201, b
            codes.append(b["code"])

        line("booking", timed(book, a.n))

        def check_in(i: int) -> None:
            st, c = srv.api("POST", "/api/appointments/checkin", {"code": codes[i]})
            assert st == 200 and c["on_time"], c

        line("check-in by code", timed(check_in, a.n))
        f = work / "bookings.csv"
        tomorrow = (now + timedelta(days=1)).date().isoformat()
        f.write_text("booking_id,date,time,queue,name,id_number\n" + "".join(
            f"P{i},{tomorrow},{9 + i % 8:02d}:00,A,王五,{id_number(200000 + i)}\n" for i in range(a.rows)),
            encoding="utf-8")
        t0 = time.perf_counter()
        r = subprocess.run([HALLCTL, "appointments", "import", str(f)], env=srv.env, cwd=ROOT, capture_output=True,
                           text=True, check=False)
        took = time.perf_counter() - t0
        print(f"CSV import {a.rows} rows: {took:.1f} s ({a.rows / took:.0f} rows/s incl. start-up): {r.stdout.strip()}")
    finally:
        srv.stop()
        broker.stop()


if __name__ == "__main__":
    main()
