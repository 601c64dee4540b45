"""Hall event → province row: p50 and p99 at 50 events/s per hall for 20 halls.

    python benchmarks/uplink_latency.py [--halls 20] [--rate 50] [--seconds 30] [--procs 4]

Each hall is a real ``HallService`` on its own SQLite database, issuing tickets at ``rate`` a
second (each issue writes one ``ticket_issued`` event in its transaction), with its own uplink
relay; ``procs`` processes hold the halls (as many halls each). One aggregator
(``hallctl province serve --no-http``) writes to a fresh PostgreSQL database. Latency is the
province's ``received_at`` (the row's insert, ``clock_timestamp()``) minus the event's ``at``
(the hall's clock when the change was made), one machine clock for both. The first 5 s are
warm-up and not counted.
"""
from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import shutil
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import _province
import sqlalchemy as sa

WARMUP_S = 5.0


def halls_process(ids: list[str], work: str, nats_url: str, rate: float, seconds: float,
                  done: mp.Queue) -> None:  # type: ignore[type-arg]
    from hall_contract.protocol import IssueTicketArgs
    from queue_server.actor import Actor
    from queue_server.service import HallService
    from queue_server.settings import load_settings
    from queue_server.store import Store
    from queue_server.store.outbox import backlog
    from queue_server.uplink.relay import Relay

    services = []
    for hall in ids:
        url = f"sqlite:///{work}/{hall}.db"
        s = load_settings(_province.ROOT / "config" / "hall.toml", env={"HALL_ID": hall, "HALL_DATABASE_URL": url})
        store = Store(url)
        store.upgrade()
        services.append(HallService(s, store))
    stop = asyncio.Event()
    loop = asyncio.new_event_loop()

    async def relays() -> None:
        pairs = zip(ids, services, strict=True)
        await asyncio.gather(*(Relay(svc.store.engine, hall, nats_url).run(stop) for hall, svc in pairs))

    relay_thread = threading.Thread(target=lambda: loop.run_until_complete(relays()), daemon=True)
    relay_thread.start()
    end = time.monotonic() + seconds

    def issue(svc: HallService) -> None:
        n = 0
        t0 = time.monotonic()
        while time.monotonic() < end:
            svc.issue(IssueTicketArgs(queue="A"), Actor.device("kiosk-1"))
            n += 1
            delay = t0 + n / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)

    writers = [threading.Thread(target=issue, args=(svc,)) for svc in services]
    for w in writers:
        w.start()
    for w in writers:
        w.join()
    while any(backlog(svc.store.engine, hall).waiting for hall, svc in zip(ids, services, strict=True)):
        time.sleep(0.2)
    loop.call_soon_threadsafe(stop.set)
    relay_thread.join(10)
    done.put(sum(backlog(svc.store.engine, hall).last_seq for hall, svc in zip(ids, services, strict=True)))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--halls", type=int, default=20)
    ap.add_argument("--rate", type=float, default=50.0)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--procs", type=int, default=4)
    args = ap.parse_args()
    work: Path = _province.workdir()
    server = _province.nats(work)
    db = _province.Database()
    aggs = _province.aggregators(1, db, server.url, work)
    try:
        time.sleep(3)
        ids = [f"lat-{i:02d}" for i in range(args.halls)]
        ctx = mp.get_context("spawn")
        done: mp.Queue = ctx.Queue()  # type: ignore[type-arg]
        started = datetime.now(UTC)
        procs = [ctx.Process(target=halls_process, args=(ids[i::args.procs], str(work), server.url, args.rate,
                                                         args.seconds, done)) for i in range(args.procs)]
        for p in procs:
            p.start()
        total = sum(done.get(timeout=args.seconds + 300) for _ in procs)
        for p in procs:
            p.join(30)
        _province.wait_count(db, total, timeout=120, every=0.2)
        with db.engine.connect() as conn:
            n, p50, p99, worst = conn.execute(sa.text(
                "SELECT count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY ms), "
                "percentile_cont(0.99) WITHIN GROUP (ORDER BY ms), max(ms) FROM (SELECT "
                "extract(epoch FROM received_at - at) * 1000 AS ms FROM event WHERE type = 'ticket_issued' "
                "AND at >= :t) x"), {"t": started + timedelta(seconds=WARMUP_S)}).one()
        print(f"{args.halls} halls × {args.rate:.0f} events/s for {args.seconds:.0f} s ({total} events): "
              f"hall event → province row p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {worst:.1f} ms (n={n})")
    finally:
        _province.stop(aggs)
        db.drop()
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
