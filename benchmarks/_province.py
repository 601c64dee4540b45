"""Shared set-up for the province benchmarks: a NATS server, a fresh province database, aggregators."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
import sqlalchemy as sa  # noqa: E402

from province.db import make_engine, upgrade  # noqa: E402
from tests.peers import HALLCTL  # noqa: E402
from tests.uplink._nats import NatsServer  # noqa: E402

PG_ADMIN = os.environ.get("HALL_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def workdir() -> Path:
    return Path(tempfile.mkdtemp(prefix="province-bench-"))


def nats(work: Path) -> NatsServer:
    n = NatsServer(work)
    n.start()
    return n


class Database:
    def __init__(self) -> None:
        self.name = "province_bench_" + uuid.uuid4().hex[:8]
        with psycopg.connect(PG_ADMIN, autocommit=True) as c:
            c.execute(f'CREATE DATABASE "{self.name}"')
        self.url = PG_ADMIN.rsplit("/", 1)[0] + "/" + self.name
        self.engine = make_engine(self.url)
        upgrade(self.engine)

    def count(self) -> int:
        with self.engine.connect() as c:
            return int(c.execute(sa.text("SELECT coalesce(sum(events), 0) FROM hall")).scalar() or 0)

    def drop(self) -> None:
        self.engine.dispose()
        with psycopg.connect(PG_ADMIN, autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def aggregators(n: int, db: Database, nats_url: str, work: Path, durable: str = "province",
                batch: int = 500) -> list[subprocess.Popen[bytes]]:
    """``n`` aggregator processes on one durable (``hallctl province serve --no-http``)."""
    env = {**os.environ, "PROVINCE_DATABASE_URL": db.url, "PROVINCE_NATS_URL": nats_url,
           "PROVINCE_DURABLE": durable, "PROVINCE_BATCH": str(batch), "HALL_LOG_LEVEL": "WARNING"}
    out = []
    for i in range(n):
        log = open(work / f"agg-{durable}-{i}.log", "ab")  # noqa: SIM115 (lives with the process)
        out.append(subprocess.Popen([HALLCTL, "province", "serve", "--no-http"], env=env, stdout=log, stderr=log))
    return out


def stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for p in procs:
        p.terminate()
    for p in procs:
        try:
            p.wait(15)
        except subprocess.TimeoutExpired:
            p.kill()


def wait_count(db: Database, total: int, timeout: float, every: float = 1.0) -> float:
    """Seconds until the province holds ``total`` events (raises after ``timeout``)."""
    start = time.monotonic()
    while db.count() < total:
        if time.monotonic() - start > timeout:
            raise TimeoutError(f"{db.count()} of {total} events after {timeout:.0f} s")
        time.sleep(every)
    return time.monotonic() - start


def cpu_s(pid: int) -> float:
    """User + system CPU seconds a process has used (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def backend_pids(db: Database) -> list[int]:
    """The PostgreSQL server processes serving ``db`` (other than the asking one)."""
    with db.engine.connect() as c:
        return [int(p) for (p,) in c.execute(sa.text(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"))]
