"""The figures of a period (a month, a quarter, a half-year or any dates) as SQL aggregations.

One grouped query over ``ticket`` and one over ``rating`` per report, on SQLite and PostgreSQL alike;
the 整改 of the period's negative ratings are read row by row (a few per day at most) beside them.
only the seconds between two times, the month of a day and the 95th percentile differ by dialect.
The 95th percentile is the nearest-rank one of :func:`queue_server.stats._p95` (PostgreSQL's
``percentile_disc(0.95)``); SQLite has no such aggregate, so there the waits alone are read back.
"""
from __future__ import annotations

import math
from collections import defaultdict
from datetime import UTC, date, datetime, tzinfo
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from queue_server.store.ratings import NEGATIVE_MAX, RATED
from queue_server.store.tables import rating_t, ticket_t

By = Literal["hall", "queue", "window", "clerk", "month"]
BYS: tuple[str, ...] = ("hall", "queue", "window", "clerk", "month")


def seconds_between(conn: Connection, later: Any, earlier: Any) -> Any:
    if conn.dialect.name == "postgresql":
        return sa.func.extract("epoch", later - earlier)
    return (sa.func.julianday(later) - sa.func.julianday(earlier)) * 86400.0


def month_of(conn: Connection, day: Any) -> Any:
    if conn.dialect.name == "postgresql":
        return sa.func.to_char(day, "YYYY-MM")
    return sa.func.substr(sa.cast(day, sa.String), 1, 7)


def _key(conn: Connection, table: sa.Table, by: str) -> Any:
    if by == "hall":
        return sa.literal("hall")
    if by == "month":
        return month_of(conn, table.c.day)
    return table.c[by]


def _p95(values: list[float]) -> float | None:
    if not values:
        return None
    s = sorted(values)
    return s[max(0, math.ceil(0.95 * len(s)) - 1)]


def _sum(cond: Any) -> Any:
    return sa.func.sum(sa.case((cond, 1), else_=0))


class PeriodStore:
    """``cases``: the 整改 case table (``queue_server.rectification.rectification_t``) the negative ratings'
    follow-ups are counted by; without it, by the ratings' own follow-up."""

    def __init__(self, engine: Engine, cases: sa.Table | None = None) -> None:
        self.engine, self.cases = engine, cases

    def tickets(self, first: date, last: date, by: str, targets: dict[str, float]) -> dict[Any, dict[str, Any]]:
        """Per group: issued, called, served, no-show, transferred, waits (mean, p95, long) and service."""
        t = ticket_t
        with self.engine.connect() as conn:
            key = _key(conn, t, by).label("k")
            wait = seconds_between(conn, t.c.called_at, t.c.queued_at)
            service = seconds_between(conn, t.c.ended_at, t.c.called_at)
            called = t.c.called_at.is_not(None)
            served = sa.and_(t.c.state == "done", t.c.ended_at.is_not(None), called)
            target = sa.case(*((t.c.queue == q, v) for q, v in targets.items()), else_=None) if targets \
                else sa.null()
            cols = [key, _sum(t.c.hop == 0).label("issued"), _sum(called).label("called"),
                    _sum(t.c.state == "done").label("served"), _sum(t.c.state == "no_show").label("no_show"),
                    _sum(t.c.state == "transferred").label("transferred"),
                    sa.func.sum(sa.case((called, wait), else_=None)).label("wait_sum"),
                    sa.func.sum(sa.case((served, service), else_=None)).label("service_sum"),
                    _sum(served).label("service_n"),
                    _sum(sa.and_(called, wait > target)).label("long_waits")]
            pg = conn.dialect.name == "postgresql"
            if pg:
                cols.append(sa.func.percentile_disc(0.95).within_group(wait).filter(called).label("p95"))
            where = [t.c.day >= first, t.c.day <= last]
            if by in ("window", "clerk"):
                where.append(t.c[by].is_not(None))
            rows = conn.execute(sa.select(*cols).where(*where).group_by(key)).all()
            out: dict[Any, dict[str, Any]] = {}
            for r in rows:
                m = r._mapping
                n_called, n_service = int(m["called"] or 0), int(m["service_n"] or 0)
                out[m["k"]] = {
                    "issued": int(m["issued"] or 0), "called": n_called, "served": int(m["served"] or 0),
                    "no_show": int(m["no_show"] or 0), "transferred": int(m["transferred"] or 0),
                    "long_waits": int(m["long_waits"] or 0),
                    "mean_wait_s": _r(float(m["wait_sum"]) / n_called if n_called else None),
                    "p95_wait_s": _r(max(0.0, float(m["p95"])) if pg and m["p95"] is not None else None),
                    "mean_service_s": _r(float(m["service_sum"]) / n_service if n_service else None)}
            if not pg:
                waits: dict[Any, list[float]] = defaultdict(list)
                for k, w in conn.execute(sa.select(key, wait).where(*where, called)):
                    waits[k].append(max(0.0, float(w)))
                for k, row in out.items():
                    row["p95_wait_s"] = _r(_p95(waits.get(k, [])))
            return out

    def ratings(self, first: date, last: date, by: str, now: datetime, due_s: float,
                tz: tzinfo = UTC) -> dict[Any, dict[str, Any]]:
        """Per group: requested, rated, each level, negative, and the 整改 of negative ratings (see
        :meth:`follow_ups`)."""
        r = rating_t
        with self.engine.connect() as conn:
            key = _key(conn, r, by).label("k")
            negative = sa.and_(r.c.outcome == RATED, r.c.rating <= NEGATIVE_MAX)
            cols = [key, sa.func.count().label("requested"), _sum(r.c.outcome == RATED).label("rated"),
                    *(_sum(sa.and_(r.c.outcome == RATED, r.c.rating == k)).label(f"r{k}") for k in range(1, 6)),
                    _sum(negative).label("negative")]
            where = [r.c.day >= first, r.c.day <= last]
            if by == "clerk":
                where.append(r.c.clerk.is_not(None))
            rows = conn.execute(sa.select(*cols).where(*where).group_by(key)).all()
            follow = self.follow_ups(conn, key, sa.and_(*where, negative), now, due_s, tz)
            out: dict[Any, dict[str, Any]] = {}
            for row in rows:
                m = {k: (v if k == "k" else int(v or 0)) for k, v in row._mapping.items()}
                out[m["k"]] = {"requested": m["requested"], "rated": m["rated"],
                               "distribution": {str(k): m[f"r{k}"] for k in range(1, 6)},
                               "negative": m["negative"], **follow.get(m["k"], dict.fromkeys(FOLLOW, 0))}
            return out

    def follow_ups(self, conn: Connection, key: Any, where: Any, now: datetime, due_s: float,
                   tz: tzinfo) -> dict[Any, dict[str, int]]:
        """Per group: the negative ratings' 整改 done, done on time and overdue.

        A rating with a 整改 case (:mod:`queue_server.rectification`, table ``cases``) counts by its case: on time when
        closed on or before its due date (5 working days out, or the new date of an approved extension),
        overdue when closed later or still open after it. A rating without a case (none opened yet) counts
        by its own follow-up: on time when done within ``due_s`` seconds of the rating."""
        r, c = rating_t, self.cases
        if c is None:
            q = sa.select(key, r.c.follow_up, r.c.follow_up_at, r.c.answered_at, r.c.requested_at,
                          *(sa.null().label(n) for n in ("state", "due", "closed_at"))).where(where)
        else:
            q = sa.select(key, r.c.follow_up, r.c.follow_up_at, r.c.answered_at, r.c.requested_at,
                          c.c.state, c.c.due, c.c.closed_at).select_from(
                r.outerjoin(c, c.c.rating_id == r.c.id)).where(where)
        today = now.astimezone(tz).date()
        out: dict[Any, dict[str, int]] = defaultdict(lambda: dict.fromkeys(FOLLOW, 0))
        for row in conn.execute(q):
            m = row._mapping
            if m["due"] is not None:
                done = m["state"] == "done" and m["closed_at"] is not None
                late = _aware(m["closed_at"]).astimezone(tz).date() > m["due"] if done else today > m["due"]
            else:
                rated_at = _aware(m["answered_at"] or m["requested_at"])
                done = m["follow_up"] == "done" and m["follow_up_at"] is not None
                until = _aware(m["follow_up_at"]) if done else now
                late = (until - rated_at).total_seconds() > due_s
            g = out[m["k"]]
            g["follow_done"] += done
            g["follow_on_time"] += done and not late
            g["follow_overdue"] += late
        return dict(out)


FOLLOW = ("follow_done", "follow_on_time", "follow_overdue")


def _aware(v: datetime) -> datetime:
    """A time read back without its zone (SQLite) is UTC, as it was stored."""
    return v if v.tzinfo is not None else v.replace(tzinfo=UTC)


def _r(v: float | None) -> float | None:
    return None if v is None else round(v, 1)
