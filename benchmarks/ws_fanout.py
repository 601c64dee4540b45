"""Ticket issue latency while N pages follow the hall over the WebSocket ``/api/live``.

    python benchmarks/ws_fanout.py [--subscribers 1000] [--tickets 100] [--gap 0.2]

A server process on SQLite (loopback); the subscribers live in a process of their own (asyncio,
one connection each, ``{"hall": true}``), so they do not share the measuring process's interpreter.
Tickets are issued one at a time, ``--gap`` seconds apart, over one keep-alive HTTP connection; the
script prints the issue latency (median, p95, max) with no subscriber and with N, and how many hall
updates the subscribers received.
"""
from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import multiprocessing as mp
import resource
import statistics
import time
from typing import Any

import _common
import websockets


async def _follow(port: int, n: int, ready: Any, stop: Any, seen: Any) -> None:
    last: list[float] = [0.0] * n
    counts = [0] * n

    async def one(i: int) -> None:
        async with websockets.connect(f"ws://127.0.0.1:{port}/api/live", max_size=2**22,
                                      open_timeout=60) as ws:
            await ws.send(json.dumps({"hall": True}))
            await ws.recv()
            ready.put(1)
            while True:
                msg = json.loads(await ws.recv())
                if msg.get("type") == "hall":
                    counts[i] += 1
                    last[i] = time.time()

    tasks = []
    for i in range(n):
        tasks.append(asyncio.create_task(one(i)))
        if i % 50 == 49:
            await asyncio.sleep(0.05)  # connect in waves, as pages reconnect
    while not stop.is_set():
        await asyncio.sleep(0.1)
    for t in tasks:
        t.cancel()
    seen.put((sum(counts), sum(1 for t in tasks if t.done() and not t.cancelled() and t.exception())))


def subscribers(port: int, n: int, ready: Any, stop: Any, seen: Any) -> None:
    asyncio.run(_follow(port, n, ready, stop, seen))


def issue(port: int, tickets: int, gap: float) -> list[float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    out = []
    for i in range(tickets):
        t0 = time.perf_counter()
        conn.request("POST", "/api/tickets", json.dumps({"queue": "ABC"[i % 3]}), {"content-type": "application/json"})
        r = conn.getresponse()
        r.read()
        out.append((time.perf_counter() - t0) * 1000)
        assert r.status == 201, r.status
        time.sleep(gap)
    return out


def figures(ms: list[float]) -> str:
    ms = sorted(ms)
    return (f"median {statistics.median(ms):6.1f} ms  p95 {ms[int(0.95 * (len(ms) - 1))]:6.1f} ms  "
            f"max {ms[-1]:6.1f} ms")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--subscribers", type=int, default=1000)
    ap.add_argument("--tickets", type=int, default=100)
    ap.add_argument("--gap", type=float, default=0.2, help="seconds between tickets")
    a = ap.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 4 * a.subscribers + 1024)), hard))
    broker, srv, _work = _common.start("sqlite", HALL_SERVER__LIVE_MAX_CLIENTS=str(a.subscribers + 100),
                                       HALL_SERVER__LIVE_MAX_ANONYMOUS=str(a.subscribers + 100))
    try:
        port = int(srv.env["HALL_HTTP_PORT"])
        issue(port, 10, 0.05)  # warm up
        alone = issue(port, a.tickets, a.gap)
        print(f"no subscriber        : {figures(alone)}", flush=True)

        ready, stop, seen = mp.Queue(), mp.Event(), mp.Queue()
        proc = mp.Process(target=subscribers, args=(port, a.subscribers, ready, stop, seen), daemon=True)
        proc.start()
        t0 = time.monotonic()
        for _ in range(a.subscribers):
            ready.get(timeout=120)
        print(f"{a.subscribers} subscribers connected in {time.monotonic() - t0:.1f} s", flush=True)
        followed = issue(port, a.tickets, a.gap)
        stop.set()
        updates, failed = seen.get(timeout=60)
        proc.join(10)
        print(f"{a.subscribers:4d} subscribers     : {figures(followed)}", flush=True)
        print(f"hall updates received: {updates} ({updates / max(1, a.subscribers):.1f} per subscriber for "
              f"{a.tickets} tickets, coalesced); subscribers that failed: {failed}", flush=True)
    finally:
        srv.stop()
        broker.stop()


if __name__ == "__main__":
    main()
