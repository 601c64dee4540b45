"""Past weeks replayed, for the advisor's forecast: the same weekday over ``weeks`` weeks.

Each past day draws its own visitors (the day's seed and the week back make its seed) at the
same split and a volume that varies from week to week (lognormal, ``VOLUME_SIGMA`` = 0.1),
runs through the engine with every window open, and is reduced to history rows with
:func:`~queue_server.engine.history_rows`, the reduction the store makes from its tickets.
The rows are the data the server will read from its database; :func:`write_rows` and
:func:`read_rows` keep them as CSV (``day,queue,slot_min,count``).
"""
from __future__ import annotations

import csv
import io
import random
from datetime import date, timedelta
from pathlib import Path

from queue_server.engine import ArrivalHistory, HistoryRow, history_rows
from queue_server.settings import Settings
from queue_server.simulate.arrivals import Slot, generate
from queue_server.simulate.runner import SIM_DAY, Scenario, run_day

VOLUME_SIGMA = 0.1
CSV_HEAD = ("day", "queue", "slot_min", "count")


def past_days(day: date, weeks: int) -> list[date]:
    return [day - timedelta(weeks=k) for k in range(weeks, 0, -1)]


def replay_history(s: Settings, profile: list[Slot], tickets: int, split: dict[str, float], seed: int,
                   weeks: int, day: date = SIM_DAY) -> ArrivalHistory:
    """``weeks`` past same-weekday days replayed through the engine, as history rows."""
    rows: list[HistoryRow] = []
    for k, past in enumerate(past_days(day, weeks), start=1):
        rng = random.Random(seed * 1000 + k)
        volume = max(0, round(tickets * rng.lognormvariate(0.0, VOLUME_SIGMA)))
        arrivals = generate(s, profile, volume, split, seed * 1000 + k)
        result = run_day(s, arrivals, Scenario.STATIC, day=past)
        rows += history_rows(result.tickets, s.hall.tz())
    return ArrivalHistory(rows)


def write_rows(history: ArrivalHistory, path: Path | None = None) -> str:
    """The rows as CSV (written to ``path`` when given)."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(CSV_HEAD)
    for r in history.rows():
        w.writerow((r.day.isoformat(), r.queue, r.slot_min, r.count))
    if path is not None:
        path.write_text(out.getvalue(), encoding="utf-8")
    return out.getvalue()


def read_rows(text: str) -> ArrivalHistory:
    rows = [HistoryRow(date.fromisoformat(r["day"]), r["queue"], int(r["slot_min"]), int(r["count"]))
            for r in csv.DictReader(text.splitlines())]
    return ArrivalHistory(rows)


__all__ = ["VOLUME_SIGMA", "past_days", "read_rows", "replay_history", "write_rows"]
