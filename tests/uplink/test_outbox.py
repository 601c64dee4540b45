"""The outbox: each change writes its events in its own transaction, numbered 1, 2, 3, ... per hall."""
from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Connection

from hall_contract.protocol import IssueTicketArgs
from hall_contract.uplink import parse_event
from queue_server.actor import Actor
from queue_server.service import HallService, StoreUnavailable
from queue_server.store.outbox import backlog, mark_sent, pending
from tests.uplink._hall import hall_service, outbox_events

KIOSK = Actor.device("kiosk-1")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=[pytest.mark.peer, pytest.mark.postgres])])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "postgres":
        yield request.getfixturevalue("pg_url")
    else:
        yield f"sqlite:///{tmp_path}/hall.db"


def _day(svc: HallService) -> None:
    """Issue, call, recall, serve, no-show and transfer at window 1 (an accept window)."""
    for i in range(4):
        svc.issue(IssueTicketArgs(queue="A", priority="elderly", holder="张*", holder_ref=f"ref-secret-130{i}"), KIOSK)
    zhang = Actor.staff("zhang", "clerk", 1)
    svc.open_window(1, zhang, clerk="zhang")
    svc.call_next(1, zhang)          # A001 called
    svc.recall(1, zhang)             # A001 recalled
    svc.finish(1, zhang)             # A001 done
    svc.call_next(1, zhang)          # A002 called
    svc.no_show(1, zhang)            # A002 no-show
    svc.call_next(1, zhang)          # A003 called
    svc.transfer(1, "B", zhang)      # A003 → B003 waiting
    svc.cancel("A004", Actor.staff("manager", "manager"))


def test_every_change_writes_its_events_numbered_without_gaps_and_without_personal_data(db_url: str) -> None:
    svc = hall_service(db_url)
    _day(svc)
    events = outbox_events(svc.store)
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    kinds = [(e["type"], e["data"].get("number"), e["data"].get("outcome") or e["data"].get("attempt")
              or e["data"].get("status")) for e in events if e["type"] != "window_status" or e["data"]["window"] == 1]
    assert kinds == [
        ("window_status", None, "closed"),  # the hall's windows, first seen
        ("ticket_issued", "A001", None), ("ticket_issued", "A002", None), ("ticket_issued", "A003", None),
        ("ticket_issued", "A004", None), ("window_status", None, "open"),
        ("ticket_called", "A001", 1), ("ticket_called", "A001", 2), ("visit_ended", "A001", "done"),
        ("ticket_called", "A002", 1), ("visit_ended", "A002", "no_show"),
        ("ticket_called", "A003", 1), ("visit_ended", "A003", "transferred"), ("ticket_issued", "A003", None),
        ("visit_ended", "A004", "cancelled"),
    ]
    done = next(e for e in events if e["type"] == "visit_ended" and e["data"]["outcome"] == "done")
    assert done["data"]["clerk"] == "zhang" and done["data"]["service_s"] >= 0 and done["data"]["wait_s"] >= 0
    assert done["at"].endswith("+08:00")  # the hall's UTC offset
    moved = [e for e in events if e["type"] == "ticket_issued" and e["data"]["number"] == "A003"][-1]
    assert moved["data"]["queue"] == "B" and moved["data"]["hop"] == 1
    for e in events:
        raw = str(e)
        assert "张" not in raw and "ref-secret" not in raw and "holder" not in raw
        parse_event(__import__("json").dumps(e).encode(), f"hall.hall-1.events.{e['type']}")
    svc.store.close()


def test_a_change_that_rolls_back_leaves_no_event_and_no_gap(db_url: str) -> None:
    svc = hall_service(db_url)
    svc.issue(IssueTicketArgs(queue="A"), KIOSK)
    before = outbox_events(svc.store)

    def op(conn: Connection, now: object) -> object:
        assert svc.store.outbox is not None
        svc.store.outbox.append(conn, [("ticket_issued", svc.now().date(), _issued_data())], svc.now())
        conn.exec_driver_sql("SELECT * FROM no_such_table")  # the database fails after the event was written
        return None

    with pytest.raises(StoreUnavailable):
        svc._run(Actor.system("test"), "", op)  # type: ignore[arg-type]
    svc.issue(IssueTicketArgs(queue="A"), KIOSK)
    after = outbox_events(svc.store)
    assert [e["seq"] for e in after] == list(range(1, len(before) + 2))
    assert after[-1]["data"]["number"] == "A002"
    svc.store.close()


def _issued_data() -> object:
    from datetime import UTC, datetime

    from hall_contract.uplink import TicketIssued

    now = datetime.now(UTC)
    return TicketIssued(ticket_id="x", number="Z999", queue="A", priority="normal", issued_at=now, queued_at=now)


def _issue_many(db_url: str, n: int, start: object) -> None:
    svc = hall_service(db_url)
    start.wait()  # type: ignore[attr-defined]
    for _ in range(n):
        svc.issue(IssueTicketArgs(queue="A"), KIOSK)
    svc.store.close()


@pytest.mark.peer  # two server processes
def test_two_server_processes_on_one_database_never_repeat_or_skip_a_number(db_url: str) -> None:
    hall_service(db_url).store.close()  # migrate once
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Event()
    procs = [ctx.Process(target=_issue_many, args=(db_url, 150, start)) for _ in range(2)]
    for p in procs:
        p.start()
    start.set()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    svc = hall_service(db_url)
    events = outbox_events(svc.store)
    issued = [e for e in events if e["type"] == "ticket_issued"]
    assert len(issued) == 300
    assert sorted(e["data"]["number"] for e in issued) == [f"A{i:03d}" for i in range(1, 301)]
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    svc.store.close()


def test_backlog_counts_what_the_stream_has_not_acknowledged(db_url: str) -> None:
    svc = hall_service(db_url)
    for _ in range(5):
        svc.issue(IssueTicketArgs(queue="B"), KIOSK)
    eng = svc.store.engine
    b = backlog(eng, "hall-1")
    total = b.last_seq
    assert b.waiting == total and b.sent_seq == 0 and b.oldest_at is not None
    assert [s for s, _, _ in pending(eng, "hall-1", 0, limit=3)] == [1, 2, 3]
    mark_sent(eng, "hall-1", total - 2)
    mark_sent(eng, "hall-1", 1)  # the mark never moves back
    b = backlog(eng, "hall-1")
    assert b.waiting == 2 and b.sent_seq == total - 2 and b.oldest_age_s() >= 0
    mark_sent(eng, "hall-1", total)
    assert backlog(eng, "hall-1").waiting == 0 and backlog(eng, "hall-1").oldest_at is None
    svc.store.close()
