"""The day report beyond the queue figures (第十九/四十九条): windows, clerks, ratings, half hours,
and the daily close (轧账). Pure functions of the day's tickets and ratings.

Waits are from the ticket's place in line (its first issue) to its call; service time is from
the call to 办结. A rating counts for the window and clerk of the visit it rates; a complaint is
a 不满意 (2) or 非常不满意 (1).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from queue_server import stats
from queue_server.engine.model import Ticket, TicketState
from queue_server.store.ratings import NEGATIVE_MAX, NO_RATING, PENDING, RATED, RatingRecord

SLOT_S = 1800
CLOSE_PARTS = ("served", "no_show", "not_started", "cancelled", "expired", "transferred", "waiting", "called",
               "serving")


def _mean(values: Sequence[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def _service_s(t: Ticket) -> float | None:
    if t.state is TicketState.DONE and t.ended_at and t.called_at:
        return (t.ended_at - t.called_at).total_seconds()
    return None


def rating_summary(ratings: Iterable[RatingRecord]) -> dict[str, Any]:
    rs = list(ratings)
    dist = {str(k): sum(1 for r in rs if r.outcome == RATED and r.rating == k) for k in range(1, 6)}
    rated = sum(dist.values())
    good = dist["4"] + dist["5"]
    return {"requested": len(rs), "rated": rated, "no_rating": sum(1 for r in rs if r.outcome == NO_RATING),
            "pending": sum(1 for r in rs if r.outcome == PENDING), "distribution": dist,
            "complaints": sum(dist[str(k)] for k in range(1, NEGATIVE_MAX + 1)),
            "good_share": round(good / rated, 3) if rated else None}


def _work_figures(ts: list[Ticket], rs: list[RatingRecord]) -> dict[str, Any]:
    services = [s for t in ts if (s := _service_s(t)) is not None]
    return {"served": sum(1 for t in ts if t.state is TicketState.DONE),
            "no_show": sum(1 for t in ts if t.state is TicketState.NO_SHOW),
            "not_started": sum(1 for t in ts if t.state is TicketState.NOT_STARTED),
            "transferred": sum(1 for t in ts if t.state is TicketState.TRANSFERRED),
            "mean_service_s": _mean(services), "service_total_s": round(sum(services), 1),
            "ratings": rating_summary(rs)}


def by_window(tickets: Iterable[Ticket], ratings: Iterable[RatingRecord],
              windows: dict[int, str]) -> list[dict[str, Any]]:
    ts: dict[int, list[Ticket]] = defaultdict(list)
    rs: dict[int, list[RatingRecord]] = defaultdict(list)
    for t in tickets:
        if t.window is not None and t.called_at is not None:
            ts[t.window].append(t)
    for r in ratings:
        rs[r.window].append(r)
    numbers = sorted(set(windows) | set(ts) | set(rs))
    return [{"window": n, "name": windows.get(n, f"{n}号窗口"), **_work_figures(ts[n], rs[n])} for n in numbers]


def by_clerk(tickets: Iterable[Ticket], ratings: Iterable[RatingRecord]) -> list[dict[str, Any]]:
    ts: dict[str, list[Ticket]] = defaultdict(list)
    rs: dict[str, list[RatingRecord]] = defaultdict(list)
    windows: dict[str, set[int]] = defaultdict(set)
    for t in tickets:
        if t.clerk and t.called_at is not None:
            ts[t.clerk].append(t)
            if t.window is not None:
                windows[t.clerk].add(t.window)
    for r in ratings:
        if r.clerk:
            rs[r.clerk].append(r)
    return [{"clerk": c, "windows": sorted(windows[c]), **_work_figures(ts[c], rs[c])}
            for c in sorted(set(ts) | set(rs))]


def _slot_bounds(tickets: list[Ticket], day: date, tz: tzinfo,
                 sessions: Sequence[tuple[time, time]]) -> tuple[datetime, datetime]:
    first = datetime.combine(day, sessions[0][0] if sessions else time(9), tz)
    last = datetime.combine(day, sessions[-1][1] if sessions else time(17), tz)
    for t in tickets:
        for at in (t.issued_at, t.called_at):
            if at is not None:
                local = at.astimezone(tz)
                first, last = min(first, local), max(last, local)
    start = first.replace(minute=0 if first.minute < 30 else 30, second=0, microsecond=0)
    return start, last


def half_hours(tickets: Iterable[Ticket], day: date, tz: tzinfo, queues: Sequence[str],
               sessions: Sequence[tuple[time, time]] = ()) -> list[dict[str, Any]]:
    """Per half hour: first issues, first calls and the mean wait of those called, per queue and all."""
    ts = [t for t in tickets if t.day == day]
    start, end = _slot_bounds(ts, day, tz, sessions)
    n = max(1, int((end - start).total_seconds() // SLOT_S) + 1)
    issued: list[dict[str, int]] = [defaultdict(int) for _ in range(n)]
    waits: list[dict[str, list[float]]] = [defaultdict(list) for _ in range(n)]

    def slot(at: datetime) -> int:
        return min(n - 1, max(0, int((at - start).total_seconds() // SLOT_S)))

    for t in ts:
        if t.hop == 0:
            issued[slot(t.issued_at)][t.queue] += 1
        if t.called_at is not None:
            waits[slot(t.called_at)][t.queue].append(t.waited_s(t.called_at))
    out = []
    for i in range(n):
        at = start + timedelta(seconds=i * SLOT_S)
        every = [w for q in waits[i].values() for w in q]
        out.append({"start": at.strftime("%H:%M"), "issued": sum(issued[i].values()), "called": len(every),
                    "mean_wait_s": _mean(every),
                    "queues": {q: {"issued": issued[i][q], "called": len(waits[i][q]),
                                   "mean_wait_s": _mean(waits[i][q])} for q in queues}})
    return out


def close_of_day(tickets: Iterable[Ticket], day: date, names: dict[str, str]) -> dict[str, Any]:
    """轧账: per queue, issued + transferred in = every final outcome + what is still open."""
    rows: dict[str, dict[str, Any]] = {q: {"queue": q, "name": names.get(q, q), "issued": 0, "transferred_in": 0,
                                           **dict.fromkeys(CLOSE_PARTS, 0)} for q in names}
    for t in tickets:
        if t.day != day:
            continue
        row = rows.setdefault(t.queue, {"queue": t.queue, "name": names.get(t.queue, t.queue), "issued": 0,
                                        "transferred_in": 0, **dict.fromkeys(CLOSE_PARTS, 0)})
        row["issued" if t.hop == 0 else "transferred_in"] += 1
        row["served" if t.state is TicketState.DONE else t.state.value] += 1
    for row in rows.values():
        row["accounted"] = sum(row[p] for p in CLOSE_PARTS)
        row["balanced"] = row["issued"] + row["transferred_in"] == row["accounted"]
    totals = {k: sum(r[k] for r in rows.values()) for k in ("issued", "transferred_in", *CLOSE_PARTS)}
    open_now = totals["waiting"] + totals["called"] + totals["serving"]
    closed = totals["served"] + totals["no_show"] + totals["not_started"] + totals["cancelled"] + totals["expired"]
    totals["still_open"] = open_now
    return {"queues": list(rows.values()), "totals": totals,
            # across the hall every transfer out is a transfer in, so issued = final outcomes + open
            "balanced": all(r["balanced"] for r in rows.values())
            and totals["transferred"] == totals["transferred_in"] and totals["issued"] == closed + open_now}


def daily_report(tickets: Iterable[Ticket], ratings: Iterable[RatingRecord], day: date, tz: tzinfo, *,
                 targets: dict[str, float], names: dict[str, str], windows: dict[int, str],
                 sessions: Sequence[tuple[time, time]] = ()) -> dict[str, Any]:
    ts = [t for t in tickets if t.day == day]
    rs = [r for r in ratings if r.day == day]
    report = stats.daily(ts, day, targets, names)
    report["windows"] = by_window(ts, rs, windows)
    report["clerks"] = by_clerk(ts, rs)
    report["ratings"] = rating_summary(rs)
    report["half_hours"] = half_hours(ts, day, tz, list(names), sessions)
    report["close"] = close_of_day(ts, day, names)
    return report


CSV_PARTS: dict[str, tuple[str, list[str]]] = {
    "windows": ("windows", ["window", "name", "served", "no_show", "transferred", "mean_service_s"]),
    "clerks": ("clerks", ["clerk", "served", "no_show", "transferred", "mean_service_s"]),
    "half_hours": ("half_hours", ["start", "issued", "called", "mean_wait_s"]),
    "close": ("close", ["queue", "name", "issued", "transferred_in", *CLOSE_PARTS, "accounted", "balanced"]),
}
RATING_COLS = ["rated", "no_rating", "r5", "r4", "r3", "r2", "r1", "complaints"]


#: a cell a spreadsheet would run as a formula starts with one of these
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """A text cell that a spreadsheet would take for a formula, quoted with ``'`` (numbers stay numbers)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _cells(row: dict[str, Any]) -> dict[str, Any]:
    return {k: csv_cell(v) for k, v in row.items()}


def report_csv(report: dict[str, Any], part: str) -> str:
    """One table of the report as CSV (``queues`` is :func:`stats.daily_csv`); no cell is a formula."""
    import csv
    import io

    if part == "queues":
        return stats.daily_csv({**report, "queues": [_cells(q) for q in report["queues"]]})
    key, cols = CSV_PARTS[part]
    rows = report[key]["queues"] if part == "close" else report[key]
    with_ratings = part in ("windows", "clerks")
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=["date", *cols, *(RATING_COLS if with_ratings else [])],
                       extrasaction="ignore")
    w.writeheader()
    for row in rows:
        flat = {"date": report["date"], **row}
        if part == "clerks":
            flat["windows"] = " ".join(str(n) for n in row.get("windows", []))
        if with_ratings:
            r = row["ratings"]
            flat.update(rated=r["rated"], no_rating=r["no_rating"], complaints=r["complaints"],
                        **{f"r{k}": r["distribution"][str(k)] for k in range(1, 6)})
        w.writerow(_cells(flat))
    return out.getvalue()
