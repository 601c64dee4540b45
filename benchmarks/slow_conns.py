"""Latency of ``GET /api/hall`` and ``POST /api/tickets`` through the HTTPS front while 1,000 clients that
never finish their request headers are connected, and while a request flood comes from another address.

    python benchmarks/slow_conns.py [--slow 1000] [--seconds 20] [--flood-threads 4] [--rate 25]

A hall server (SQLite, its own Mosquitto) behind nginx on the configuration ``hallctl install`` renders
(default ``[front]`` limits, but for the measured client's ticket issuing). Three rounds: quiet; 1,000 slow
clients (from 127.0.0.3, kept at 1,000: one the front drops after its header timeout is opened again); the
same plus a flood of ``GET /api/hall`` on kept- alive connections from 127.0.0.2. The slow clients and the
flood run in processes of their own. The measured client (127.0.0.1) sends 25 requests a second (under the
front's 50 per address), one at a time on one kept- alive TLS connection, alternating the two routes, and
prints p50 / p99 / max per route and round, the flood's answers by status, and for comparison the same GET
straight to uvicorn with 1,000 slow clients on it.
"""
from __future__ import annotations

import argparse
import http.client
import multiprocessing as mp
import resource
import shutil
import ssl
import statistics
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import _common

from tests.ops._front import FrontProcess, close_all, open_slow_clients, still_open

Queue = mp.Queue  # type: ignore[type-arg]


def _raise_file_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(8192, hard)), hard))


def hold_slow(port: int, count: int, cafile: str | None, stop: Any, ready: Queue) -> None:
    """Keep ``count`` slow clients connected until ``stop``; reopen those the server drops."""
    _raise_file_limit()
    ctx = ssl.create_default_context(cafile=cafile) if cafile else None
    socks = open_slow_clients(port, count, ctx, source="127.0.0.3")
    ready.put(len(socks))
    reopened = 0
    while not stop.wait(0.5):
        alive = [s for s in socks if still_open([s])]
        close_all([s for s in socks if s not in alive])
        missing = count - len(alive)
        if missing:
            alive += open_slow_clients(port, missing, ctx, source="127.0.0.3")
            reopened += missing
        socks = alive
    close_all(socks)
    ready.put(reopened)


def flood(port: int, cafile: str, threads: int, stop: Any, out: Queue) -> None:
    """``GET /api/hall`` as fast as ``threads`` kept-alive connections from 127.0.0.2 go; statuses counted."""
    counts: Counter[int] = Counter()
    lock = threading.Lock()

    def run() -> None:
        ctx = ssl.create_default_context(cafile=cafile)
        mine: Counter[int] = Counter()
        conn = http.client.HTTPSConnection("127.0.0.1", port, timeout=30, context=ctx,
                                           source_address=("127.0.0.2", 0))
        while not stop.is_set():
            try:
                conn.request("GET", "/api/hall")
                r = conn.getresponse()
                r.read()
                mine[r.status] += 1
            except (OSError, http.client.HTTPException):
                mine[0] += 1
                conn.close()
                conn = http.client.HTTPSConnection("127.0.0.1", port, timeout=30, context=ctx,
                                                   source_address=("127.0.0.2", 0))
        with lock:
            counts.update(mine)

    ts = [threading.Thread(target=run) for _ in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    out.put(dict(counts))


def measure(conn: http.client.HTTPConnection, seconds: float, rate: float) -> dict[str, list[float]]:
    """``rate`` requests a second (below the front's per-address limit) for ``seconds``: GET /api/hall and
    POST /api/tickets in turn, one at a time; milliseconds per route."""
    took: dict[str, list[float]] = {"GET /api/hall": [], "POST /api/tickets": []}
    statuses: Counter[str] = Counter()
    start = time.monotonic()
    end = start + seconds
    i = 0
    while time.monotonic() < end:
        time.sleep(max(0.0, start + i / rate - time.monotonic()))
        method, path, body = ("GET", "/api/hall", None) if i % 2 == 0 else ("POST", "/api/tickets", b'{"queue":"A"}')
        t0 = time.perf_counter()
        conn.request(method, path, body=body, headers={"content-type": "application/json"})
        r = conn.getresponse()
        r.read()
        took[f"{method} {path}"].append((time.perf_counter() - t0) * 1000)
        statuses[f"{method} {path} {r.status}"] += 1
        i += 1
    print("    answers:", dict(statuses))
    return took


def report(name: str, took: dict[str, list[float]]) -> None:
    for route, ms in took.items():
        if not ms:
            continue
        q = statistics.quantiles(ms, n=100)
        print(f"  {name:<34} {route:<18} n={len(ms):<5} p50 {q[49]:7.2f} ms  p99 {q[98]:7.2f} ms  "
              f"max {max(ms):7.1f} ms")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--slow", type=int, default=1000)
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--flood-threads", type=int, default=4)
    ap.add_argument("--rate", type=float, default=25.0, help="measured requests per second")
    a = ap.parse_args()
    _raise_file_limit()
    broker, srv, work = _common.start("sqlite")
    front = FrontProcess(Path(tempfile.mkdtemp(prefix="hall-front-", dir=work)), srv.port,
                         tickets_per_minute=6000, tickets_burst=1000).start()
    cafile = front.settings.cert_file
    try:
        conn = http.client.HTTPSConnection("127.0.0.1", front.https_port, timeout=30, context=front.tls())
        print(f"front https://127.0.0.1:{front.https_port} -> server 127.0.0.1:{srv.port}")
        report("quiet", measure(conn, a.seconds, a.rate))

        stop, ready = mp.Event(), mp.Queue()
        holder = mp.Process(target=hold_slow, args=(front.https_port, a.slow, cafile, stop, ready))
        holder.start()
        print(f"  {ready.get(timeout=120)} slow clients connected")
        report(f"{a.slow} slow clients", measure(conn, a.seconds, a.rate))

        fstop, fout = mp.Event(), mp.Queue()
        flooder = mp.Process(target=flood, args=(front.https_port, cafile, a.flood_threads, fstop, fout))
        flooder.start()
        time.sleep(1)
        report(f"{a.slow} slow + flood", measure(conn, a.seconds, a.rate))
        fstop.set()
        counts = fout.get(timeout=60)
        flooder.join(30)
        total = sum(counts.values())
        print(f"  flood: {total} requests in ~{a.seconds + 1:.0f} s ({total / (a.seconds + 1):.0f}/s), "
              f"answers by status {counts}")
        stop.set()
        print(f"  slow clients reopened after the front dropped them: {ready.get(timeout=60)}")
        holder.join(30)
        conn.close()

        direct = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
        slow = open_slow_clients(srv.port, a.slow, None, source="127.0.0.3")
        try:
            report(f"direct to uvicorn, {a.slow} slow", measure(direct, min(a.seconds, 10), a.rate))
            print(f"  uvicorn still holds {still_open(slow)} of the {a.slow} slow clients "
                  f"(it has no header timeout; the front drops them after {front.settings.header_timeout_s} s)")
        finally:
            close_all(slow)
            direct.close()
    finally:
        front.stop()
        srv.stop()
        broker.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
