"""The province's figures, read from the derived tables (one day partition per query).

Counted as the hall counts them (``queue_server/stats.py``): ``issued`` is first tickets (a
transfer's new ticket is not a new arrival), every ticket once by its final outcome, waits from
the place in line to the first call over every ticket called, p95 by nearest rank
(``percentile_disc``), the service level as the share of first calls within the queue's target.
"""
from __future__ import annotations

import csv
import io
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

NEGATIVE_MAX = 2
_COUNTS = """
    count(*) FILTER (WHERE hop = 0 AND issued_at IS NOT NULL) AS issued,
    count(*) FILTER (WHERE outcome = 'done') AS served,
    count(*) FILTER (WHERE outcome = 'no_show') AS no_show,
    count(*) FILTER (WHERE outcome = 'transferred') AS transferred,
    count(*) FILTER (WHERE outcome = 'cancelled') AS cancelled,
    count(*) FILTER (WHERE outcome = 'expired') AS expired,
    count(*) FILTER (WHERE outcome IS NULL AND issued_at IS NOT NULL AND called_at IS NULL) AS waiting,
    avg(wait_s) FILTER (WHERE called_at IS NOT NULL) AS mean_wait_s,
    percentile_disc(0.95) WITHIN GROUP (ORDER BY wait_s) FILTER (WHERE called_at IS NOT NULL) AS p95_wait_s,
    count(*) FILTER (WHERE called_at IS NOT NULL AND target_wait_s IS NOT NULL) AS called,
    count(*) FILTER (WHERE called_at IS NOT NULL AND wait_s <= target_wait_s) AS within_target,
    avg(service_s) FILTER (WHERE outcome = 'done') AS mean_service_s
"""


def _r(v: Any) -> float | None:
    return None if v is None else round(float(v), 1)


def _figures(m: Any) -> dict[str, Any]:
    called = m["called"]
    return {"issued": m["issued"], "served": m["served"], "no_show": m["no_show"], "transferred": m["transferred"],
            "cancelled": m["cancelled"], "expired": m["expired"], "waiting": m["waiting"],
            "mean_wait_s": _r(m["mean_wait_s"]), "p95_wait_s": _r(m["p95_wait_s"]),
            "within_target": round(m["within_target"] / called, 3) if called else None,
            "mean_service_s": _r(m["mean_service_s"])}


def _ratings(conn: Connection, day: date, by: str) -> dict[Any, dict[str, Any]]:
    rows = conn.execute(sa.text(
        f"SELECT {by}, level, count(*) AS n, count(*) FILTER (WHERE follow_up = 'open') AS open_n "
        f"FROM rating WHERE day = :d AND level IS NOT NULL GROUP BY {by}, level"), {"d": day})
    out: dict[Any, dict[str, Any]] = {}
    for key, level, n, open_n in rows:
        r = out.setdefault(key, {"levels": {str(k): 0 for k in range(1, 6)}, "negative_open": 0})
        r["levels"][str(level)] = n
        r["negative_open"] += open_n
    return out


def _no_ratings() -> dict[str, Any]:
    return {"levels": {str(k): 0 for k in range(1, 6)}, "negative_open": 0}


def daily(conn: Connection, day: date) -> dict[str, Any]:
    """``GET /api/province/daily``: the contract's shape, one entry per hall that reported that day."""
    rows = conn.execute(sa.text(f"SELECT hall_id, {_COUNTS} FROM visit WHERE day = :d GROUP BY hall_id"),
                        {"d": day}).mappings().all()
    ratings = _ratings(conn, day, "hall_id")
    halls = []
    for hall in sorted({r["hall_id"] for r in rows} | set(ratings)):
        m = next((r for r in rows if r["hall_id"] == hall), None)
        f = _figures(m) if m is not None else {}
        halls.append({"hall": hall, "issued": f.get("issued", 0), "served": f.get("served", 0),
                      "no_show": f.get("no_show", 0), "transferred": f.get("transferred", 0),
                      "mean_wait_s": f.get("mean_wait_s"), "p95_wait_s": f.get("p95_wait_s"),
                      "ratings": ratings.get(hall, _no_ratings())["levels"]})
    return {"date": day.isoformat(), "halls": halls}


def overview(conn: Connection, day: date, now: datetime) -> dict[str, Any]:
    """Every hall on one screen: live queue, windows open, the day's service level and ratings, uplink lag."""
    figures = {r["hall_id"]: r for r in conn.execute(sa.text(
        f"SELECT hall_id, {_COUNTS} FROM visit WHERE day = :d GROUP BY hall_id"), {"d": day}).mappings()}
    longest: dict[str, float] = dict(conn.execute(sa.text(
        "SELECT v.hall_id, max(extract(epoch FROM h.last_at - v.queued_at)) FROM visit v JOIN hall h USING (hall_id) "
        "WHERE v.day = :d AND v.outcome IS NULL AND v.called_at IS NULL AND v.queued_at IS NOT NULL "
        "GROUP BY v.hall_id"), {"d": day}).all())
    windows = {h: (o, t) for h, o, t in conn.execute(sa.text(
        "SELECT hall_id, count(*) FILTER (WHERE status = 'open'), count(*) FROM hall_window GROUP BY hall_id"))}
    ratings = _ratings(conn, day, "hall_id")
    halls = []
    for h in conn.execute(sa.text("SELECT * FROM hall ORDER BY hall_id")).mappings():
        hid = h["hall_id"]
        m = figures.get(hid)
        f = _figures(m) if m is not None else {}
        r = ratings.get(hid, _no_ratings())
        rated = sum(r["levels"].values())
        received = h["last_received_at"]
        halls.append({
            "hall": hid, **f, "longest_wait_s": _r(longest.get(hid)),
            "windows_open": windows.get(hid, (0, 0))[0], "windows": windows.get(hid, (0, 0))[1],
            "ratings": r["levels"], "rated": rated, "negative_open": r["negative_open"],
            "satisfied": round((r["levels"]["4"] + r["levels"]["5"]) / rated, 3) if rated else None,
            "events": h["events"], "last_seq": h["last_seq"], "complete": h["events"] == h["last_seq"],
            "last_at": h["last_at"].isoformat() if h["last_at"] else None,
            "lag_s": h["last_lag_s"],
            "silent_s": round((now - received).total_seconds(), 1) if received else None})
    return {"date": day.isoformat(), "now": now.isoformat(timespec="seconds"), "halls": halls}


def hall_day(conn: Connection, hall: str, day: date) -> dict[str, Any]:
    """One hall's day: per queue, per clerk, its windows and its ratings."""
    queues = [{"queue": m["queue"], **_figures(m)} for m in conn.execute(sa.text(
        f"SELECT queue, {_COUNTS} FROM visit WHERE day = :d AND hall_id = :h GROUP BY queue ORDER BY queue"),
        {"d": day, "h": hall}).mappings()]
    total = conn.execute(sa.text(f"SELECT {_COUNTS} FROM visit WHERE day = :d AND hall_id = :h"),
                         {"d": day, "h": hall}).mappings().first()
    windows = [dict(r) for r in conn.execute(sa.text(
        "SELECT window_no AS window, name, kind, status, queues, clerk FROM hall_window WHERE hall_id = :h "
        "ORDER BY window_no"), {"h": hall}).mappings()]
    return {"date": day.isoformat(), "hall": hall, "totals": _figures(total) if total else {},
            "queues": queues, "clerks": clerks(conn, day, hall)["clerks"], "windows": windows,
            "ratings": ratings(conn, day, hall)["ratings"]}


def clerks(conn: Connection, day: date, hall: str | None = None) -> dict[str, Any]:
    """Per clerk (绩效, 第四十九条): served, no-show, transferred, mean service time, ratings."""
    where = " AND hall_id = :h" if hall else ""
    rows = conn.execute(sa.text(
        "SELECT hall_id, clerk, count(*) FILTER (WHERE outcome = 'done') AS served, "
        "count(*) FILTER (WHERE outcome = 'no_show') AS no_show, "
        "count(*) FILTER (WHERE outcome = 'transferred' AND called_at IS NOT NULL) AS transferred, "
        "avg(service_s) FILTER (WHERE outcome = 'done') AS mean_service_s FROM visit "
        f"WHERE day = :d AND clerk IS NOT NULL{where} GROUP BY hall_id, clerk ORDER BY hall_id, clerk"),
        {"d": day, "h": hall}).mappings().all()
    rated: dict[tuple[str, str], dict[str, Any]] = {}
    for h, c, level, n, open_n in conn.execute(sa.text(
            "SELECT hall_id, clerk, level, count(*), count(*) FILTER (WHERE follow_up = 'open') FROM rating "
            f"WHERE day = :d AND clerk IS NOT NULL AND level IS NOT NULL{where} GROUP BY hall_id, clerk, level"),
            {"d": day, "h": hall}):
        r = rated.setdefault((h, c), _no_ratings())
        r["levels"][str(level)] = n
        r["negative_open"] += open_n
    out = []
    for m in rows:
        r = rated.get((m["hall_id"], m["clerk"]), _no_ratings())
        out.append({"hall": m["hall_id"], "clerk": m["clerk"], "served": m["served"], "no_show": m["no_show"],
                    "transferred": m["transferred"], "mean_service_s": _r(m["mean_service_s"]),
                    "ratings": r["levels"], "negative_open": r["negative_open"]})
    return {"date": day.isoformat(), "clerks": out}


def ratings(conn: Connection, day: date, hall: str | None = None, negative_only: bool = False,
            limit: int = 1000) -> dict[str, Any]:
    """Ratings of a day across halls (or one hall); negative ones with their 整改 state."""
    where = " AND hall_id = :h" if hall else ""
    if negative_only:
        where += f" AND level <= {NEGATIVE_MAX}"
    rows = conn.execute(sa.text(
        "SELECT hall_id AS hall, number, queue, window_no AS window, clerk, level, reason, rated_at, follow_up, "
        f"follow_at, follow_by FROM rating WHERE day = :d AND level IS NOT NULL{where} "
        "ORDER BY hall_id, rated_at LIMIT :n"), {"d": day, "h": hall, "n": limit}).mappings()
    out = []
    for r in rows:
        item = dict(r)
        for k in ("rated_at", "follow_at"):
            item[k] = item[k].isoformat() if item[k] else None
        out.append(item)
    return {"date": day.isoformat(), "ratings": out}


def parked(conn: Connection, limit: int = 100) -> list[dict[str, Any]]:
    rows = conn.execute(sa.text("SELECT id, received_at, subject, hall_id, seq, reason FROM parked "
                                "ORDER BY id DESC LIMIT :n"), {"n": limit}).mappings()
    return [{**dict(r), "received_at": r["received_at"].isoformat()} for r in rows]


def to_csv(rows: list[dict[str, Any]], cols: list[str], day: str) -> str:
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=["date", *cols], extrasaction="ignore")
    w.writeheader()
    for row in rows:
        flat = {"date": day, **row}
        if isinstance(row.get("ratings"), dict):
            flat.update({f"r{k}": v for k, v in row["ratings"].items()})
        w.writerow(flat)
    return out.getvalue()


DAILY_CSV_COLS = ["hall", "issued", "served", "no_show", "transferred", "mean_wait_s", "p95_wait_s",
                  "r1", "r2", "r3", "r4", "r5"]
CLERK_CSV_COLS = ["hall", "clerk", "served", "no_show", "transferred", "mean_service_s", "r1", "r2", "r3", "r4",
                  "r5", "negative_open"]
RATING_CSV_COLS = ["hall", "number", "queue", "window", "clerk", "level", "reason", "rated_at", "follow_up",
                   "follow_at", "follow_by"]
