"""The day's figures from its tickets (pure; used by the API, the CSV export and reports).

Every issued ticket is counted once by its *final* outcome, so a day reconciles:
issued = served + no_show + not_started + cancelled + expired + transferred + still waiting/called/serving.
``not_started`` is a visit called but never started before the window called the next one: not
served, never rated, and counted apart so a double press or an absent citizen does not inflate
the served figures.
A transferred ticket counts as ``transferred`` in the queue it left and as a new arrival in
the queue it moved to (``transferred_in``), where it ends with its own outcome.
"""
from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable
from datetime import date
from typing import Any

from queue_server.engine.model import Ticket, TicketState

OUTCOMES = ("done", "no_show", "not_started", "cancelled", "expired", "transferred")


def _p95(values: list[float]) -> float | None:
    if not values:
        return None
    s = sorted(values)
    return s[max(0, math.ceil(0.95 * len(s)) - 1)]


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def daily(tickets: Iterable[Ticket], day: date, targets: dict[str, float], names: dict[str, str]) -> dict[str, Any]:
    by_queue: dict[str, list[Ticket]] = {q: [] for q in targets}
    for t in tickets:
        if t.day == day:
            by_queue.setdefault(t.queue, []).append(t)
    queues: list[dict[str, Any]] = []
    for code, ts in by_queue.items():
        issued = [t for t in ts if t.hop == 0]
        waits = [t.waited_s(t.called_at) for t in ts if t.called_at is not None]
        services = [(t.ended_at - t.called_at).total_seconds() for t in ts
                    if t.state is TicketState.DONE and t.ended_at and t.called_at]
        counts = {o: sum(1 for t in ts if t.state.value == o) for o in OUTCOMES}
        target = targets.get(code, 0.0)
        queues.append({
            "queue": code, "name": names.get(code, code), "issued": len(issued),
            "transferred_in": sum(1 for t in ts if t.hop > 0),
            "served": counts["done"], "no_show": counts["no_show"], "not_started": counts["not_started"],
            "cancelled": counts["cancelled"],
            "expired": counts["expired"], "transferred": counts["transferred"],
            "open": sum(1 for t in ts if t.state.active),
            "mean_wait_s": _round(_mean(waits)), "p95_wait_s": _round(_p95(waits)),
            "mean_service_s": _round(_mean(services)),
            "within_target": round(sum(1 for w in waits if w <= target) / len(waits), 3) if waits else None,
            "target_wait_s": target,
        })
    total_issued = sum(q["issued"] for q in queues)
    closed = {o: sum(q[o if o != "done" else "served"] for q in queues) for o in OUTCOMES}
    still_open = sum(q["open"] for q in queues)
    transferred_in = sum(q["transferred_in"] for q in queues)
    return {
        "date": day.isoformat(), "queues": queues,
        "totals": {"issued": total_issued, **{("served" if k == "done" else k): v for k, v in closed.items()},
                   "open": still_open},
        "reconciles": total_issued + transferred_in == sum(closed.values()) + still_open,
    }


def _round(v: float | None) -> float | None:
    return None if v is None else round(v, 1)


def daily_csv(report: dict[str, Any]) -> str:
    out = io.StringIO()
    cols = ["queue", "name", "issued", "transferred_in", "served", "no_show", "not_started", "cancelled", "expired",
            "transferred", "open", "mean_wait_s", "p95_wait_s", "mean_service_s", "within_target", "target_wait_s"]
    w = csv.DictWriter(out, fieldnames=["date", *cols], extrasaction="ignore")
    w.writeheader()
    for q in report["queues"]:
        w.writerow({"date": report["date"], **q})
    return out.getvalue()
