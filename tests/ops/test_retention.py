"""Personal data retention: masked holders and rating notes go after N days, figures stay."""
from __future__ import annotations

import subprocess
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from queue_server import stats
from queue_server.engine import Change, Priority, Ticket, TicketState
from queue_server.store import Store
from queue_server.store.tables import rating_t
from tests.peers import ROOT

TZ = ZoneInfo("Asia/Shanghai")


def _ticket(day: date, n: int) -> Ticket:
    at = datetime.combine(day, datetime.min.time(), TZ).replace(hour=9, minute=n)
    return Ticket(id=f"{day:%Y%m%d}-A{n:03d}-0", day=day, number=f"A{n:03d}", queue="A", seq=n,
                  priority=Priority.ELDERLY, issued_at=at, queued_at=at, holder="王*", holder_ref=f"ref-{n}",
                  state=TicketState.DONE, window=1, called_at=at + timedelta(minutes=5),
                  started_at=at + timedelta(minutes=5), ended_at=at + timedelta(minutes=15))


def _rating(conn: sa.Connection, t: Ticket) -> None:
    conn.execute(rating_t.insert().values(
        ticket_id=t.id, day=t.day, number=t.number, queue=t.queue, window=1, requested_at=t.ended_at,
        deadline=t.ended_at, outcome="rated", rating=1, reason="long_wait", source="device",
        answered_at=t.ended_at, follow_up="done", follow_up_note="已联系王先生 13800000000",
        follow_up_by="boss", follow_up_at=t.ended_at))


def test_purge_blanks_old_personal_data_and_keeps_the_figures(
        tmp_path: Path, hallctl: Callable[..., subprocess.CompletedProcess[str]]) -> None:
    url = f"sqlite:///{tmp_path}/hall.db"
    store = Store(url)
    store.upgrade()
    today = date(2026, 11, 22)
    old, recent = today - timedelta(days=120), today - timedelta(days=10)
    tickets = [_ticket(old, 1), _ticket(old, 2), _ticket(recent, 1)]
    with store.transaction() as conn:
        store.persist(conn, Change("issue", tickets=tickets), "test")
        for t in tickets:
            _rating(conn, t)
    targets, names = {"A": 900.0}, {"A": "综合受理"}
    before = stats.daily(store.tickets_between(old, old), old, targets, names)
    store.close()

    env = {"HALL_CONFIG": str(ROOT / "config" / "hall.toml"), "HALL_DATABASE_URL": url, "PATH": "/usr/bin:/bin"}
    r = hallctl("purge", "--days", "90", env=env, timeout=60)
    assert r.returncode == 0, r.stderr
    assert "2 tickets, 2 rating notes" in r.stdout

    store = Store(url)
    kept = {t.id: t for t in store.tickets_between(old, today)}
    assert all(kept[t.id].holder is None and kept[t.id].holder_ref is None for t in tickets[:2])
    assert kept[tickets[2].id].holder == "王*" and kept[tickets[2].id].holder_ref == "ref-1"
    with store.engine.connect() as conn:
        notes = dict(conn.execute(sa.select(rating_t.c.day, rating_t.c.follow_up_note)).all())
        ratings = conn.execute(sa.select(sa.func.count()).select_from(rating_t).where(rating_t.c.rating == 1)).scalar()
    assert notes[old] is None and notes[recent] is not None and ratings == 3
    assert stats.daily(store.tickets_between(old, old), old, targets, names) == before
    assert store.audit_rows(1)[0]["action"] == "purge_personal_data"
    store.close()


def test_the_server_purges_by_itself_at_start_up(tmp_path: Path) -> None:
    from queue_server.service import HallService
    from queue_server.settings import load_settings

    url = f"sqlite:///{tmp_path}/hall.db"
    store = Store(url)
    store.upgrade()
    old = datetime.now(UTC).astimezone(TZ).date() - timedelta(days=400)
    with store.transaction() as conn:
        store.persist(conn, Change("issue", tickets=[_ticket(old, 7)]), "test")
    settings = load_settings(ROOT / "config" / "hall.toml", env={"HALL_DATABASE_URL": url})
    HallService(settings, store)
    assert [t.holder for t in store.tickets_between(old, old)] == [None]
    store.close()
