"""Properties of the engine under any sequence of operations (hypothesis state machine)."""
from __future__ import annotations

from contextlib import suppress
from datetime import timedelta

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from queue_server.engine import FINAL_STATES, Priority, TicketState, errors
from tests.engine.test_engine import T0, make_hall

WINDOWS = [1, 2, 7, 9, 12]
BOUND = 2


class HallMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.h = make_hall(max_priority_streak=BOUND, max_recalls=1)
        self.minute = 0.0
        self.issued: list[str] = []  # ticket ids issued (hop 0)
        self.calls_by_queue: dict[str, list[tuple[bool, bool]]] = {}
        for n in WINDOWS:
            self.h.open_window(self.now(), n)

    def now(self):  # type: ignore[no-untyped-def]
        return T0 + timedelta(minutes=self.minute)

    @rule(dt=st.floats(0, 10))
    def time_passes(self, dt: float) -> None:
        self.minute += dt

    @rule(queue=st.sampled_from("ABC"), priority=st.sampled_from(list(Priority)),
          rid=st.one_of(st.none(), st.sampled_from(["r1", "r2", "r3"])))
    def issue(self, queue: str, priority: Priority, rid: str | None) -> None:
        t, change = self.h.issue(self.now(), queue=queue, priority=priority, request_id=rid)
        if change is not None:
            self.issued.append(t.id)

    @rule(n=st.sampled_from(WINDOWS))
    def call_next(self, n: int) -> None:
        lines = [self.h.lines[q] for q in self.h.windows[n].queues]
        normal_waiting = {line.spec.code: any(not t.is_priority for t in line) for line in lines}
        change = self.h.call_next(self.now(), n)
        if change.call is not None:
            t = self.h.windows[n].current
            assert t is not None
            self.calls_by_queue.setdefault(t.queue, []).append((t.is_priority, normal_waiting[t.queue]))

    @rule(n=st.sampled_from(WINDOWS), op=st.sampled_from(["recall", "no_show", "start", "finish"]))
    def act(self, n: int, op: str) -> None:
        with suppress(errors.NoCurrentTicket, errors.InvalidTransition):
            getattr(self.h, op)(self.now(), n)

    @rule(n=st.sampled_from(WINDOWS), to=st.sampled_from("ABC"))
    def transfer(self, n: int, to: str) -> None:
        with suppress(errors.NoCurrentTicket, errors.InvalidTransition):
            self.h.transfer(self.now(), n, to)

    @precondition(lambda self: bool(self.issued))
    @rule(data=st.data())
    def cancel(self, data: st.DataObject) -> None:
        t = self.h.tickets[data.draw(st.sampled_from(self.issued))]
        with suppress(errors.InvalidTransition):
            self.h.cancel(self.now(), t.number)

    @invariant()
    def numbers_are_unique_per_queue(self) -> None:
        seen = [(t.queue, t.number) for t in self.h.tickets.values() if t.hop == 0]
        assert len(seen) == len(set(seen))

    @invariant()
    def no_ticket_at_two_windows(self) -> None:
        current = [w.current.id for w in self.h.windows.values() if w.current is not None]
        assert len(current) == len(set(current))
        for w in self.h.windows.values():
            if w.current is not None:
                assert w.current.state in (TicketState.CALLED, TicketState.SERVING)
                assert w.current.window == w.number

    @invariant()
    def waiting_lines_hold_exactly_the_waiting_tickets(self) -> None:
        in_lines = {t.id for line in self.h.lines.values() for t in line}
        waiting = {t.id for t in self.h.tickets.values() if t.state is TicketState.WAITING}
        assert in_lines == waiting

    @invariant()
    def priority_bound_holds(self) -> None:
        for calls in self.calls_by_queue.values():
            streak = 0
            for is_priority, normal_waiting in calls:
                streak = streak + 1 if is_priority and normal_waiting else 0
                assert streak <= BOUND

    def teardown(self) -> None:
        """At day end every issued ticket has exactly one outcome: its chain of transfers ends
        in one final state other than ``transferred``, and every earlier link is ``transferred``."""
        tickets = list(self.h.tickets.values())
        self.h.rollover(T0 + timedelta(days=1))
        by_origin = {t.origin_id: t for t in tickets if t.origin_id}
        for tid in self.issued:
            t = self.h.tickets.get(tid) or next(x for x in tickets if x.id == tid)
            while t.id in by_origin:
                assert t.state is TicketState.TRANSFERRED
                t = by_origin[t.id]
            assert t.state in FINAL_STATES and t.state is not TicketState.TRANSFERRED


TestHall = HallMachine.TestCase
TestHall.settings = settings(max_examples=60, stateful_step_count=40, deadline=None)
