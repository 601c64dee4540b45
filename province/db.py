"""The province's PostgreSQL: engine, Alembic migrations and the day partitions."""
from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
#: the tables partitioned by the hall's business day
PARTITIONED = ("event", "visit", "rating")
#: the business days an event may carry, around today: a day's partitions are made on demand, so a
#: far-off day (a wrong clock, a forged event) is parked instead of making partitions for it
DAYS_BACK, DAYS_AHEAD = 400, 2


def accepted_days(today: date | None = None) -> tuple[date, date]:
    today = today or date.today()
    return today - timedelta(days=DAYS_BACK), today + timedelta(days=DAYS_AHEAD)


def make_engine(url: str, timezone: str = "Asia/Shanghai") -> Engine:
    """Times come back in the province's zone (``timezone``), as the pages show them."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if not url.startswith("postgresql+psycopg://"):
        raise ValueError("PROVINCE_DATABASE_URL must be postgresql://user@host/db")
    return sa.create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5,
                            connect_args={"options": f"-c timezone={timezone}"})


def upgrade(engine: Engine, revision: str = "head") -> None:
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(4712)"))  # one migrator at a time
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not sa.inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


class Partitions:
    """Creates each day's partitions once, whichever aggregator sees the day first."""

    def __init__(self) -> None:
        self._known: set[date] = set()
        self._lock = threading.Lock()

    def ensure(self, engine: Engine, days: Iterable[date]) -> None:
        first, last = accepted_days()
        missing = sorted({d for d in days if first <= d <= last} - self._known)
        if not missing:
            return
        with self._lock, engine.begin() as conn:
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(4713)"))
            for day in missing:
                create_partitions(conn, day)
            self._known.update(missing)


def create_partitions(conn: Connection, day: date) -> None:
    nxt = day + timedelta(days=1)
    for table in PARTITIONED:
        conn.execute(sa.text(f"CREATE TABLE IF NOT EXISTS {table}_{day:%Y%m%d} PARTITION OF {table} "
                             f"FOR VALUES FROM ('{day.isoformat()}') TO ('{nxt.isoformat()}')"))


def drop_days_before(engine: Engine, day: date) -> list[str]:
    """Retention: drop whole day partitions older than ``day`` (cheap, no row deletes)."""
    dropped = []
    with engine.begin() as conn:
        for table in PARTITIONED:
            rows = conn.execute(sa.text(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = :t"), {"t": table})
            for (name,) in rows:
                stamp = name.rsplit("_", 1)[-1]
                if stamp.isdigit() and len(stamp) == 8 and stamp < f"{day:%Y%m%d}":
                    conn.execute(sa.text(f'DROP TABLE "{name}"'))
                    dropped.append(name)
    return dropped
