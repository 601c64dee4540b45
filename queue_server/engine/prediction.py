"""Wait prediction from people ahead, recent service times and the windows open.

A window occupied from call to finish is what limits throughput, so a queue's *service time*
is the mean of its last ``service_sample`` call-to-finish durations (the configured prior
until the first services of the day end). A queue's *servers* are its open windows, an
elastic window serving k queues counting 1/k for each. The predicted wait of a ticket with
``ahead`` people before it is ``ahead × service / servers``; the queue's predicted wait is
that of a newcomer (``ahead`` = everyone waiting). With no window open for the queue the
prediction assumes the windows configured for it will open (at least one).
"""
from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from datetime import datetime

from queue_server.engine.model import Window, WindowStatus


class ServiceTimes:
    """Moving mean of recent service durations per queue."""

    def __init__(self, sample: int, priors: dict[str, float]) -> None:
        self._sample = max(1, sample)
        self._priors = dict(priors)
        self._durations: dict[str, deque[float]] = {}

    def add(self, queue: str, seconds: float) -> None:
        self._durations.setdefault(queue, deque(maxlen=self._sample)).append(max(0.0, seconds))

    def mean_s(self, queue: str) -> float:
        d = self._durations.get(queue)
        if d:
            return sum(d) / len(d)
        return self._priors.get(queue, 600.0)

    def observed(self, queue: str) -> int:
        return len(self._durations.get(queue, ()))


#: the shortest span an arrival rate is measured over: the first minutes of a day (a handful of
#: tickets) must not be extrapolated to hundreds an hour
MIN_RATE_SPAN_S = 600.0


class Arrivals:
    """Arrival times per queue over a moving window, for the arrival rate."""

    def __init__(self, window_s: float) -> None:
        self.window_s = window_s
        self._times: dict[str, deque[datetime]] = {}

    def add(self, queue: str, at: datetime) -> None:
        self._times.setdefault(queue, deque()).append(at)

    def rate_per_s(self, queue: str, now: datetime, since: datetime | None = None) -> float:
        """Arrivals per second over the last ``window_s`` (or since ``since`` if later)."""
        times = self._times.get(queue)
        if not times:
            return 0.0
        while times and (now - times[0]).total_seconds() > self.window_s:
            times.popleft()
        span = self.window_s
        if since is not None:
            span = min(span, max(MIN_RATE_SPAN_S, (now - since).total_seconds()))
        return len(times) / span


def servers_for(queue: str, windows: Iterable[Window], statuses: tuple[WindowStatus, ...] = (
        WindowStatus.OPEN,)) -> float:
    total = 0.0
    for w in windows:
        if w.status in statuses and queue in w.queues:
            total += 1.0 / len(w.queues)
    return total


def predict_wait_s(ahead: int, service_s: float, servers: float) -> float:
    if ahead <= 0:
        return 0.0
    return ahead * service_s / max(servers, 1e-9)
