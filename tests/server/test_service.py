"""The hall service in this process, on a real SQLite file: its commands, reads, events and audit.

What the routes, the RPC server and the MQTT publisher rely on: a command answers what its caller
shows, listeners hear every change in commit order with the state right after it, the audit
names who did it, and retained MQTT state never goes back to an older state.
"""
from __future__ import annotations

import json
import threading
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from hall_contract.errors import HallError
from hall_contract.protocol import IssueTicketArgs, Topics
from queue_server.mqtt.publisher import StatePublisher
from queue_server.service import Actor, Event, HallService
from queue_server.settings import load_settings
from queue_server.store import Store
from tests.peers import ROOT

TZ = ZoneInfo("Asia/Shanghai")
WANG = Actor.staff("wang", "clerk", 1)
LI = Actor.staff("li", "clerk", 2)
BOSS = Actor.staff("boss", "manager")
KEYPAD = Actor.device("keypad-1", window=1)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def service(tmp_path: Path, clock: Clock, **env: str) -> HallService:
    url = f"sqlite:///{tmp_path}/hall.db"
    settings = load_settings(ROOT / "config" / "hall.toml", env={
        "HALL_ID": "t" + uuid.uuid4().hex[:8], "HALL_DATABASE_URL": url, "HALL_ADVISOR__INTERVAL_S": "3600", **env})
    store = Store(url)
    store.upgrade()
    return HallService(settings, store, clock=clock)


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 3, 2, 9, 0, tzinfo=TZ))


@pytest.fixture
def svc(tmp_path: Path, clock: Clock) -> HallService:
    return service(tmp_path, clock)


def issue(svc: HallService, queue: str = "A", **kw: Any) -> str:
    return svc.issue(IssueTicketArgs(queue=queue, **kw), Actor.anonymous()).ticket.number


def test_window_commands_answer_the_window_and_the_ticket(svc: HallService) -> None:
    opened = svc.open_window(1, WANG, clerk=WANG.clerk)
    assert (opened.window.status, opened.window.clerk, opened.ticket) == ("open", "wang", None)
    nobody = svc.call_next(1, WANG)
    assert nobody.ticket is None and nobody.window.current is None

    assert issue(svc, holder="张*") == "A001"
    called = svc.call_next(1, WANG)
    assert called.ticket is not None and (called.ticket.number, called.ticket.state) == ("A001", "called")
    assert called.ticket.holder == "张*" and called.window.current == "A001"
    again = svc.recall(1, WANG)
    assert again.ticket is not None and again.ticket.attempts == 2

    moved = svc.transfer(1, "B", WANG)
    assert moved.ticket is not None and (moved.ticket.number, moved.ticket.queue, moved.ticket.state) == (
        "A001", "B", "waiting")
    assert moved.window.current is None
    assert svc.window_view(1) == moved.window
    assert svc.ticket_public("A001") == moved.ticket


def test_a_recall_past_the_limit_answers_no_show(svc: HallService) -> None:
    svc.open_window(1, WANG)
    issue(svc)
    svc.call_next(1, WANG)
    actions = [svc.recall(1, WANG).action for _ in range(3)]
    assert actions == ["recall", "recall", "no_show"]
    assert svc.ticket_public("A001").state == "no_show"


def test_errors_carry_their_codes_and_change_nothing(svc: HallService) -> None:
    with pytest.raises(HallError) as err:
        svc.call_next(1, WANG)
    assert err.value.code == "window_not_open"
    with pytest.raises(HallError) as err:
        svc.window_view(99)
    assert err.value.code == "unknown_window"
    with pytest.raises(HallError) as err:
        svc.ticket_public("A999")
    assert err.value.code == "ticket_not_found"
    assert svc.window_view(1).status == "closed"


def test_the_audit_names_the_actor_with_role_and_window(svc: HallService, clock: Clock) -> None:
    svc.open_window(1, WANG, clerk=WANG.clerk)
    issue(svc)
    svc.call_next(1, KEYPAD)
    svc.set_notice("午间照常办理", BOSS)
    clock.now += timedelta(days=1)
    issue(svc)
    rows = [(r["actor"], r["action"], json.loads(r["detail"])) for r in reversed(svc.store.audit_rows(20))]
    by_action = {action: (actor, detail) for actor, action, detail in rows}
    assert by_action["open_window"][0] == "staff:wang"
    assert by_action["open_window"][1]["role"] == "clerk" and by_action["open_window"][1]["actor_window"] == 1
    assert by_action["issue"][0] == "anonymous:web"
    assert by_action["call_next"][0] == "device:keypad-1"
    assert by_action["set_notice"][0] == "staff:boss" and by_action["set_notice"][1]["role"] == "manager"
    assert by_action["expire_day"][0] == "system:day"


def test_a_keypad_call_keeps_the_window_clerk(svc: HallService) -> None:
    svc.open_window(1, WANG, clerk=WANG.clerk)
    issue(svc)
    assert svc.call_next(1, KEYPAD).window.clerk == "wang"


def test_listeners_hear_every_change_in_commit_order_with_the_state_after_it(svc: HallService) -> None:
    heard: list[Event] = []
    svc.listeners.append(heard.append)
    for n in range(1, 5):
        svc.open_window(n, Actor.staff(f"c{n}", "clerk", n))
    for _ in range(40):
        issue(svc)

    def clerk(n: int) -> None:
        actor = Actor.staff(f"c{n}", "clerk", n)
        for _ in range(10):
            out = svc.call_next(n, actor)
            if out.ticket is not None:
                svc.finish(n, actor)

    threads = [threading.Thread(target=clerk, args=(n,)) for n in range(1, 5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    versions = [ev.version for ev in heard]
    assert versions == sorted(versions) and len(set(versions)) == len(versions)
    calls = [ev.call_message for ev in heard if ev.call_message is not None]
    assert sorted(c.number for c in calls) == [f"A{i:03d}" for i in range(1, 41)]
    last: dict[int, Any] = {}
    for ev in heard:
        for w in ev.windows:
            last[w.number] = w
    for n in range(1, 5):
        assert last[n] == svc.window_view(n), f"window {n}: the last state heard is the state now"
    assert sum(svc.window_view(n).served_today for n in range(1, 5)) == 40


def test_event_tickets_are_copies(svc: HallService) -> None:
    heard: list[Event] = []
    svc.listeners.append(heard.append)
    issue(svc)
    heard[-1].tickets[0].queue = "B"
    assert svc.ticket_public("A001").queue == "A"
    assert svc.queue_states(["A"])[0].waiting == 1


def test_reads_answer_payloads(svc: HallService) -> None:
    svc.open_window(1, WANG, clerk=WANG.clerk)
    issue(svc, holder="李*")
    svc.call_next(1, WANG)
    snap = svc.snapshot()
    assert snap["calls"][0]["number"] == "A001" and "v" not in snap["calls"][0]
    assert {w["number"]: w["current"] for w in snap["windows"]}[1] == "A001"
    now = svc.window_now(1)
    assert now.ticket is not None and now.ticket.holder == "李*" and now.waited_s == 0
    assert svc.board().calls[0].number == "A001"
    assert svc.gauges().open_windows["accept"] == 1
    assert [t.number for t in svc.tickets_of(svc.now().date())] == ["A001"]
    assert svc.window_info(10).kind == "elastic"


class RecordingLink:
    """The broker side of the publisher: what it published, in order."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, Any], bool]] = []
        self._lock = threading.Lock()

    def publish(self, topic: str, payload: bytes, retain: bool = False, qos: int = 1) -> None:
        with self._lock:
            self.sent.append((topic, json.loads(payload), retain))

    def last(self, topic: str) -> dict[str, Any]:
        return [p for t, p, _ in self.sent if t == topic][-1]


def test_a_flush_never_overwrites_a_newer_retained_state(tmp_path: Path, clock: Clock) -> None:
    """A flush that read the hall before a newer commit was published does not publish its older view."""
    svc = service(tmp_path, clock, HALL_SERVER__PUBLISH_INTERVAL_S="0")
    link = RecordingLink()
    topics = Topics(svc.settings.hall.id)
    publisher = StatePublisher(svc, link, topics)  # type: ignore[arg-type]
    svc.listeners.append(publisher.on_event)
    issue(svc)
    assert link.last(topics.queue_state("A"))["waiting"] == 1

    read = svc.retained_state
    raced: list[bool] = []

    def read_then_commit(*args: Any, **kw: Any) -> Any:
        state = read(*args, **kw)
        if not raced:
            raced.append(True)
            issue(svc)  # another thread's commit lands (and is published) before this flush publishes
        return state

    svc.retained_state = read_then_commit  # type: ignore[method-assign]
    publisher.publish_all()
    assert link.last(topics.queue_state("A"))["waiting"] == 2
    assert link.last(topics.board)["queues"][0]["waiting"] == 2


def test_calls_and_window_states_go_out_in_commit_order(tmp_path: Path, clock: Clock) -> None:
    svc = service(tmp_path, clock, HALL_POLICY__CALL_GUARD_S="0")  # calls in quick succession on purpose
    link = RecordingLink()
    topics = Topics(svc.settings.hall.id)
    publisher = StatePublisher(svc, link, topics)  # type: ignore[arg-type]
    publisher.start()
    try:
        svc.open_window(1, WANG)
        for _ in range(5):
            issue(svc)
        for _ in range(5):
            svc.call_next(1, WANG)
    finally:
        publisher.stop()
    calls = [p["number"] for t, p, _ in link.sent if t == topics.calls]
    assert calls == ["A001", "A002", "A003", "A004", "A005"]
    currents = [p["current"] for t, p, _ in link.sent if t == topics.window_state(1)]
    assert currents == [None, "A001", "A002", "A003", "A004", "A005"]
