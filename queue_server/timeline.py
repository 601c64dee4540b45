"""The day as a time series, rebuilt from its tickets: per queue, at each step, how many wait and
how long the longest of them has waited. Pure; one sweep over the tickets, O(n log n).

A ticket waits in its queue from its (re)issue until its first call, or until it ends without
one (cancelled, transferred, expired). Nothing needs sampling while the hall runs, so a past
day's chart is as exact as today's, and a restart loses nothing.
"""
from __future__ import annotations

import bisect
import heapq
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from queue_server.engine.model import Ticket


def _leave(t: Ticket) -> datetime | None:
    return t.called_at if t.called_at is not None else t.ended_at


def series(tickets: Iterable[Ticket], queues: Sequence[str], start: datetime, end: datetime,
           step_s: int = 60) -> dict[str, Any]:
    """``{"at": [iso...], "queues": {code: {"waiting": [...], "longest_wait_s": [...]}}}``."""
    step = timedelta(seconds=max(10, step_s))
    points: list[datetime] = []
    at = start
    while at <= end and len(points) < 5000:
        points.append(at)
        at += step
    if points and points[-1] < end and len(points) < 5000:
        points.append(end)  # the latest moment too, so a live chart ends at "now"
    out: dict[str, Any] = {"at": [p.isoformat(timespec="seconds") for p in points], "step_s": int(step.total_seconds()),
                           "queues": {}}
    by_queue: dict[str, list[Ticket]] = {q: [] for q in queues}
    for t in tickets:
        if t.queue in by_queue:
            by_queue[t.queue].append(t)
    for code, ts in by_queue.items():
        ts.sort(key=lambda t: t.issued_at)
        arrivals = [t.issued_at for t in ts]
        leaves = sorted(lv for t in ts if (lv := _leave(t)) is not None)
        heap: list[tuple[datetime, int]] = []
        leave_of: dict[int, datetime | None] = {}
        waiting: list[int] = []
        longest: list[int] = []
        i = 0
        for p in points:
            while i < len(ts) and ts[i].issued_at <= p:
                leave_of[i] = _leave(ts[i])
                heapq.heappush(heap, (ts[i].queued_at, i))
                i += 1
            while heap and (lv := leave_of[heap[0][1]]) is not None and lv <= p:
                heapq.heappop(heap)
            waiting.append(bisect.bisect_right(arrivals, p) - bisect.bisect_right(leaves, p))
            longest.append(round((p - heap[0][0]).total_seconds()) if heap else 0)
        out["queues"][code] = {"waiting": waiting, "longest_wait_s": longest}
    return out
