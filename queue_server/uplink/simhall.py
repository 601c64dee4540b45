"""Simulated halls for the province demo and benchmarks: ``hallctl simulate``'s business day replayed
through the real engine, every change handed to a sink (the hall's store and outbox, or memory).

:class:`RecordingHall` wraps the engine's :class:`~queue_server.engine.Hall`: each operation runs
on the engine, and the :class:`~queue_server.engine.Change` it returns goes to the sink with its
time, as ``HallService.run`` would persist it. :class:`ReplayDay` is the simulator's day on a
chosen date, optionally paced to the wall clock. Visitors rate most finished visits; some
ratings are negative and some of those get their follow-up.
"""
from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from hall_contract.uplink import Envelope, make_event
from queue_server.engine import Change, Hall, Ticket, TicketState
from queue_server.hall_factory import build_hall
from queue_server.settings import Settings
from queue_server.simulate.arrivals import Arrival
from queue_server.simulate.runner import Day, Scenario
from queue_server.store.outbox import Event, change_events, follow_up_event, rating_event

Sink = Callable[[Change, datetime], None]
#: how visitors rate (level: share); 1 and 2 are complaints that need a follow-up
LEVELS = ((5, 0.70), (4, 0.20), (3, 0.06), (2, 0.03), (1, 0.01))
RATED_SHARE = 0.7
FOLLOWED_UP_SHARE = 0.5


class RecordingHall:
    """The engine's hall, each change handed to ``sink`` (and each operation paced, when asked)."""

    def __init__(self, hall: Hall, sink: Sink, pace: Callable[[datetime], None] | None = None) -> None:
        self._hall = hall
        self._sink = sink
        self._pace = pace

    def __getattr__(self, name: str) -> Any:
        return getattr(self._hall, name)

    def _done(self, now: datetime, change: Change | None) -> None:
        if change is not None and (change.tickets or change.windows or change.day):
            self._sink(change, now)

    def issue(self, now: datetime, **kw: Any) -> tuple[Ticket, Change | None]:
        if self._pace:
            self._pace(now)
        t, change = self._hall.issue(now, **kw)
        self._done(now, change)
        return t, change

    def rollover(self, now: datetime) -> Change | None:
        change = self._hall.rollover(now)
        self._done(now, change)
        return change

    def _op(self, name: str, now: datetime, *args: Any, **kw: Any) -> Change:
        if self._pace:
            self._pace(now)
        change: Change = getattr(self._hall, name)(now, *args, **kw)
        self._done(now, change)
        return change

    def call_next(self, now: datetime, n: int, clerk: str | None = None) -> Change:
        return self._op("call_next", now, n, clerk=clerk or f"clerk{n:02d}")

    def start(self, now: datetime, n: int) -> Change:
        return self._op("start", now, n)

    def finish(self, now: datetime, n: int) -> Change:
        return self._op("finish", now, n)

    def recall(self, now: datetime, n: int) -> Change:
        return self._op("recall", now, n)

    def no_show(self, now: datetime, n: int) -> Change:
        return self._op("no_show", now, n)

    def open_window(self, now: datetime, n: int, clerk: str | None = None, queues: Any = None) -> Change:
        return self._op("open_window", now, n, clerk=clerk or f"clerk{n:02d}", queues=queues)

    def close_window(self, now: datetime, n: int) -> Change:
        return self._op("close_window", now, n)


class ReplayDay(Day):
    """The simulator's static day (every window open) on ``day``, through a :class:`RecordingHall`."""

    def __init__(self, s: Settings, arrivals: list[Arrival], day: date, sink: Sink, speed: float = 0.0) -> None:
        super().__init__(s, arrivals, Scenario.STATIC)
        self.midnight = datetime.combine(day, datetime.min.time(), tzinfo=s.hall.tz())
        self._t0: tuple[float, datetime] | None = None
        self.speed = speed
        self.hall = RecordingHall(build_hall(s, day), sink, self._pace if speed > 0 else None)  # type: ignore[assignment]

    def _pace(self, now: datetime) -> None:
        """Sleep until ``now`` is due: the day runs ``speed`` times faster than the wall clock."""
        if self._t0 is None:
            self._t0 = (time.monotonic(), now)
        due = self._t0[0] + (now - self._t0[1]).total_seconds() / self.speed
        delay = due - time.monotonic()
        if delay > 0:
            time.sleep(delay)


def draw_level(rng: random.Random) -> int:
    u = rng.random()
    for level, share in LEVELS:
        if u < share:
            return level
        u -= share
    return 5


def served(change: Change) -> list[Ticket]:
    return [t for t in change.tickets if t.state is TicketState.DONE and t.window is not None]


@dataclass
class _Rated:
    """What :func:`rating_event` reads of a rating (the hall's :class:`RatingRecord` has the same names)."""

    id: int
    ticket_id: str
    day: date
    number: str
    queue: str
    item: str | None
    window: int
    clerk: str | None
    rating: int
    reason: str | None
    source: str
    follow_up: str | None
    follow_up_by: str | None = None


class MemoryOutbox:
    """A hall's events numbered in memory (the benchmarks' halls: no database on the hall side)."""

    def __init__(self, hall_id: str, s: Settings, seed: int = 1) -> None:
        self.hall_id = hall_id
        self.tz: tzinfo = s.hall.tz()
        self.targets = {q.code: float(q.target_wait_s) for q in s.queues}
        self.rng = random.Random(seed)
        self.events: list[Envelope] = []

    def _append(self, events: list[Event], at: datetime) -> None:
        for kind, day, data in events:
            self.events.append(make_event(self.hall_id, len(self.events) + 1, day, kind, at.astimezone(self.tz),
                                          data))

    def __call__(self, change: Change, at: datetime) -> None:
        self._append(change_events(change, self.targets, self.tz), at)
        for t in served(change):
            if self.rng.random() >= RATED_SHARE:
                continue
            level = draw_level(self.rng)
            rec = _Rated(len(self.events), t.id, t.day, t.number, t.queue, t.item, t.window or 0, t.clerk, level,
                         "long_wait" if level <= 2 else None, "simulate", "open" if level <= 2 else None)
            self._append([rating_event(rec)], at)
            if level <= 2 and self.rng.random() < FOLLOWED_UP_SHARE:
                rec.follow_up, rec.follow_up_by = "done", "manager"
                self._append([follow_up_event(rec)], at + timedelta(minutes=20))
