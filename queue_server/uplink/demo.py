"""``hallctl province demo``: a province in a box.

A NATS server with JetStream (Debian's ``nats-server``) on a free port, the aggregator with its
pages (``hallctl province serve``) on a fresh PostgreSQL database, and N simulated halls, each
with its own SQLite database, outbox and uplink relay, replaying ``hallctl simulate``'s business
day through the real engine at ``speed`` times the wall clock.
"""
from __future__ import annotations

import asyncio
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from queue_server.engine import Change
from queue_server.settings import Settings, load_settings
from queue_server.simulate.arrivals import default_split, default_volume, generate, load_profile
from queue_server.store import RatingStore, Store
from queue_server.store.outbox import backlog
from queue_server.store.ratings import FOLLOW_DONE, RATED
from queue_server.uplink.outbox import hall_outbox
from queue_server.uplink.relay import Relay
from queue_server.uplink.simhall import FOLLOWED_UP_SHARE, RATED_SHARE, ReplayDay, draw_level, served

NATS_SERVER = shutil.which("nats-server") or "/usr/sbin/nats-server"
HALLCTL = str(Path(sys.executable).parent / "hallctl")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_port(port: int, timeout: float = 15.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return True
        except OSError:
            time.sleep(0.05)
    return False


class StoreSink:
    """Persists each change as ``HallService.run`` does (so the outbox gets its events), and the ratings."""

    def __init__(self, store: Store, seed: int) -> None:
        self.store = store
        self.ratings = RatingStore(store.engine)
        self.rng = random.Random(seed)

    def __call__(self, change: Change, at: datetime) -> None:
        outbox = self.store.outbox
        assert outbox is not None
        with self.store.transaction() as conn:
            self.store.persist(conn, change, "simulate", at=at)
            for t in served(change):
                if self.rng.random() >= RATED_SHARE:
                    continue
                assert t.window is not None
                rec = self.ratings.insert(conn, ticket_id=t.id, day=t.day, number=t.number, queue=t.queue,
                                          window=t.window, clerk=t.clerk, item=t.item, requested_at=at, deadline=at)
                level = draw_level(self.rng)
                done = self.ratings.resolve(conn, rec.id, outcome=RATED, at=at, rating=level,
                                            reason="long_wait" if level <= 2 else None, source="simulate")
                assert done is not None
                outbox.record_rating(conn, done, at)
                if done.negative and self.rng.random() < FOLLOWED_UP_SHARE:
                    fixed = self.ratings.follow_up(conn, rec.id, state=FOLLOW_DONE, note="已回访", by="manager", at=at)
                    outbox.record_follow_up(conn, fixed, at)


@dataclass
class DemoHall:
    hall_id: str
    settings: Settings
    store: Store
    thread: threading.Thread | None = None
    relay: Relay | None = None
    errors: list[str] = field(default_factory=list)


def _hall(config: Path | None, workdir: Path, i: int) -> DemoHall:
    hall_id = f"demo-hall-{i + 1:02d}"
    s = load_settings(config, env={"HALL_ID": hall_id, "HALL_DATABASE_URL": f"sqlite:///{workdir}/{hall_id}.db"})
    store = Store(s.server.database_url)
    store.upgrade()
    store.outbox = hall_outbox(s, store)
    return DemoHall(hall_id, s, store)


def _replay(h: DemoHall, tickets: int | None, seed: int, day: date, speed: float) -> None:
    try:
        slots = load_profile()
        split = default_split(h.settings)
        volume = tickets if tickets is not None else default_volume(h.settings, slots, split)
        ReplayDay(h.settings, generate(h.settings, slots, volume, split, seed), day, StoreSink(h.store, seed),
                  speed).run()
    except Exception as err:  # shown at the end; the other halls go on
        h.errors.append(f"{type(err).__name__}: {err}")


def _create_database(admin_url: str) -> str:
    import psycopg

    name = f"province_demo_{datetime.now():%Y%m%d_%H%M%S}"
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return admin_url.rsplit("/", 1)[0] + "/" + name


def _drop_database(admin_url: str, url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_province_demo(config: Path | None, halls: int, speed: float, tickets: int | None, duration: float,
                      port: int | None, pg_admin_url: str, keep: bool) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="province-demo-"))
    nats_port, http_port = free_port(), port or free_port()
    nats_url = f"nats://127.0.0.1:{nats_port}"
    procs: list[subprocess.Popen[bytes]] = []
    db_url = _create_database(pg_admin_url)
    stop = asyncio.Event()
    loop = asyncio.new_event_loop()
    demo_halls: list[DemoHall] = []
    try:
        log = open(workdir / "nats.log", "ab")  # noqa: SIM115 (lives with the process)
        procs.append(subprocess.Popen([NATS_SERVER, "-js", "-a", "127.0.0.1", "-p", str(nats_port),
                                       "-sd", str(workdir / "js")], stdout=log, stderr=log))
        if not wait_port(nats_port):
            print("nats-server did not start", file=sys.stderr)
            return 1
        env = {**os.environ, "PROVINCE_DATABASE_URL": db_url, "PROVINCE_NATS_URL": nats_url}
        plog = open(workdir / "province.log", "ab")  # noqa: SIM115
        procs.append(subprocess.Popen([HALLCTL, "province", "serve", "--port", str(http_port)], env=env,
                                      stdout=plog, stderr=plog))
        if not wait_port(http_port, 30):
            print("the province server did not start; see " + str(workdir / "province.log"), file=sys.stderr)
            return 1
        print(f"province page: http://127.0.0.1:{http_port}/   (NATS {nats_url}, database {db_url})")
        today = datetime.now(load_settings(config, env={}).hall.tz()).date()
        demo_halls = [_hall(config, workdir, i) for i in range(halls)]
        for i, h in enumerate(demo_halls):
            h.relay = Relay(h.store.engine, h.hall_id, nats_url)
            h.thread = threading.Thread(target=_replay, args=(h, tickets, i + 1, today, speed), daemon=True)
            h.thread.start()

        async def relay_all() -> None:
            await asyncio.gather(*(h.relay.run(stop) for h in demo_halls if h.relay))

        relays = threading.Thread(target=lambda: loop.run_until_complete(relay_all()), daemon=True)
        relays.start()
        _wait(demo_halls, duration)
        for h in demo_halls:
            b = backlog(h.store.engine, h.hall_id)
            print(f"{h.hall_id}: {b.last_seq} events, {b.waiting} not yet acknowledged"
                  + (f"; failed: {h.errors[0]}" if h.errors else ""))
        return 0
    finally:
        loop.call_soon_threadsafe(stop.set)
        time.sleep(0.5)
        for p in reversed(procs):
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
        for h in demo_halls:
            h.store.close()
        if keep:
            print(f"kept: {workdir} and {db_url}")
        else:
            _drop_database(pg_admin_url, db_url)
            shutil.rmtree(workdir, ignore_errors=True)


def _wait(demo_halls: list[DemoHall], duration: float) -> None:
    """Until every day is replayed and acknowledged (with ``duration``), ``duration`` is over, or Ctrl-C."""
    end = time.monotonic() + duration if duration > 0 else float("inf")
    told = False
    try:
        while time.monotonic() < end:
            replaying = any(h.thread is not None and h.thread.is_alive() for h in demo_halls)
            if not told and not replaying and all(backlog(h.store.engine, h.hall_id).waiting == 0
                                                  for h in demo_halls):
                print("every day replayed and acknowledged by the province" + ("" if duration > 0 else
                                                                              "; Ctrl-C to stop"))
                told = True
                if duration > 0:
                    return
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
