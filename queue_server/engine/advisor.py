"""The elastic-window advisor: when to open or close an elastic (弹性) window, and why.

For each queue it takes the arrival rate λ, the mean service time s (from :mod:`prediction`)
and the people waiting, and finds the windows needed to call a newcomer within the
*planning wait* ``PLAN_SHARE × target`` (a margin below the target, so that windows open
while a queue is still building rather than once it is already late):

* ``erlang``: the smallest c for which the M/M/c mean wait (Erlang C) is within the planning
  wait, i.e. enough windows for the people *arriving*. λ is the larger of the rate over the
  last ``arrival_window_s`` (policy) and over the last ``RECENT_RATE_S``, so a rising peak
  is seen within minutes;
* ``backlog``: ``ceil(waiting × s / planning wait)``, enough windows to call the people
  *already waiting* within it.

``needed = max(erlang, backlog)``. The advice, queues taken most-overdue first
(predicted wait / target), so the first free window goes where it helps most:

1. **Open**: when a queue needs more windows than are open for it (an elastic window
   shared by k queues counting 1/k), open the lowest-numbered closed elastic window for it.
2. **Close**: an idle elastic window serving only one queue closes when it has been open at
   least ``MIN_OPEN_S``, the queue's other windows are still ``needed`` and would call
   everyone waiting within ``CLOSE_SHARE × target``. The gap between the open and close
   thresholds and the minimum open time keep the advice from flapping.
3. **Move**: when a queue still needs a window and none is closed, an idle elastic window of
   a less pressed queue whose other windows would call its waiting people within
   ``CLOSE_SHARE × target`` is recommended to close, so that it can open for the short queue
   at the next advice.

A window is never named twice in one advice. The advisor only recommends; the server applies
advice by itself only when configured to.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from queue_server.engine.hall import Hall
from queue_server.engine.model import Window, WindowKind, WindowStatus
from queue_server.engine.prediction import MIN_RATE_SPAN_S, servers_for
from queue_server.engine.views import queue_servers

MAX_WINDOWS = 60
#: plan for a newcomer to be called within this share of the queue's target wait
PLAN_SHARE = 0.5
#: seconds of the most recent arrivals also used for the rate (whichever rate is higher wins)
RECENT_RATE_S = 600.0
#: an elastic window opened by advice stays open at least this long
MIN_OPEN_S = 600.0
#: close (or move) a window only if the rest call everyone waiting within this share of target
CLOSE_SHARE = 0.5


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
    """The fewest windows whose M/M/c mean wait is within ``target_s`` (0 with no arrivals)."""
    if arrival_per_s <= 0:
        return 0
    c = max(1, math.floor(arrival_per_s * service_s))
    while c < MAX_WINDOWS and erlang_mean_wait_s(c, arrival_per_s, service_s) > target_s:
        c += 1
    return c


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

    @property
    def pressure(self) -> float:
        """Predicted wait over target (≥ 1: a newcomer would wait beyond the target)."""
        return self.predicted_wait_s / max(1.0, self.target_wait_s)

    def wait_without_one_s(self) -> float:
        rest = self.open_windows - 1.0
        return self.waiting * self.service_s / rest if rest > 0 else (math.inf if self.waiting else 0.0)


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


def _recent_rate_per_s(hall: Hall, now: datetime) -> dict[str, float]:
    """First-issue arrivals per second and queue over the last ``RECENT_RATE_S``."""
    since = now - timedelta(seconds=RECENT_RATE_S)
    counts = dict.fromkeys(hall.queues, 0)
    for t in reversed(hall.tickets.values()):  # issue order; transfers (hop > 0) are skipped
        if t.hop:
            continue
        if t.issued_at < since:
            break
        if t.issued_at <= now and t.queue in counts:
            counts[t.queue] += 1
    span = RECENT_RATE_S
    if hall.first_issue is not None:
        span = min(span, max(MIN_RATE_SPAN_S, (now - hall.first_issue).total_seconds()))
    return {q: n / span for q, n in counts.items()}


def queue_load(hall: Hall, code: str, now: datetime, recent_per_s: float = 0.0) -> QueueLoad:
    spec = hall.queues[code]
    waiting = len(hall.lines[code])
    service = hall.service.mean_s(code)
    lam = max(hall.arrivals.rate_per_s(code, now, since=hall.first_issue), recent_per_s)
    open_now = servers_for(code, hall.windows.values())
    predicted = waiting * service / open_now if open_now > 0 else (math.inf if waiting else 0.0)
    plan = max(1.0, spec.target_wait_s * PLAN_SHARE)
    return QueueLoad(code, waiting, lam * 3600, service, spec.target_wait_s, open_now, predicted,
                     windows_needed(lam, service, plan), math.ceil(waiting * service / plan))


def _minutes(s: float) -> str:
    return "∞" if math.isinf(s) else str(round(s / 60))


def _can_give_up(w: Window, q: QueueLoad, now: datetime) -> bool:
    """An idle elastic window of ``q`` alone, open long enough, that ``q`` can do without."""
    return (w.spec.kind is WindowKind.ELASTIC and w.status is WindowStatus.OPEN and w.queues == (q.queue,)
            and w.current is None and (w.since is None or (now - w.since).total_seconds() >= MIN_OPEN_S)
            and q.wait_without_one_s() <= CLOSE_SHARE * q.target_wait_s)


def advise(hall: Hall, now: datetime) -> Advice:
    recent = _recent_rate_per_s(hall, now)
    loads = [queue_load(hall, code, now, recent[code]) for code in hall.queues]
    loads.sort(key=lambda q: q.pressure, reverse=True)
    free = sorted(w.number for w in hall.windows.values()
                  if w.spec.kind is WindowKind.ELASTIC and w.status is WindowStatus.CLOSED)
    elastic = sorted((w for w in hall.windows.values() if w.spec.kind is WindowKind.ELASTIC),
                     key=lambda w: -w.number)
    recs: list[Recommendation] = []
    short: list[QueueLoad] = []
    for q in loads:
        if q.needed > q.open_windows + 1e-6 and (q.waiting or q.arrivals_per_h):
            if free:
                recs.append(_open(hall, hall.windows[free.pop(0)], q))
            else:
                short.append(q)
            continue
        for w in elastic:
            if _can_give_up(w, q, now) and q.open_windows - 1.0 >= max(1, q.needed):
                recs.append(_close(hall, w, q, short.pop(0) if short else None))
                break
    named = {r.window for r in recs}
    for need in short:
        donor = next(((w, q) for q in reversed(loads) if q.pressure < need.pressure and q is not need
                      for w in elastic if w.number not in named and _can_give_up(w, q, now)), None)
        if donor is not None:
            recs.append(_close(hall, donor[0], donor[1], need))
            named.add(donor[0].number)
    return Advice(now, tuple(recs), tuple(loads))


def _open(hall: Hall, w: Window, q: QueueLoad) -> Recommendation:
    name = hall.queues[q.queue].name
    why_zh, why_en = _open_reason(q)
    return Recommendation("open", w.number, w.spec.name, q.queue,
                          f"{q.queue}{name}：{why_zh}；建议开放{w.spec.name}办理{q.queue}",
                          f"{q.queue}: {why_en}; open window {w.number} for {q.queue}")


def _close(hall: Hall, w: Window, q: QueueLoad, short: QueueLoad | None) -> Recommendation:
    name = hall.queues[q.queue].name
    after = q.wait_without_one_s()
    zh = (f"{q.queue}{name}：{q.waiting}人等候，关闭后预计等候{_minutes(after)}分钟，"
          f"低于目标{_minutes(q.target_wait_s)}分钟；建议关闭{w.spec.name}")
    en = (f"{q.queue}: {q.waiting} waiting, predicted {_minutes(after)} min without it, "
          f"target {_minutes(q.target_wait_s)} min; close window {w.number}")
    if short is not None:
        zh += f"，改为办理{short.queue}（{short.waiting}人等候）"
        en += f" to reopen it for {short.queue} ({short.waiting} waiting)"
    return Recommendation("close", w.number, w.spec.name, q.queue, zh, en)


def _open_reason(q: QueueLoad) -> tuple[str, str]:
    if q.needed_backlog >= q.needed_erlang:
        return (f"{q.waiting}人等候，预计等候{_minutes(q.predicted_wait_s)}分钟，目标"
                f"{_minutes(q.target_wait_s)}分钟",
                f"{q.waiting} waiting, predicted {_minutes(q.predicted_wait_s)} min > target "
                f"{_minutes(q.target_wait_s)} min" if q.predicted_wait_s > q.target_wait_s else
                f"{q.waiting} waiting, predicted {_minutes(q.predicted_wait_s)} min, target "
                f"{_minutes(q.target_wait_s)} min")
    return (f"每小时约{round(q.arrivals_per_h)}人到达，每人约{_minutes(q.service_s)}分钟，需要"
            f"{q.needed_erlang}个窗口才能在{_minutes(q.target_wait_s * PLAN_SHARE)}分钟内叫到，"
            f"现开{q.open_windows:g}个",
            f"{round(q.arrivals_per_h)} arrivals/h at {_minutes(q.service_s)} min each need "
            f"{q.needed_erlang} windows to call within {_minutes(q.target_wait_s * PLAN_SHARE)} min "
            f"(target {_minutes(q.target_wait_s)} min), {q.open_windows:g} open")


__all__ = ["Advice", "QueueLoad", "Recommendation", "advise", "erlang_c", "erlang_mean_wait_s",
           "queue_servers", "windows_needed"]
