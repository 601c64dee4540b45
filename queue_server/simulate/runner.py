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
    (for the recommended queue) and closed by :func:`~queue_server.engine.advise` every
    ``advisor_interval_s``, applied at once (the advisor only proposes closing idle windows).
  - ``pooled``: every window elastic and serving every queue, open all day: the practical
    bound for any routing with the same windows.

*Window-hours* count each window's open time within the sessions plus its busy time outside
them (serving through lunch or after closing).
"""
from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from queue_server.engine import Hall, Ticket, WindowKind, WindowSpec, WindowStatus, advise
from queue_server.hall_factory import build_hall, item_specs, policy, queue_specs
from queue_server.settings import Settings
from queue_server.simulate.arrivals import Arrival

RECALL_S = 30.0
OVERTIME_S = 2 * 3600.0
SIM_DAY = date(2025, 3, 3)  # a Monday; the date only names the tickets

ARRIVE, WINDOW, TICK = 0, 1, 2


class Scenario(StrEnum):
    STATIC = "static"
    ADVISOR = "advisor"
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


def _secs(t: time) -> float:
    return t.hour * 3600.0 + t.minute * 60.0 + t.second


def _overlap(a: float, b: float, spans: list[tuple[float, float]]) -> float:
    return sum(max(0.0, min(b, e) - max(a, s)) for s, e in spans)


def pooled_hall(s: Settings) -> Hall:
    """The sample hall with every window elastic and serving every queue."""
    codes = tuple(q.code for q in s.queues)
    windows = [WindowSpec(w.number, w.display_name(), WindowKind.ELASTIC, codes) for w in s.windows]
    return Hall(queue_specs(s), windows, item_specs(s), policy(s), s.hall.tz(), SIM_DAY)


class Day:
    """The event loop for one scenario."""

    def __init__(self, s: Settings, arrivals: list[Arrival], scenario: Scenario,
                 advisor_interval_s: float = 60.0, overtime_s: float = OVERTIME_S) -> None:
        self.scenario = scenario
        self.arrivals = arrivals
        self.interval = advisor_interval_s
        self.hall = pooled_hall(s) if scenario is Scenario.POOLED else build_hall(s, SIM_DAY)
        self.midnight = datetime.combine(SIM_DAY, datetime.min.time(), tzinfo=s.hall.tz())
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

    def at(self, t: float) -> datetime:
        return self.midnight + timedelta(seconds=t)

    def push(self, t: float, kind: int, ref: int) -> None:
        self.seq += 1
        heapq.heappush(self.events, (t, kind, self.seq, ref))

    def run(self) -> DayResult:
        start = self.sessions[0][0]
        for w in self.hall.windows.values():
            if self.scenario is not Scenario.ADVISOR or w.spec.kind is not WindowKind.ELASTIC:
                self._open(start, w.number, None)
        for i, a in enumerate(self.arrivals):
            self.push(a.at_s, ARRIVE, i)
        if self.scenario is Scenario.ADVISOR:
            self.push(start, TICK, 0)
        now = start
        while self.events:
            now, kind, _, ref = heapq.heappop(self.events)
            if kind == ARRIVE:
                self._arrive(now, self.arrivals[ref])
            elif kind == WINDOW:
                self._window_event(now, ref)
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
                         self.opens, self.closes, self.sessions)

    def _idle(self) -> bool:
        return self.pending == 0 and all(not len(line) for line in self.hall.lines.values()) and all(
            w.current is None for w in self.hall.windows.values())

    # -- windows -----------------------------------------------------------------------------

    def _open(self, now: float, n: int, queue: str | None) -> None:
        queues = None
        if queue is not None:
            queues = [queue]
        elif self.scenario is Scenario.POOLED:
            queues = list(self.hall.queues)
        self.hall.open_window(self.at(now), n, queues=queues)
        self.opened_at[n] = now

    def _close(self, now: float, n: int) -> None:
        if self.hall.windows[n].current is None and self.hall.windows[n].status is not WindowStatus.CLOSED:
            self.hall.close_window(self.at(now), n)
        self.open_s += _overlap(self.opened_at.pop(n), now, self.sessions)

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

    def _advise(self, now: float) -> None:
        for rec in advise(self.hall, self.at(now)).recommendations:
            w = self.hall.windows[rec.window]
            if rec.action == "open" and w.status is WindowStatus.CLOSED:
                self._open(now, rec.window, rec.queue)
                self.opens += 1
            elif rec.action == "close" and w.status is WindowStatus.OPEN and w.current is None:
                self._close(now, rec.window)
                self.closes += 1


def run_day(s: Settings, arrivals: list[Arrival], scenario: Scenario,
            advisor_interval_s: float = 60.0, overtime_s: float = OVERTIME_S) -> DayResult:
    return Day(s, arrivals, scenario, advisor_interval_s, overtime_s).run()
