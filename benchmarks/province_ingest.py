"""Province ingest: 500 simulated halls × one business day, by one aggregator and by two.

    python benchmarks/province_ingest.py [--halls 500] [--tickets 1500] [--templates 8]

Each hall's day is ``hallctl simulate``'s day through the real engine (``ReplayDay``), its events
numbered as the hall's outbox numbers them (``MemoryOutbox``; no hall database, the hall side is
not what is measured). ``--templates`` distinct days are replayed and reused under the halls'
ids (seeds 1..templates). Every event is published first (core publishes with ``Nats-Msg-Id``,
into a file-backed stream on our own nats-server), then the aggregators
(``hallctl province serve --no-http``, one process each, one durable) drain the stream into a
fresh PostgreSQL database; the clock runs from their start to the last event committed.
"""
from __future__ import annotations

import argparse
import asyncio
import shutil
import time
from datetime import date

import _province
import nats
from nats.js.api import StorageType

from hall_contract.uplink import ALL_HALLS_SUBJECTS, DEFAULT_STREAM
from queue_server.settings import load_settings
from queue_server.simulate.arrivals import default_split, generate, load_profile
from queue_server.uplink.simhall import MemoryOutbox, ReplayDay

DAY = date.today()
TEMPLATE = b'"hall":"TEMPLATE"'


def templates(n: int, tickets: int) -> list[list[tuple[str, bytes]]]:
    s = load_settings(_province.ROOT / "config" / "hall.toml", env={})
    out = []
    for seed in range(1, n + 1):
        box = MemoryOutbox("TEMPLATE", s, seed)
        ReplayDay(s, generate(s, load_profile(), tickets, default_split(s), seed), DAY, box).run()
        out.append([(e.type, e.to_json()) for e in box.events])
    return out


async def publish(url: str, halls: int, days: list[list[tuple[str, bytes]]]) -> int:
    nc = await nats.connect(url)
    js = nc.jetstream()
    await js.add_stream(name=DEFAULT_STREAM, subjects=[ALL_HALLS_SUBJECTS], storage=StorageType.FILE,
                        duplicate_window=120)
    total = 0
    halls_ids = [f"bench-{h:04d}" for h in range(halls)]
    longest = max(len(d) for d in days)
    for i in range(longest):  # the halls' days side by side, as the province sees them
        for h, hall in enumerate(halls_ids):
            day = days[h % len(days)]
            if i >= len(day):
                continue
            kind, body = day[i]
            await nc.publish(f"hall.{hall}.events.{kind}", body.replace(TEMPLATE, f'"hall":"{hall}"'.encode()),
                             headers={"Nats-Msg-Id": f"{hall}:{i + 1}"})
            total += 1
            if total % 5000 == 0:
                await nc.flush(timeout=30)
    await nc.flush(timeout=60)
    while (await js.stream_info(DEFAULT_STREAM)).state.messages < total:
        await asyncio.sleep(0.5)
    await nc.close()
    return total


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--halls", type=int, default=500)
    ap.add_argument("--tickets", type=int, default=1500)
    ap.add_argument("--templates", type=int, default=8)
    ap.add_argument("--aggregators", default="1,2")
    args = ap.parse_args()
    work = _province.workdir()
    t0 = time.perf_counter()
    days = templates(args.templates, args.tickets)
    per_hall = sum(len(d) for d in days) / len(days)
    print(f"{args.templates} simulated days of {args.tickets} tickets: {per_hall:.0f} events per hall "
          f"({time.perf_counter() - t0:.1f} s)")
    server = _province.nats(work)
    try:
        t0 = time.perf_counter()
        total = asyncio.run(publish(server.url, args.halls, days))
        print(f"published {total} events of {args.halls} halls in {time.perf_counter() - t0:.1f} s")
        for n in (int(x) for x in args.aggregators.split(",")):
            db = _province.Database()
            procs = _province.aggregators(n, db, server.url, work, durable=f"bench{n}")
            try:
                took = _province.wait_count(db, total, timeout=3600, every=2.0)
                agg_cpu = sum(_province.cpu_s(p.pid) for p in procs)
                pg_cpu = sum(_province.cpu_s(pid) for pid in _province.backend_pids(db))
                print(f"{n} aggregator(s): {total} events in {took:.1f} s = {total / took:.0f} events/s; CPU "
                      f"{agg_cpu:.0f} s aggregator(s) + {pg_cpu:.0f} s PostgreSQL = "
                      f"{total / max(agg_cpu + pg_cpu, 1e-6):.0f} events per CPU-second")
            finally:
                _province.stop(procs)
                db.drop()
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
