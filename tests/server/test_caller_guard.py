"""The caller forgives: a double press of 叫号 changes nothing, and a visit called but never
started is recorded as its own outcome (not served, no rating), on a real SQLite file."""
from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from hall_contract.protocol import IssueTicketArgs
from queue_server import stats
from queue_server.service import Actor, Event, HallService
from tests.server.test_service import TZ, Clock, service

WANG = Actor.staff("wang", "clerk", 1)
KEYPAD = Actor.device("keypad-1", window=1)


def _issue(svc: HallService, n: int) -> None:
    for _ in range(n):
        svc.issue(IssueTicketArgs(queue="A"), Actor.anonymous())


def _day(svc: HallService) -> dict[str, Any]:
    s = svc.settings
    return stats.daily(svc.store.load_tickets(svc.now().date()), svc.now().date(),
                       {q.code: q.target_wait_s for q in s.queues}, {q.code: q.name for q in s.queues})


def test_a_double_press_answers_the_current_call_and_calls_no_one_else(tmp_path: Path) -> None:
    clock = Clock(datetime(2026, 3, 2, 9, 0, tzinfo=TZ))
    svc = service(tmp_path, clock)
    events: list[Event] = []
    svc.listeners.append(events.append)
    _issue(svc, 3)
    svc.open_window(1, WANG, clerk="wang")
    first = svc.call_next(1, WANG)
    clock.now += timedelta(seconds=0.4)
    again = svc.call_next(1, WANG)
    assert again.action == "call_guarded" and again.ticket is not None
    assert (again.ticket.number, again.ticket.state) == ("A001", "called") and again.window.current == "A001"
    assert [e.call.number for e in events if e.call is not None] == ["A001"]
    assert first.ticket is not None and svc.ticket_public("A002").state == "waiting"
    figures = _day(svc)["totals"]
    assert (figures["served"], figures["not_started"]) == (0, 0)


def test_called_never_started_is_its_own_outcome_in_the_days_figures(tmp_path: Path) -> None:
    clock = Clock(datetime(2026, 3, 2, 9, 0, tzinfo=TZ))
    svc = service(tmp_path, clock)
    rated: list[str] = []
    svc.listeners.append(lambda ev: rated.extend(t.number for t in ev.tickets if t.state.value == "done"))
    _issue(svc, 3)
    svc.open_window(1, WANG, clerk="wang")
    svc.call_next(1, WANG)
    clock.now += timedelta(seconds=40)
    svc.call_next(1, WANG)  # A001 never came to the window: not served
    svc.start(1, WANG)
    clock.now += timedelta(minutes=5)
    svc.call_next(1, WANG)  # A002 was served
    assert svc.ticket_public("A001").state == "not_started"
    assert svc.ticket_public("A002").state == "done"
    day = _day(svc)
    assert day["totals"]["served"] == 1 and day["totals"]["not_started"] == 1 and day["reconciles"]
    assert "not_started" in stats.daily_csv(day).splitlines()[0]
    assert rated == ["A002"]
    assert next(w for w in svc.window_states() if w.number == 1).served_today == 1


def test_the_keypad_has_no_start_key_so_its_next_call_serves_the_visit(tmp_path: Path) -> None:
    clock = Clock(datetime(2026, 3, 2, 9, 0, tzinfo=TZ))
    svc = service(tmp_path, clock)
    _issue(svc, 2)
    svc.open_window(1, WANG, clerk="wang")
    svc.call_next(1, KEYPAD)
    clock.now += timedelta(seconds=1)
    assert svc.call_next(1, KEYPAD).action == "call_guarded"
    clock.now += timedelta(minutes=4)
    svc.call_next(1, KEYPAD)
    assert svc.ticket_public("A001").state == "done"
