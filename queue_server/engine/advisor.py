"""The elastic-window advisor: when to open or close an elastic (弹性) window, and why.

For each queue it takes the arrival rate λ over the last ``arrival_window_s`` and the mean
service time s (both moving, from :mod:`prediction`), and finds the windows needed:

* ``erlang``: the smallest c for which the M/M/c mean wait (Erlang C) is within the queue's
  target, i.e. enough windows for the people *arriving*;
* ``backlog``: ``ceil(waiting × s / target)``, enough windows so that the people *already
  waiting* are served within the target.

``needed = max(erlang, backlog)``. When more windows are needed than are open for the queue
(an elastic window shared by k queues counting 1/k), it recommends opening the lowest-numbered
closed elastic window for that queue. When an elastic window serving only that queue could
close and the rest would still be enough with the predicted wait under half the target, it
recommends closing it (the gap between the two thresholds keeps the advice from flapping).
Queues are taken most-overdue first, so the first free window goes where it helps most. The
advisor only recommends; the server applies advice by itself only when configured to.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

from queue_server.engine.hall import Hall
from queue_server.engine.model import WindowKind, WindowStatus
from queue_server.engine.prediction import servers_for
from queue_server.engine.views import queue_servers

MAX_WINDOWS = 60


def erlang_c(c: int, a: float) -> float:
    """Probability that an arrival waits in M/M/c with offered load ``a`` = λ/μ."""
    if c <= 0 or a >= c:
        return 1.0
    if a <= 0:
        return 0.0
    b = 1.0  # Erlang B by the stable recursion
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    return c * b / (c - a * (1.0 - b))


def erlang_mean_wait_s(c: int, arrival_per_s: float, service_s: float) -> float:
    """Mean wait in queue for M/M/c (infinite when the windows cannot keep up)."""
    if arrival_per_s <= 0:
        return 0.0
    a = arrival_per_s * service_s
    if c <= a:
        return math.inf
    return erlang_c(c, a) * service_s / (c - a)


def windows_needed(arrival_per_s: float, service_s: float, target_s: float) -> int:
    if arrival_per_s <= 0:
        return 0
    for c in range(1, MAX_WINDOWS + 1):
        if erlang_mean_wait_s(c, arrival_per_s, service_s) <= target_s:
            return c
    return MAX_WINDOWS


@dataclass(frozen=True)
class QueueLoad:
    queue: str
    waiting: int
    arrivals_per_h: float
    service_s: float
    target_wait_s: float
    open_windows: float
    predicted_wait_s: float
    needed_erlang: int
    needed_backlog: int

    @property
    def needed(self) -> int:
        return max(self.needed_erlang, self.needed_backlog)


@dataclass(frozen=True)
class Recommendation:
    action: str  # "open" | "close"
    window: int
    window_name: str
    queue: str
    reason: str
    reason_en: str

    @property
    def id(self) -> str:
        return f"{self.action}-{self.window}-{self.queue}"


@dataclass(frozen=True)
class Advice:
    at: datetime
    recommendations: tuple[Recommendation, ...] = ()
    loads: tuple[QueueLoad, ...] = field(default_factory=tuple)

    def key(self) -> tuple[str, ...]:
        return tuple(r.id for r in self.recommendations)


def queue_load(hall: Hall, code: str, now: datetime) -> QueueLoad:
    spec = hall.queues[code]
    waiting = len(hall.lines[code])
    service = hall.service.mean_s(code)
    lam = hall.arrivals.rate_per_s(code, now, since=hall.first_issue)
    open_now = servers_for(code, hall.windows.values())
    predicted = waiting * service / open_now if open_now > 0 else (math.inf if waiting else 0.0)
    target = max(1.0, spec.target_wait_s)
    return QueueLoad(code, waiting, lam * 3600, service, spec.target_wait_s, open_now, predicted,
                     windows_needed(lam, service, target), math.ceil(waiting * service / target))


def _minutes(s: float) -> str:
    return "∞" if math.isinf(s) else str(round(s / 60))


def advise(hall: Hall, now: datetime) -> Advice:
    loads = [queue_load(hall, code, now) for code in hall.queues]
    loads.sort(key=lambda q: q.predicted_wait_s / max(1.0, q.target_wait_s), reverse=True)
    free = sorted(w.number for w in hall.windows.values()
                  if w.spec.kind is WindowKind.ELASTIC and w.status is WindowStatus.CLOSED)
    recs: list[Recommendation] = []
    for q in loads:
        name = hall.queues[q.queue].name
        if q.needed > q.open_windows + 1e-6 and free and (q.waiting or q.arrivals_per_h):
            n = free.pop(0)
            w = hall.windows[n]
            why_zh, why_en = _open_reason(q)
            recs.append(Recommendation(
                "open", n, w.spec.name, q.queue,
                f"{q.queue}{name}：{why_zh}；建议开放{w.spec.name}办理{q.queue}",
                f"{q.queue}: {why_en}; open window {n} for {q.queue}"))
            continue
        for w in sorted(hall.windows.values(), key=lambda w: -w.number):
            if (w.spec.kind is not WindowKind.ELASTIC or w.status is not WindowStatus.OPEN
                    or w.queues != (q.queue,) or w.current is not None):
                continue
            rest = q.open_windows - 1.0
            after = q.waiting * q.service_s / rest if rest > 0 else math.inf
            if rest >= max(1, q.needed) and after <= 0.5 * q.target_wait_s:
                recs.append(Recommendation(
                    "close", w.number, w.spec.name, q.queue,
                    f"{q.queue}{name}：{q.waiting}人等候，关闭后预计等候{_minutes(after)}分钟，"
                    f"低于目标{_minutes(q.target_wait_s)}分钟；建议关闭{w.spec.name}",
                    f"{q.queue}: {q.waiting} waiting, predicted {_minutes(after)} min without it, "
                    f"target {_minutes(q.target_wait_s)} min; close window {w.number}"))
                break
    return Advice(now, tuple(recs), tuple(loads))


def _open_reason(q: QueueLoad) -> tuple[str, str]:
    if q.predicted_wait_s > q.target_wait_s or q.needed_backlog >= q.needed_erlang:
        return (f"{q.waiting}人等候，预计等候{_minutes(q.predicted_wait_s)}分钟，超过目标"
                f"{_minutes(q.target_wait_s)}分钟",
                f"{q.waiting} waiting, predicted {_minutes(q.predicted_wait_s)} min > target "
                f"{_minutes(q.target_wait_s)} min")
    return (f"每小时约{round(q.arrivals_per_h)}人到达，每人约{_minutes(q.service_s)}分钟，需要"
            f"{q.needed_erlang}个窗口才能在{_minutes(q.target_wait_s)}分钟内叫到，现开{q.open_windows:g}个",
            f"{round(q.arrivals_per_h)} arrivals/h at {_minutes(q.service_s)} min each need "
            f"{q.needed_erlang} windows for a {_minutes(q.target_wait_s)} min target, {q.open_windows:g} open")


__all__ = ["Advice", "QueueLoad", "Recommendation", "advise", "erlang_c", "erlang_mean_wait_s",
           "queue_servers", "windows_needed"]
