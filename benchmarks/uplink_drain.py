"""Backlog of a 2-hour uplink outage of one hall: how long it takes to drain into the province.

    python benchmarks/uplink_drain.py [--tickets 1500] [--outage 09:00-11:00]

One hall replays a business day (``hallctl simulate``'s, through the real engine, store and
outbox, on SQLite) while its uplink is down; the events written during the outage are its
backlog (the day's morning peak by default). Then ``hallctl uplink`` starts against our own
nats-server, with one aggregator (``hallctl province serve --no-http``) on a fresh PostgreSQL
database; the clock runs from the relay's start until the province holds the last event.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import time
from datetime import datetime
from datetime import time as dtime

import _province
import sqlalchemy as sa

from queue_server.settings import load_settings
from queue_server.simulate.arrivals import default_split, generate, load_profile
from queue_server.store import Store
from queue_server.store.outbox import backlog, outbox_t, seq_t
from queue_server.uplink.demo import StoreSink
from queue_server.uplink.outbox import hall_outbox
from queue_server.uplink.simhall import ReplayDay
from tests.peers import HALLCTL


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tickets", type=int, default=1500)
    ap.add_argument("--outage", default="09:00-11:00", help="HH:MM-HH:MM of the hall's day")
    args = ap.parse_args()
    work = _province.workdir()
    hall = "drain-hall"
    db_url = f"sqlite:///{work}/hall.db"
    s = load_settings(_province.ROOT / "config" / "hall.toml", env={"HALL_ID": hall, "HALL_DATABASE_URL": db_url})
    store = Store(db_url)
    store.upgrade()
    store.outbox = hall_outbox(s, store)
    today = datetime.now(s.hall.tz()).date()
    ReplayDay(s, generate(s, load_profile(), args.tickets, default_split(s), 7), today, StoreSink(store, 7)).run()
    start, end = (dtime.fromisoformat(x) for x in args.outage.split("-"))
    lo, hi = (datetime.combine(today, t, tzinfo=s.hall.tz()) for t in (start, end))
    with store.engine.begin() as conn:  # the events written before the outage had gone up; after it, none yet
        before = conn.execute(sa.select(sa.func.count()).select_from(outbox_t).where(outbox_t.c.at < lo)).scalar()
        last = conn.execute(sa.select(sa.func.max(outbox_t.c.seq)).where(outbox_t.c.at < hi)).scalar() or 0
        conn.execute(outbox_t.delete().where(outbox_t.c.seq > last))
        conn.execute(seq_t.update().values(last=last))
    from queue_server.store.outbox import mark_sent

    mark_sent(store.engine, hall, int(before or 0))
    waiting = backlog(store.engine, hall).waiting
    print(f"hall day of {args.tickets} tickets; outage {args.outage}: backlog of {waiting} events "
          f"(seq {int(before or 0) + 1}..{last})")
    server = _province.nats(work)
    db = _province.Database()
    aggs = _province.aggregators(1, db, server.url, work)
    env = {**os.environ, "HALL_CONFIG": str(_province.ROOT / "config" / "hall.toml"), "HALL_ID": hall,
           "HALL_DATABASE_URL": db_url, "HALL_NATS_URL": server.url, "HALL_LOG_LEVEL": "WARNING"}
    try:
        time.sleep(3)  # the aggregator has its consumer
        t0 = time.monotonic()
        relay = subprocess.Popen([HALLCTL, "uplink"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        acked = first = None
        while db.count() < waiting:
            left = backlog(store.engine, hall).waiting
            if first is None and left < waiting:
                first = time.monotonic() - t0
            if acked is None and left == 0:
                acked = time.monotonic() - t0
            time.sleep(0.02)
        took = time.monotonic() - t0
        acked, first = acked or took, first or 0.0
        print(f"relay process up and first acknowledgement after {first:.2f} s; whole backlog acknowledged by the "
              f"stream after {acked:.2f} s; the province held all {waiting} after {took:.2f} s")
        print(f"drain once connected: {took - first:.2f} s ({waiting / max(took - first, 1e-6):.0f} events/s)")
        relay.terminate()
        relay.wait(10)
    finally:
        _province.stop(aggs)
        db.drop()
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
        store.close()


if __name__ == "__main__":
    main()
