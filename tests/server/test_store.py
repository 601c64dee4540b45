"""The store on a real SQLite file: its fast path fails like SQLAlchemy does."""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.exc import IntegrityError

from queue_server.engine import Change, Priority, Ticket
from queue_server.store import Store


def _ticket(tid: str, number: str, request_id: str) -> Ticket:
    now = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    return Ticket(id=tid, day=date(2026, 11, 23), number=number, queue="A", seq=int(number[1:]),
                  priority=Priority.NORMAL, issued_at=now, queued_at=now, request_id=request_id)


def test_a_constraint_violation_is_sqlalchemys_integrity_error_and_rolls_back(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path}/hall.db")
    store.upgrade()
    with store.transaction() as conn:
        store.persist(conn, Change("issue", tickets=[_ticket("t1", "A001", "r-1")]), "test")
    with pytest.raises(IntegrityError), store.transaction() as conn:
        store.persist(conn, Change("issue", tickets=[_ticket("t2", "A002", "r-1")]), "test")
    assert [t.number for t in store.load_tickets(date(2026, 11, 23))] == ["A001"]
    assert [a["action"] for a in store.audit_rows()] == ["issue"]
    store.close()
