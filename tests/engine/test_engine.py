"""The queue engine's rules, one by one, on the sample hall's shape."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from queue_server.engine import (
    Hall,
    ItemSpec,
    Policy,
    Priority,
    QueueSpec,
    TicketState,
    WindowKind,
    WindowSpec,
    errors,
    queue_view,
    ticket_view,
)

TZ = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 11, 23)
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=TZ)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def make_hall(**policy: int) -> Hall:
    queues = [QueueSpec("A", "综合受理", 900, 600), QueueSpec("B", "查询出件", 300, 180),
              QueueSpec("C", "大宗业务", 1200, 1500)]
    windows = [WindowSpec(1, "1号窗口", WindowKind.ACCEPT), WindowSpec(2, "2号窗口", WindowKind.ACCEPT),
               WindowSpec(7, "7号窗口", WindowKind.QUERY), WindowSpec(9, "9号窗口", WindowKind.BULK),
               WindowSpec(12, "12号窗口", WindowKind.ELASTIC, ("A",))]
    items = [ItemSpec("SB-003", "城乡居民基本养老保险参保登记", "A", 480), ItemSpec("SB-001", "权益记录", "B", 180)]
    return Hall(queues, windows, items, Policy(**policy), TZ, DAY)


def issue(h: Hall, when: datetime, queue: str = "A", **kw: object) -> str:
    t, _ = h.issue(when, queue=queue, **kw)  # type: ignore[arg-type]
    return t.number


def test_numbers_run_per_queue_from_001() -> None:
    h = make_hall()
    assert [issue(h, at(0), q) for q in "AABAC"] == ["A001", "A002", "B001", "A003", "C001"]


def test_item_decides_the_queue_and_unknown_ones_are_refused() -> None:
    h = make_hall()
    t, _ = h.issue(at(0), item="SB-001")
    assert (t.number, t.item) == ("B001", "SB-001")
    with pytest.raises(errors.UnknownItem):
        h.issue(at(0), item="XX-999")
    with pytest.raises(errors.UnknownQueue):
        h.issue(at(0), queue="Z")
    with pytest.raises(errors.UnknownQueue):
        h.issue(at(0), queue="A", item="SB-001")


def test_same_request_id_gives_the_first_ticket_and_issues_nothing() -> None:
    h = make_hall()
    first, change = h.issue(at(0), queue="A", request_id="r-1")
    again, change2 = h.issue(at(1), queue="A", request_id="r-1")
    assert again is first and change2 is None and change is not None
    assert h.counters["A"] == 1


def test_holder_with_a_waiting_ticket_in_the_queue_is_told_so() -> None:
    h = make_hall()
    h.issue(at(0), queue="A", holder_ref="h1")
    with pytest.raises(errors.AlreadyWaiting) as e:
        h.issue(at(1), queue="A", holder_ref="h1")
    assert e.value.context["number"] == "A001"
    assert h.issue(at(1), queue="B", holder_ref="h1")[0].number == "B001"


def test_priority_first_but_at_most_two_in_a_row() -> None:
    h = make_hall(max_priority_streak=2)
    issue(h, at(0))  # A001 normal
    issue(h, at(1))  # A002 normal
    for i in range(3):
        issue(h, at(2 + i), priority=Priority.ELDERLY)  # A003..A005
    h.open_window(at(5), 1)
    called = []
    for i in range(5):
        c = h.call_next(at(6 + i), 1)
        assert c.call is not None
        called.append(c.call.number)
    assert called == ["A003", "A004", "A001", "A005", "A002"]


def test_priority_calls_without_normal_waiting_do_not_count_towards_the_bound() -> None:
    h = make_hall(max_priority_streak=1)
    h.open_window(at(0), 1)
    for i in range(3):
        issue(h, at(i), priority=Priority.DISABLED)
        assert h.call_next(at(i), 1).call is not None
    issue(h, at(4))
    issue(h, at(5), priority=Priority.ELDERLY)
    assert h.call_next(at(6), 1).call.number == "A005"  # type: ignore[union-attr]


def test_elastic_window_takes_the_queue_furthest_beyond_its_target() -> None:
    h = make_hall()
    issue(h, at(0), "A")      # A waits 12 min at t=12: 12/15 = 0.8
    issue(h, at(6), "B")      # B waits 6 min at t=12: 6/5 = 1.2
    h.open_window(at(0), 12, queues=["A", "B"])
    assert h.call_next(at(12), 12).call.number == "B001"  # type: ignore[union-attr]
    assert h.call_next(at(13), 12).call.number == "A001"  # type: ignore[union-attr]


def test_dedicated_window_serves_only_its_queue() -> None:
    h = make_hall()
    issue(h, at(0), "B")
    h.open_window(at(0), 1)
    assert h.call_next(at(1), 1).call is None
    with pytest.raises(errors.InvalidTransition):
        h.assign_queues(at(1), 1, ["B"])


def test_closed_or_paused_window_cannot_call() -> None:
    h = make_hall()
    issue(h, at(0))
    with pytest.raises(errors.WindowNotOpen):
        h.call_next(at(1), 1)
    h.open_window(at(1), 1)
    h.pause_window(at(2), 1)
    with pytest.raises(errors.WindowNotOpen):
        h.call_next(at(3), 1)


def test_recall_up_to_the_limit_then_no_show() -> None:
    h = make_hall(max_recalls=2)
    issue(h, at(0))
    h.open_window(at(0), 1)
    h.call_next(at(1), 1)
    assert h.recall(at(2), 1).call.attempt == 2  # type: ignore[union-attr]
    assert h.recall(at(3), 1).call.attempt == 3  # type: ignore[union-attr]
    change = h.recall(at(4), 1)
    assert change.call is None and change.tickets[0].state is TicketState.NO_SHOW
    assert h.windows[1].current is None


def test_start_finish_and_service_time_feed_the_prediction() -> None:
    h = make_hall()
    for _ in range(4):
        issue(h, at(0))
    h.open_window(at(0), 1)
    h.call_next(at(1), 1)
    h.start(at(2), 1)
    done = h.finish(at(11), 1).tickets[0]
    assert done.state is TicketState.DONE and h.service.mean_s("A") == 600.0
    v = queue_view(h, "A", at(11))
    assert v.waiting == 3 and v.predicted_wait_s == 3 * 600


def test_call_next_ends_a_started_visit_as_served() -> None:
    h = make_hall()
    issue(h, at(0))
    issue(h, at(0))
    h.open_window(at(0), 1)
    first = h.call_next(at(1), 1).tickets[0]
    h.start(at(2), 1)
    change = h.call_next(at(5), 1)
    assert first.state is TicketState.DONE and change.call.number == "A002"  # type: ignore[union-attr]
    assert h.windows[1].served_today == 1


def test_a_visit_called_but_never_started_ends_as_not_started_not_served() -> None:
    h = make_hall()
    issue(h, at(0))
    issue(h, at(0))
    h.open_window(at(0), 1)
    first = h.call_next(at(1), 1).tickets[0]
    change = h.call_next(at(5), 1)
    assert first.state is TicketState.NOT_STARTED and first.ended_at == at(5) and first.started_at is None
    assert change.call.number == "A002" and h.windows[1].served_today == 0  # type: ignore[union-attr]


def test_a_keypad_call_starts_the_visit_so_its_next_call_serves_it() -> None:
    h = make_hall()
    issue(h, at(0))
    issue(h, at(0))
    h.open_window(at(0), 1)
    first = h.call_next(at(1), 1, call_starts=True).tickets[0]
    h.call_next(at(5), 1, call_starts=True)
    assert first.state is TicketState.DONE and h.windows[1].served_today == 1


def test_a_second_press_within_the_guard_changes_nothing_and_answers_the_current_call() -> None:
    h = make_hall()
    for _ in range(3):
        issue(h, at(0))
    h.open_window(at(0), 1)
    first = h.call_next(at(1), 1).tickets[0]
    again = h.call_next(at(1) + timedelta(seconds=0.4), 1)
    assert again.action == "call_guarded" and again.call is None and again.tickets == [first]
    assert first.state is TicketState.CALLED and h.windows[1].current is first
    h.recall(at(1) + timedelta(seconds=30), 1)  # a recall is a call: the guard runs from it
    assert h.call_next(at(1) + timedelta(seconds=33), 1).action == "call_guarded"
    later = h.call_next(at(1) + timedelta(seconds=36), 1)
    assert later.call is not None and later.call.number == "A002" and first.state is TicketState.NOT_STARTED


def test_the_guard_does_not_hold_a_started_visit_and_can_be_turned_off() -> None:
    h = make_hall()
    for _ in range(3):
        issue(h, at(0))
    h.open_window(at(0), 1)
    h.call_next(at(1), 1)
    h.start(at(1) + timedelta(seconds=1), 1)
    assert h.call_next(at(1) + timedelta(seconds=2), 1).call.number == "A002"  # type: ignore[union-attr]
    off = make_hall(call_guard_s=0)
    issue(off, at(0))
    issue(off, at(0))
    off.open_window(at(0), 1)
    off.call_next(at(1), 1)
    assert off.call_next(at(1) + timedelta(seconds=0.1), 1).call.number == "A002"  # type: ignore[union-attr]


def test_transfer_keeps_the_number_and_its_place_by_first_issue_time() -> None:
    h = make_hall()
    issue(h, at(0), "A")          # A001 issued first
    issue(h, at(5), "B")          # B001 issued later
    h.open_window(at(0), 1)
    h.call_next(at(6), 1)
    change = h.transfer(at(8), 1, "B")
    old, new = change.tickets
    assert old.state is TicketState.TRANSFERRED and new.number == "A001" and new.queue == "B"
    assert [t.number for t in h.waiting_tickets("B")] == ["A001", "B001"]
    assert h.find("A001") is new
    with pytest.raises(errors.InvalidTransition):
        h.transfer_ticket(at(9), "A001", "B")


def test_a_refused_transfer_leaves_the_ticket_where_it_was() -> None:
    h = make_hall()
    issue(h, at(0), "A")
    with pytest.raises(errors.UnknownQueue):
        h.transfer_ticket(at(1), "A001", "Z")
    assert [t.number for t in h.waiting_tickets("A")] == ["A001"]
    assert h.find("A001").state is TicketState.WAITING
    h.open_window(at(1), 1)
    h.call_next(at(2), 1)
    with pytest.raises(errors.InvalidTransition):
        h.transfer(at(3), 1, "A")
    assert h.windows[1].current is h.find("A001")


def test_cancel_and_expire_at_day_end() -> None:
    h = make_hall()
    issue(h, at(0))
    issue(h, at(0))
    h.cancel(at(1), "A001")
    assert h.find("A001").state is TicketState.CANCELLED
    change = h.rollover(datetime(2026, 11, 24, 8, 0, tzinfo=TZ))
    assert change is not None and [t.state for t in change.tickets] == [TicketState.EXPIRED]
    assert issue(h, datetime(2026, 11, 24, 9, 0, tzinfo=TZ)) == "A001"


def test_ahead_counts_priority_tickets_within_the_bound() -> None:
    h = make_hall(max_priority_streak=2)
    n1, _ = h.issue(at(0), queue="A")
    n2, _ = h.issue(at(1), queue="A")
    for i in range(5):
        h.issue(at(2 + i), queue="A", priority=Priority.ELDERLY)
    assert ticket_view(h, n1).ahead == 2
    assert ticket_view(h, n2).ahead == 1 + 4


def test_closing_a_window_with_a_ticket_is_refused() -> None:
    h = make_hall()
    issue(h, at(0))
    h.open_window(at(0), 1)
    h.call_next(at(1), 1)
    with pytest.raises(errors.InvalidTransition):
        h.close_window(at(2), 1)
    h.finish(at(3), 1)
    assert h.close_window(at(4), 1).windows[0].status.value == "closed"


def test_stopped_issuing_refuses_tickets() -> None:
    h = make_hall()
    h.set_issuing(at(0), False)
    with pytest.raises(errors.IssuingStopped):
        issue(h, at(1))
    h.set_issuing(at(2), True)
    assert issue(h, at(3)) == "A001"
