"""The hall's database: SQLite (WAL) by default, PostgreSQL by URL.

The engine's state is the database's state: every change is committed before it is
answered or announced, and on start-up the engine is rebuilt from here. Ticket numbers are
handed out by the database itself (an atomic upsert on ``ticket_counter``), so two processes
can never issue the same number.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from queue_server.engine.model import Change, Priority, Ticket, TicketState, Window
from queue_server.keyfile import private_file
from queue_server.store.fastpath import RawStatement
from queue_server.store.tables import audit_t, counter_t, meta_t, ticket_t, window_t

if TYPE_CHECKING:
    from queue_server.store.outbox import Outbox

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_TICKET_COLS = [c.name for c in ticket_t.columns]


def normalise_url(url: str) -> str:
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def make_engine(url: str, sqlite_synchronous: str = "NORMAL") -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        path = sa.engine.make_url(url).database
        if path and path != ":memory:":
            private_file(Path(path))  # the hall's records: the server's user alone reads them (and -wal, -shm)
        engine = sa.create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @sa.event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA synchronous={sqlite_synchronous}")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    return sa.create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


def _insert(dialect: str, table: sa.Table) -> Any:
    return postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)


def upsert_statement(dialect: str, table: sa.Table, keys: list[str]) -> Any:
    """``INSERT … ON CONFLICT (keys) DO UPDATE`` of every other column, built once and reused."""
    ins = _insert(dialect, table)
    return ins.on_conflict_do_update(index_elements=keys,
                                     set_={c.name: ins.excluded[c.name] for c in table.columns if c.name not in keys})


def _upsert(conn: Connection, table: sa.Table, rows: list[dict[str, Any]], keys: list[str]) -> None:
    if rows:
        conn.execute(upsert_statement(conn.dialect.name, table, keys), rows)


def ticket_row(t: Ticket) -> dict[str, Any]:
    row = {c: getattr(t, c) for c in _TICKET_COLS}
    row["priority"], row["state"] = str(t.priority), str(t.state)
    return row


def row_ticket(r: Any) -> Ticket:
    m = r._mapping
    data = {c: m[c] for c in _TICKET_COLS}
    data["priority"] = Priority(data["priority"])
    data["state"] = TicketState(data["state"])
    return Ticket(**data)


def window_row(w: Window) -> dict[str, Any]:
    return {"number": w.number, "status": str(w.status), "queues": ",".join(w.queues),
            "current_id": w.current.id if w.current else None, "since": w.since, "clerk": w.clerk}


class Store:
    def __init__(self, url: str, sqlite_synchronous: str = "NORMAL") -> None:
        self.url = url
        self.engine = make_engine(url, sqlite_synchronous)
        dialect = self.engine.dialect
        d = dialect.name
        # the hot path's statements, compiled once for this database
        self._ticket_upsert = RawStatement(upsert_statement(d, ticket_t, ["id"]), dialect, _TICKET_COLS)
        self._window_upsert = RawStatement(upsert_statement(d, window_t, ["number"]), dialect,
                                           [c.name for c in window_t.columns])
        self._audit_insert = RawStatement(audit_t.insert(), dialect, ["at", "actor", "action", "subject", "detail"])
        ins = _insert(d, counter_t)
        self._reserve = RawStatement(ins.on_conflict_do_update(
            index_elements=["day", "queue"], set_={"last": counter_t.c.last + 1}).returning(counter_t.c.last),
            dialect, ["day", "queue", "last"])
        #: the province uplink's outbox: when set, every persisted change writes its events
        self.outbox: Outbox | None = None

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    # -- schema ----------------------------------------------------------------------------

    def upgrade(self, revision: str = "head") -> None:
        from alembic import command
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        with self.engine.begin() as conn:
            if self.dialect == "postgresql":  # one migrator at a time when several processes start
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(4711)"))
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)

    def revision(self) -> str | None:
        with self.engine.connect() as conn:
            if not sa.inspect(conn).has_table("alembic_version"):
                return None
            return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()

    # -- transactions ----------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        with self.engine.begin() as conn:
            yield conn

    def reserve_number(self, conn: Connection, day: date, queue: str) -> int:
        """The next ticket number of ``queue`` on ``day``, atomically across processes."""
        return int(self._reserve.scalar(conn, {"day": day, "queue": queue, "last": 1}))

    def persist(self, conn: Connection, change: Change, actor: str, subject: str = "",
                detail: dict[str, Any] | None = None, at: datetime | None = None) -> None:
        seen: dict[str, Ticket] = {t.id: t for t in change.tickets}
        if seen:
            self._ticket_upsert.executemany(conn, [ticket_row(t) for t in seen.values()])
        wins = {w.number: w for w in change.windows}
        if wins:
            self._window_upsert.executemany(conn, [window_row(w) for w in wins.values()])
        info: dict[str, Any] = {"tickets": [{"number": t.number, "queue": t.queue, "state": str(t.state)}
                                            for t in seen.values()]}
        if detail:
            info.update(detail)
        if change.day is not None:
            info["day"] = change.day.isoformat()
        self.audit(conn, actor, change.action, subject, info, at)
        if self.outbox is not None:
            self.outbox.record_change(conn, change, at or datetime.now(UTC))

    def audit(self, conn: Connection, actor: str, action: str, subject: str, detail: dict[str, Any],
              at: datetime | None = None) -> None:
        self._audit_insert.executemany(conn, [{
            "at": at or datetime.now(UTC), "actor": actor[:64], "action": action[:32], "subject": subject[:64],
            "detail": json.dumps(detail, ensure_ascii=False, default=str)}])

    # -- reading ---------------------------------------------------------------------------

    def load_tickets(self, day: date) -> list[Ticket]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(ticket_t).where(ticket_t.c.day == day))
            return [row_ticket(r) for r in rows]

    def open_tickets_before(self, day: date) -> list[Ticket]:
        active = [str(s) for s in TicketState if s.active]
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(ticket_t).where(ticket_t.c.day < day, ticket_t.c.state.in_(active)))
            return [row_ticket(r) for r in rows]

    def load_counters(self, day: date) -> dict[str, int]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(counter_t.c.queue, counter_t.c.last).where(counter_t.c.day == day))
            return {q: int(last) for q, last in rows}

    def load_windows(self) -> list[tuple[int, str, tuple[str, ...], str | None, datetime | None, str | None]]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(window_t))
            return [(r.number, r.status, tuple(q for q in r.queues.split(",") if q), r.current_id, r.since,
                     r.clerk) for r in rows]

    def ticket_by_request(self, request_id: str) -> Ticket | None:
        with self.engine.connect() as conn:
            r = conn.execute(sa.select(ticket_t).where(ticket_t.c.request_id == request_id)).first()
            return row_ticket(r) if r is not None else None

    def tickets_between(self, first: date, last: date) -> list[Ticket]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(ticket_t).where(ticket_t.c.day >= first, ticket_t.c.day <= last))
            return [row_ticket(r) for r in rows]

    def audit_rows(self, limit: int = 100) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(audit_t).order_by(audit_t.c.id.desc()).limit(limit))
            return [dict(r._mapping) for r in rows]

    # -- hall metadata ---------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(meta_t.c.value).where(meta_t.c.key == key)).scalar()

    def set_meta(self, conn: Connection, key: str, value: str) -> None:
        _upsert(conn, meta_t, [{"key": key, "value": value}], ["key"])


def expire_rows(tickets: Iterable[Ticket], now: datetime) -> list[Ticket]:
    out = []
    for t in tickets:
        t.state, t.ended_at = TicketState.EXPIRED, now
        out.append(t)
    return out
