"""Each queue's load as the advisor sees it: people, waits, service level, forecast, needs.

The service time the advisor plans with is the mean of all the queue's visits finished today
blended with the configured mean, which weighs as ``PRIOR_VISITS`` visits: the first services
of a day to finish are the short ones, and the queue table's mean of the last 20 swings with a
few long visits; planning on either would close windows in the middle of a rush.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from hall_contract.vocabulary import FINAL_STATES
from queue_server.engine._advice_text import QueueFacts
from queue_server.engine.erlang import erlang_mean_wait_s, windows_for_backlog, windows_needed
from queue_server.engine.forecast import QueueForecast, Span
from queue_server.engine.hall import Hall
from queue_server.engine.model import Ticket, TicketState, Window, WindowKind, WindowStatus
from queue_server.engine.prediction import predict_wait_s
from queue_server.engine.views import queue_servers

PRIOR_VISITS = 20


@dataclass(frozen=True)
class QueueLoad:
    queue: str
    name: str
    waiting: int
    longest_wait_s: float
    #: the recent mean service time (as the queue table shows it), and the one the advisor plans with
    service_s: float
    plan_service_s: float
    target_wait_s: float
    #: open windows serving the queue (an elastic window serving k queues counts 1/k), the idle
    #: ones, and how many windows serve it at all
    open_windows: float
    idle_windows: float
    windows: int
    #: open windows of the queue's own kind (accept, query, bulk); configured ones while the hall is closed
    dedicated: int
    #: a newcomer's predicted wait as the queue table shows it
    predicted_wait_s: float
    #: share of today's tickets called within the target (people waiting beyond it count as missed)
    service_level: float
    forecast: QueueForecast
    #: the busiest expected arrival rate in the opening horizon, per second
    peak_open_per_s: float
    #: windows the arrivals need (Erlang C) in the opening and the keeping horizon
    flow_open: int
    flow_keep: int
    #: extra windows the people now waiting need, at the opening and at the keeping margin
    backlog_open: int
    backlog_keep: int

    @property
    def arrivals_per_h(self) -> float:
        return self.forecast.recent_per_h

    @property
    def needed(self) -> int:
        return max(self.flow_open, math.ceil(self.open_windows) + self.backlog_open)

    @property
    def pressure(self) -> float:
        """Predicted or longest wait over target, whichever is worse (> 1: beyond target)."""
        return max(self.predicted_wait_s, self.longest_wait_s) / max(1.0, self.target_wait_s)

    @property
    def over_target(self) -> bool:
        return self.predicted_wait_s > self.target_wait_s or self.longest_wait_s > self.target_wait_s

    def claim_open(self) -> int:
        """Elastic windows this queue asks for by the opening rule."""
        return max(self.flow_open - self.dedicated, self.backlog_open, 0)

    def claim_keep(self) -> int:
        return max(self.flow_keep - self.dedicated, self.backlog_keep, 0)

    def by_forecast(self) -> bool:
        """Is the need for more windows the arrivals ahead rather than the people waiting?"""
        return self.flow_open - self.dedicated > self.backlog_open

    def wait_with_s(self, extra: float) -> float:
        """Predicted wait with ``extra`` more windows (negative: fewer) serving the queue."""
        return predict_wait_s(self.waiting, self.service_s, self.open_windows + extra) if (
            self.open_windows + extra > 1e-9 or not self.waiting) else math.inf

    def peak_wait_s(self, windows: int) -> float:
        """Mean wait at the busiest expected rate ahead with ``windows`` windows (Erlang C)."""
        return erlang_mean_wait_s(windows, self.peak_open_per_s, self.plan_service_s)

    def facts(self) -> QueueFacts:
        f = self.forecast
        return QueueFacts(self.queue, self.name, self.waiting, self.longest_wait_s, self.target_wait_s,
                          self.service_s, f.recent_per_h, f.recent_span_s, f.next_hour, f.history_days > 0,
                          self.predicted_wait_s)


class VisitTally:
    """Per queue: today's service level (see :class:`QueueLoad`) and the visits finished with
    their total call-to-finish seconds. A ticket in a final state never changes again, so it is
    counted once and kept; the others are counted afresh at each reading."""

    def __init__(self) -> None:
        self._hall: Hall | None = None
        self._day: date | None = None
        self._seen = 0
        self._open: list[Ticket] = []
        self._sums: dict[str, list[float]] = {}  # queue: [within, counted, finished, seconds]

    def read(self, hall: Hall, now: datetime) -> tuple[dict[str, float], dict[str, tuple[int, float]]]:
        if self._hall is not hall or self._day != hall.day:  # a new day, or the hall reloaded
            self._hall, self._day, self._seen, self._open, self._sums = hall, hall.day, 0, [], {}
        tickets = list(hall.tickets.values())
        self._open += tickets[self._seen:]
        self._seen = len(tickets)
        sums = {q: list(self._sums.get(q, [0.0, 0.0, 0.0, 0.0])) for q in hall.queues}
        for code, line in hall.lines.items():  # waiting beyond target: missed so far
            sums[code][1] += line.queued_before(now - timedelta(seconds=hall.queues[code].target_wait_s))
        still: list[Ticket] = []
        for t in self._open:
            if t.queue not in sums:
                continue
            final = t.state in FINAL_STATES
            if not final:
                still.append(t)
                if t.state is TicketState.WAITING:
                    continue
            add = _contribution(t, hall.queues[t.queue].target_wait_s)
            for target in ([sums[t.queue], self._sums.setdefault(t.queue, [0.0, 0.0, 0.0, 0.0])] if final
                           else [sums[t.queue]]):
                for i, v in enumerate(add):
                    target[i] += v
        self._open = still
        levels = {q: v[0] / v[1] if v[1] else 1.0 for q, v in sums.items()}
        return levels, {q: (int(v[2]), v[3]) for q, v in sums.items()}


def _contribution(t: Ticket, target: float) -> tuple[float, float, float, float]:
    """(within target, counted, finished, seconds at the window) for one ticket."""
    if t.called_at is not None:
        finished = t.state is TicketState.DONE and t.ended_at is not None
        secs = (t.ended_at - t.called_at).total_seconds() if finished and t.ended_at else 0.0
        return float(t.waited_s(t.called_at) <= target), 1.0, float(finished), secs
    return 0.0, 0.0, 0.0, 0.0  # never called (a waiting ticket is counted from its line)


def service_levels(hall: Hall, now: datetime) -> dict[str, float]:
    """Per queue: tickets called within target ÷ (tickets called + those waiting beyond target)."""
    return VisitTally().read(hall, now)[0]


def _serving(hall: Hall, code: str, open_now: bool) -> tuple[float, float, int, int]:
    """Windows serving ``code`` (elastic ones in part), the idle ones, how many, and its own
    windows: those open, or while the hall is closed (before opening, at lunch) those configured."""
    servers = idle = 0.0
    count = dedicated = 0
    for w in hall.windows.values():
        if not open_now and w.spec.kind is not WindowKind.ELASTIC and code in w.queues:
            dedicated += 1
        if w.status is not WindowStatus.OPEN or code not in w.queues:
            continue
        share = 1.0 / len(w.queues)
        servers += share
        idle += share if w.current is None else 0.0
        count += 1
        dedicated += open_now and w.spec.kind is not WindowKind.ELASTIC
    return servers, idle, count, dedicated


def queue_loads(hall: Hall, now: datetime, forecasts: dict[str, QueueForecast], open_span: list[Span],
                keep_span: list[Span], open_share: float, keep_share: float, open_now: bool = True,
                tally: VisitTally | None = None) -> list[QueueLoad]:
    levels, done = (tally or VisitTally()).read(hall, now)
    out = []
    for code, spec in hall.queues.items():
        line = hall.lines[code]
        n, secs = done[code]
        shown = hall.service.mean_s(code)
        service = (secs + spec.prior_service_s * PRIOR_VISITS) / (n + PRIOR_VISITS)
        waiting, target = len(line), spec.target_wait_s
        servers, idle, count, dedicated = _serving(hall, code, open_now)
        oldest = line.oldest()
        fc = forecasts[code]
        peak = fc.peak_rate_per_s(open_span)
        out.append(QueueLoad(
            code, spec.name, waiting, oldest.waited_s(now) if oldest else 0.0, shown, service, target, servers, idle,
            count, dedicated, predict_wait_s(waiting, shown, queue_servers(hall, code)), levels[code],
            fc, peak, windows_needed(peak, service, open_share * target),
            windows_needed(fc.peak_rate_per_s(keep_span), service, keep_share * target),
            windows_for_backlog(waiting, idle, service, servers, open_share * target),
            windows_for_backlog(waiting, idle, service, servers, keep_share * target)))
    return out


def window_share(w: Window, code: str) -> float:
    return 1.0 / len(w.queues) if code in w.queues else 0.0


__all__ = ["QueueLoad", "VisitTally", "queue_loads", "service_levels", "window_share"]
