"""Figures of a simulated day and the side-by-side table.

Waits are those of visitors who were served (``done``): from taking the ticket to the first
call. ``≤target`` is the share of them called within their queue's target wait. Percentiles
interpolate linearly between the sorted waits.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

from queue_server.engine import FINAL_STATES, TicketState
from queue_server.simulate.runner import DayResult

ALL = "all"


@dataclass(frozen=True)
class QueueStats:
    queue: str
    issued: int
    served: int
    no_show: int
    expired: int
    mean_min: float
    p50_min: float
    p95_min: float
    max_min: float
    within_target: float
    busy_h: float


def percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return 0.0
    xs = sorted(values)
    pos = (len(xs) - 1) * q
    lo, hi = math.floor(pos), math.ceil(pos)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def _stats(queue: str, tickets: list, targets: dict[str, float], busy_s: float) -> QueueStats:
    done = [t for t in tickets if t.state is TicketState.DONE]
    waits = [t.waited_s(t.called_at) / 60 for t in done]
    within = sum(1 for t, w in zip(done, waits, strict=True) if w * 60 <= targets[t.queue])
    return QueueStats(
        queue, len(tickets), len(done), sum(1 for t in tickets if t.state is TicketState.NO_SHOW),
        sum(1 for t in tickets if t.state is TicketState.EXPIRED),
        sum(waits) / len(waits) if waits else 0.0, percentile(waits, 0.5), percentile(waits, 0.95),
        max(waits, default=0.0), within / len(done) if done else 1.0, busy_s / 3600)


def day_stats(r: DayResult, targets: dict[str, float]) -> list[QueueStats]:
    """Per queue (in ``targets`` order) and then for all queues together."""
    rows = [_stats(q, [t for t in r.tickets if t.queue == q], targets, r.busy_s.get(q, 0.0)) for q in targets]
    rows.append(_stats(ALL, r.tickets, targets, sum(r.busy_s.values())))
    return rows


def outcomes(r: DayResult) -> dict[str, int]:
    """Final states of the day's tickets; every issued ticket ends in exactly one."""
    out: dict[str, int] = {}
    for t in r.tickets:
        out[str(t.state)] = out.get(str(t.state), 0) + 1
    return out


def all_final(r: DayResult) -> bool:
    return all(t.state in FINAL_STATES for t in r.tickets)


def gap(a: float, b: float) -> float:
    """How much ``a`` is above ``b``, as a fraction of ``b`` (0 when both are 0)."""
    if b <= 0:
        return 0.0 if a <= 0 else math.inf
    return a / b - 1


def _hhmm(s: float) -> str:
    return f"{int(s // 3600):02d}:{int(s % 3600 // 60):02d}"


def table(results: Iterable[DayResult], targets: dict[str, float]) -> str:
    head = (f"{'队列 queue':<10}{'发号 issued':>12}{'办结 served':>12}{'过号 no-show':>13}{'过期 expired':>13}"
            f"{'平均 mean':>10}"
            f"{'p50':>7}{'p95':>7}{'最长 max':>9}{'达标 ≤target':>13}{'忙时 busy h':>12}")
    lines = []
    by_name: dict[str, list[QueueStats]] = {}
    for r in results:
        by_name[str(r.scenario)] = day_stats(r, targets)
        extra = f", advisor opened {r.opens} / closed {r.closes}" if r.scenario == "advisor" else ""
        lines.append(f"\n== {r.scenario}: {r.window_hours:.1f} window-hours, last window free at "
                     f"{_hhmm(r.last_event_s)}{extra}  (waits in minutes)")
        if r.changes:
            lines.append("changes: " + ", ".join(f"{_hhmm(at)} {action} {n}" + (f" for {q}" if action == "open" else "")
                                                 + (f" ({who})" if who else "")
                                                 for at, action, n, q, who in r.changes))
        lines.append(head)
        for st in by_name[str(r.scenario)]:
            lines.append(f"{st.queue:<10}{st.issued:>12}{st.served:>12}{st.no_show:>13}{st.expired:>13}"
                         f"{st.mean_min:>10.1f}"
                         f"{st.p50_min:>7.1f}{st.p95_min:>7.1f}{st.max_min:>9.1f}{st.within_target:>13.0%}"
                         f"{st.busy_h:>12.1f}")
    if "advisor" in by_name and "pooled" in by_name:
        parts = []
        for b, c in zip(by_name["advisor"], by_name["pooled"], strict=True):
            parts.append(f"{b.queue} {b.p95_min:.1f} vs {c.p95_min:.1f} ({gap(b.p95_min, c.p95_min):+.0%})")
        lines.append("\np95 wait, advisor vs pooled (min): " + "; ".join([parts[-1], *parts[:-1]]))
    return "\n".join(lines).lstrip("\n")


def as_dict(results: Iterable[DayResult], targets: dict[str, float]) -> dict[str, object]:
    out: dict[str, object] = {}
    for r in results:
        out[str(r.scenario)] = {
            "window_hours": round(r.window_hours, 2), "last_event_s": round(r.last_event_s),
            "advisor_opens": r.opens, "advisor_closes": r.closes, "outcomes": outcomes(r),
            "changes": [{"at": _hhmm(at), "action": a, "window": n, "queue": q, "person": who}
                        for at, a, n, q, who in r.changes],
            "queues": {st.queue: {k: (round(v, 3) if isinstance(v, float) else v)
                                  for k, v in asdict(st).items() if k != "queue"}
                       for st in day_stats(r, targets)}}
    return out
