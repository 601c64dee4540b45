"""One business day through the real engine, on a simulated clock.

A discrete-event loop (a heap of arrivals, window events and advisor ticks) drives a
:class:`~queue_server.engine.Hall` built by :func:`~queue_server.hall_factory.build_hall`; the
engine gets each event's time as ``now``, nothing sleeps and nothing reads the wall clock.

* An open, idle window calls ``hall.call_next``. A visitor who is there is started at once and
  finished after the drawn service time. A no-show is recalled ``policy.max_recalls`` times,
  each call and recall costing ``RECALL_S`` of window time, then marked ``no_show``.
* Lunch (between sessions) and after closing: no arrivals, but the windows keep calling until
  their queues are empty; after closing for at most ``overtime_s`` (default 2 h, to 19:00).
  Tickets still waiting then expire through the engine's day rollover, so every ticket ends
  ``done``, ``no_show`` or ``expired`` (only an overloaded day has expired tickets).
* Scenarios, on the same visitors:

  - ``static``: every window open all day; elastic windows serve the queues configured for
    them (A in the sample hall, the busiest).
  - ``advisor``: dedicated windows open all day; elastic windows start closed and are opened
    and closed by an :class:`~queue_server.engine.ElasticAdvisor` every ``advisor_interval_s``
    (from before opening time, so that a window can be staffed for the first rush), its advice
    accepted at once. An open names one of the floating back-office staff (one per elastic
    window), who needs the advisor's ``walk_time_s`` to reach the window: only then does it
    open and call. A closed window's person is free again. With ``history`` (past days'
    arrivals, see :mod:`.history`) the advisor forecasts; without it, it reacts.
  - ``elastic-all``: every window open all day, elastic windows serving every queue.
  - ``pooled``: every window elastic and serving every queue, open all day: the practical
    bound for any routing with the same windows.

*Window-hours* count each window's open time within the sessions plus its busy time outside
them (serving through lunch or after closing). *Changes* are the advice applied: opens and
closes of elastic windows.
"""
from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from queue_server.engine import (
    ArrivalHistory,
    ElasticAdvisor,
    Hall,
    Person,
    Recommendation,
    Role,
    Ticket,
    WindowKind,
    WindowSpec,
    WindowStatus,
)
from queue_server.hall_factory import advisor_policy, build_hall, item_specs, policy, queue_specs
from queue_server.settings import Settings
from queue_server.simulate.arrivals import Arrival

RECALL_S = 30.0
OVERTIME_S = 2 * 3600.0
SIM_DAY = date(2025, 3, 3)  # a Monday; the date only names the tickets

ARRIVE, WINDOW, TICK, STAFFED = 0, 1, 2, 3
#: the floating back-office staff of the simulated hall, one per elastic window
FLOATING_NAMES = ("王敏", "李娜", "张伟", "刘洋", "陈静", "杨帆")


class Scenario(StrEnum):
    STATIC = "static"
    ADVISOR = "advisor"
    ELASTIC_ALL = "elastic-all"
    POOLED = "pooled"


@dataclass
class DayResult:
    scenario: Scenario
    tickets: list[Ticket]
    issued: int
    window_hours: float
    busy_s: dict[str, float]
    last_event_s: float
    opens: int = 0
    closes: int = 0
    sessions: list[tuple[float, float]] = field(default_factory=list)
    #: (seconds after midnight, action, window, queue, person) of each change applied
    changes: list[tuple[float, str, int, str, str]] = field(default_factory=list)

    @property
    def changes_per_day(self) -> int:
        return self.opens + self.closes


def _secs(t: time) -> float:
    return t.hour * 3600.0 + t.minute * 60.0 + t.second


def _overlap(a: float, b: float, spans: list[tuple[float, float]]) -> float:
    return sum(max(0.0, min(b, e) - max(a, s)) for s, e in spans)


def pooled_hall(s: Settings, day: date = SIM_DAY) -> Hall:
    """The sample hall with every window elastic and serving every queue."""
    codes = tuple(q.code for q in s.queues)
    windows = [WindowSpec(w.number, w.display_name(), WindowKind.ELASTIC, codes) for w in s.windows]
    return Hall(queue_specs(s), windows, item_specs(s), policy(s), s.hall.tz(), day)


def floating_staff(s: Settings) -> list[Person]:
    n = sum(w.kind is WindowKind.ELASTIC for w in s.windows)
    return [Person(f"float{i + 1}", FLOATING_NAMES[i % len(FLOATING_NAMES)], Role.FLOATING) for i in range(n)]


class Day:
    """The event loop for one scenario."""

    def __init__(self, s: Settings, arrivals: list[Arrival], scenario: Scenario,
                 advisor_interval_s: float = 60.0, overtime_s: float = OVERTIME_S,
                 history: ArrivalHistory | None = None, day: date = SIM_DAY) -> None:
        self.scenario = scenario
        self.arrivals = arrivals
        self.interval = advisor_interval_s
        self.hall = pooled_hall(s, day) if scenario is Scenario.POOLED else build_hall(s, day)
        self.history = history
        self.advisor = ElasticAdvisor(advisor_policy(s))
        self.staff = floating_staff(s)
        self.busy_staff: dict[int, Person] = {}
        self.walking: dict[int, tuple[str, ...]] = {}
        self.midnight = datetime.combine(day, datetime.min.time(), tzinfo=s.hall.tz())
        self.sessions = [(_secs(a), _secs(b)) for a, b in s.hours.sessions]
        self.cutoff = self.sessions[-1][1] + overtime_s
        self.events: list[tuple[float, int, int, int]] = []
        self.seq = 0
        self.visit: dict[str, Arrival] = {}
        self.recalls: dict[int, int] = {}
        self.opened_at: dict[int, float] = {}
        self.open_s = 0.0
        self.outside_busy_s = 0.0
        self.busy_s = {q: 0.0 for q in self.hall.queues}
        self.pending = len(arrivals)
        self.opens = self.closes = 0
        self.changes: list[tuple[float, str, int, str, str]] = []

    def at(self, t: float) -> datetime:
        return self.midnight + timedelta(seconds=t)

    def push(self, t: float, kind: int, ref: int) -> None:
        self.seq += 1
        heapq.heappush(self.events, (t, kind, self.seq, ref))

    def run(self) -> DayResult:
        start = first = self.sessions[0][0]
        if self.scenario is Scenario.ADVISOR:  # the manager looks ahead before opening time
            p = self.advisor.policy
            first = start - p.walk_time_s - p.open_lead_s
            self.push(first, TICK, 0)
        for w in self.hall.windows.values():
            if self.scenario is not Scenario.ADVISOR or w.spec.kind is not WindowKind.ELASTIC:
                self._open(first, w.number, None)
        for i, a in enumerate(self.arrivals):
            self.push(a.at_s, ARRIVE, i)
        now = first
        while self.events:
            now, kind, _, ref = heapq.heappop(self.events)
            if kind == ARRIVE:
                self._arrive(now, self.arrivals[ref])
            elif kind == WINDOW:
                self._window_event(now, ref)
            elif kind == STAFFED:
                self._open(now, ref, None, self.walking.pop(ref))
            elif not self._idle() and now < self.cutoff:
                self._advise(now)
                self.push(now + self.interval, TICK, 0)
            self._dispatch(now)
        end = max(now, self.sessions[-1][1])
        for n in list(self.opened_at):
            self._close(end, n)
        tickets = list(self.hall.tickets.values())  # the rollover starts an empty day
        self.hall.rollover(self.at(24 * 3600.0))  # whoever still waits expires with the day
        return DayResult(self.scenario, tickets, len(self.arrivals),
                         (self.open_s + self.outside_busy_s) / 3600, self.busy_s, now,
                         self.opens, self.closes, self.sessions, self.changes)

    def _idle(self) -> bool:
        return self.pending == 0 and all(not len(line) for line in self.hall.lines.values()) and all(
            w.current is None for w in self.hall.windows.values())

    # -- windows -----------------------------------------------------------------------------

    def _open(self, now: float, n: int, queue: str | None, queues: tuple[str, ...] = ()) -> None:
        chosen: list[str] | None = list(queues) or None
        if queue is not None:
            chosen = [queue]
        elif self.scenario in (Scenario.POOLED, Scenario.ELASTIC_ALL) and not chosen and (
                self.hall.windows[n].spec.kind is WindowKind.ELASTIC):
            chosen = list(self.hall.queues)
        self.hall.open_window(self.at(now), n, queues=chosen)
        self.opened_at[n] = now

    def _close(self, now: float, n: int) -> None:
        if self.hall.windows[n].current is None and self.hall.windows[n].status is not WindowStatus.CLOSED:
            self.hall.close_window(self.at(now), n)
        self.open_s += _overlap(self.opened_at.pop(n), now, self.sessions)
        self.busy_staff.pop(n, None)

    def _busy(self, queue: str, a: float, b: float) -> None:
        self.busy_s[queue] += b - a
        self.outside_busy_s += (b - a) - _overlap(a, b, self.sessions)

    def _dispatch(self, now: float) -> None:
        if now >= self.cutoff:
            return
        for w in self.hall.windows.values():
            if w.status is not WindowStatus.OPEN or w.current is not None:
                continue
            if not any(len(self.hall.lines[q]) for q in w.queues):
                continue
            change = self.hall.call_next(self.at(now), w.number)
            t = w.current
            if change.call is None or t is None:
                continue
            visit = self.visit[t.id]
            if visit.no_show:
                self.recalls[w.number] = 0
                self._busy(t.queue, now, now + RECALL_S)
                self.push(now + RECALL_S, WINDOW, w.number)
            else:
                self.hall.start(self.at(now), w.number)
                self._busy(t.queue, now, now + visit.service_s)
                self.push(now + visit.service_s, WINDOW, w.number)

    def _window_event(self, now: float, n: int) -> None:
        t = self.hall.windows[n].current
        assert t is not None
        if n not in self.recalls:
            self.hall.finish(self.at(now), n)
        elif self.recalls[n] < self.hall.policy.max_recalls:
            self.recalls[n] += 1
            self.hall.recall(self.at(now), n)
            self._busy(t.queue, now, now + RECALL_S)
            self.push(now + RECALL_S, WINDOW, n)
        else:
            del self.recalls[n]
            self.hall.no_show(self.at(now), n)

    def _arrive(self, now: float, a: Arrival) -> None:
        t, _ = self.hall.issue(self.at(now), item=a.item, priority=a.priority, source="simulate")
        self.visit[t.id] = a
        self.pending -= 1

    def _available(self) -> list[Person]:
        gone = {p.id for p in self.busy_staff.values()}
        return [p for p in self.staff if p.id not in gone]

    def _advise(self, now: float) -> None:
        advice = self.advisor.advise(self.hall, self.at(now), history=self.history, staff=self._available())
        for rec in advice.recommendations:
            self._apply(now, rec)

    def _apply(self, now: float, rec: Recommendation) -> None:
        w = self.hall.windows[rec.window]
        if rec.action == "open" and w.status is WindowStatus.CLOSED and rec.window not in self.walking:
            self.advisor.accept(rec, self.at(now))
            walk = self.advisor.policy.walk_time_s
            if rec.person is not None:
                self.busy_staff[rec.window] = rec.person
                walk = rec.person.walk_or(walk)
            self.walking[rec.window] = rec.queues or (rec.queue,)
            self.push(now + walk, STAFFED, rec.window)
            self.opens += 1
            self.changes.append((now, "open", rec.window, rec.queue, rec.person.name if rec.person else ""))
        elif rec.action == "close" and w.status is WindowStatus.OPEN and w.current is None:
            self.advisor.accept(rec, self.at(now))
            self._close(now, rec.window)
            self.closes += 1
            self.changes.append((now, "close", rec.window, rec.queue, ""))


def run_day(s: Settings, arrivals: list[Arrival], scenario: Scenario, advisor_interval_s: float = 60.0,
            overtime_s: float = OVERTIME_S, history: ArrivalHistory | None = None,
            day: date = SIM_DAY) -> DayResult:
    return Day(s, arrivals, scenario, advisor_interval_s, overtime_s, history, day).run()
