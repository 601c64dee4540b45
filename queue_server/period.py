"""Reports over a period (第十九/四十九/六十条): figures per hall, queue, window and clerk, the clerks'
绩效 grades A-E and the half-year risk summary. Pure functions of the aggregated rows.

Grades (第四十九条), thresholds and weights in ``[grades]``:

    满意率 = ratings ≥ satisfied_min ÷ ratings given
    score  = satisfaction_weight × 满意率
           + volume_weight × served ÷ (the most any clerk served in the period)
           − negative_penalty × 差评 (each 不满意 or 非常不满意)
    clamped to 0..100; A ≥ a, B ≥ b, C ≥ c, D ≥ d, otherwise E.
    A clerk with fewer than min_rated ratings is not graded (grade null).

Complaints: those registered at the guide desk (第五十三条) are 整改 cases of their own and are counted by
``/api/rectifications/report``; the rows here count negative ratings (不满意, 非常不满意), and the reports
say so (``notes``).
"""
from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from typing import Any

from queue_server.settings import GradesConfig

KINDS = ("month", "quarter", "half")
_PERIOD = re.compile(r"^(\d{4})(?:-(\d{2})|-Q([1-4])|-H([12]))$")
MAX_DAYS = 400


class PeriodError(ValueError):
    """A period that cannot be read; the message says how to write one."""


def parse_period(text: str) -> tuple[date, date]:
    """``2026-03`` (a month), ``2026-Q1`` (a quarter) or ``2026-H1`` (a half-year) → first and last day."""
    m = _PERIOD.match(text.strip().upper())
    if not m:
        raise PeriodError("period: YYYY-MM, YYYY-Q1..Q4 or YYYY-H1/H2")
    year = int(m.group(1))
    if m.group(2):
        first_month, months = int(m.group(2)), 1
        if not 1 <= first_month <= 12:
            raise PeriodError("period: the month is 01..12")
    elif m.group(3):
        first_month, months = 3 * int(m.group(3)) - 2, 3
    else:
        first_month, months = 6 * int(m.group(4)) - 5, 6
    first = date(year, first_month, 1)
    end_month = first_month + months
    after = date(year + (end_month > 12), (end_month - 1) % 12 + 1, 1)
    return first, after - timedelta(days=1)


def check_range(first: date, last: date) -> None:
    if last < first:
        raise PeriodError("to is before from")
    if (last - first).days >= MAX_DAYS:
        raise PeriodError(f"a report covers at most {MAX_DAYS} days")


def months_of(first: date, last: date) -> list[str]:
    out, d = [], first.replace(day=1)
    while d <= last:
        out.append(d.strftime("%Y-%m"))
        d = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return out


EMPTY_TICKETS = {"issued": 0, "called": 0, "served": 0, "no_show": 0, "transferred": 0, "long_waits": 0,
                 "mean_wait_s": None, "p95_wait_s": None, "mean_service_s": None}
EMPTY_RATINGS = {"requested": 0, "rated": 0, "distribution": {str(k): 0 for k in range(1, 6)}, "negative": 0,
                 "follow_done": 0, "follow_on_time": 0, "follow_overdue": 0}


def satisfaction(r: dict[str, Any], satisfied_min: int) -> float | None:
    rated = r["rated"]
    good = sum(r["distribution"][str(k)] for k in range(satisfied_min, 6))
    return round(good / rated, 3) if rated else None


def merge(tickets: dict[Any, dict[str, Any]], ratings: dict[Any, dict[str, Any]],
          cfg: GradesConfig) -> dict[Any, dict[str, Any]]:
    rows: dict[Any, dict[str, Any]] = {}
    for k in sorted(set(tickets) | set(ratings), key=lambda x: (str(type(x)), x)):
        r = ratings.get(k, EMPTY_RATINGS)
        negative = r["negative"]
        rows[k] = {**tickets.get(k, EMPTY_TICKETS), "ratings": r, "negative": negative,
                   "satisfaction": satisfaction(r, cfg.satisfied_min),
                   "follow_on_time_share": round(r["follow_on_time"] / negative, 3) if negative else None}
    return rows


def grade(score: float, cfg: GradesConfig) -> str:
    for letter, floor in (("A", cfg.a), ("B", cfg.b), ("C", cfg.c), ("D", cfg.d)):
        if score >= floor:
            return letter
    return "E"


def add_grades(rows: list[dict[str, Any]], cfg: GradesConfig) -> None:
    """Score and grade each clerk's row in place (see the module's formula)."""
    busiest = max((r["served"] for r in rows), default=0)
    for r in rows:
        sat = r["satisfaction"]
        if sat is None or r["ratings"]["rated"] < cfg.min_rated:
            r["score"], r["grade"] = None, None
            continue
        volume = r["served"] / busiest if busiest else 0.0
        score = cfg.satisfaction_weight * sat + cfg.volume_weight * volume - cfg.negative_penalty * r["negative"]
        r["score"] = round(min(100.0, max(0.0, score)), 1)
        r["grade"] = grade(r["score"], cfg)


RISKS = ("negative", "follow_overdue", "long_waits", "no_show")
#: how much one event of each kind weighs when the top risks are ranked: an overdue 整改 breaks a rule of its
#: own (第五十四条), a negative rating is a citizen's complaint, a long wait or a no-show is a strain on the queue
SEVERITY = {"negative": 5.0, "follow_overdue": 10.0, "long_waits": 1.0, "no_show": 0.5}
RISK_WORDS = {"negative": ("差评", "negative ratings"), "follow_overdue": ("整改超期", "overdue follow-ups"),
              "long_waits": ("超时等候", "long waits"), "no_show": ("过号未到", "no-shows")}


def risk_summary(months: list[str], by_month: dict[str, dict[str, Any]],
                 clerks: list[dict[str, Any]], queues: list[dict[str, Any]]) -> dict[str, Any]:
    """第六十条: each risk by month, and the top three risks in words.

    A risk's weight is SEVERITY × its total × how concentrated it is (the worst month ÷ the monthly mean);
    the clerk with the most negative ratings and the queue with the most long waits weigh 2 × theirs."""
    table: list[dict[str, Any]] = [{"month": m, **{k: int(by_month.get(m, {}).get(k, 0)) for k in RISKS},
              "called": int(by_month.get(m, {}).get("called", 0))} for m in months]
    found: list[tuple[float, dict[str, str]]] = []
    for risk in RISKS:
        total = sum(r[risk] for r in table)
        if not total:
            continue
        worst = max(table, key=lambda r: r[risk])
        mean = total / len(table)
        zh, en = RISK_WORDS[risk]
        weight = SEVERITY[risk] * total * (worst[risk] / mean if mean else 1.0)
        found.append((weight, {"risk": risk, "month": worst["month"], "count": str(worst[risk]), "total": str(total),
                               "zh": f"{zh}共{total}次，{_zh_month(worst['month'])}最多（{worst[risk]}次，"
                                     f"月均{mean:.1f}次）",
                               "en": f"{en}: {total} in all, most in {worst['month']} ({worst[risk]}; "
                                     f"{mean:.1f} a month on average)"}))
    worst_clerk = max(clerks, key=lambda c: c["negative"], default=None)
    if worst_clerk is not None and worst_clerk["negative"]:
        n, who = worst_clerk["negative"], worst_clerk.get("name") or worst_clerk["clerk"]
        found.append((SEVERITY["negative"] * n * 2, {
            "risk": "clerk", "clerk": str(worst_clerk["clerk"]), "count": str(n),
            "zh": f"{who}收到差评{n}次，为各柜员中最多",
            "en": f"{who} had {n} negative ratings, the most of any clerk"}))
    worst_queue = max(queues, key=lambda q: q["long_waits"], default=None)
    if worst_queue is not None and worst_queue["long_waits"]:
        n, q = worst_queue["long_waits"], worst_queue["queue"]
        found.append((SEVERITY["long_waits"] * n * 2, {"risk": "queue", "queue": str(q), "count": str(n),
                                "zh": f"{q}队列超时等候{n}次，为各队列中最多",
                                "en": f"queue {q} had {n} long waits, the most of any queue"}))
    found.sort(key=lambda x: -x[0])
    return {"months": table, "top": [f for _, f in found[:3]]}


def _zh_month(m: str) -> str:
    y, mo = m.split("-")
    return f"{y}年{int(mo)}月"


# -- CSV ------------------------------------------------------------------------------------

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CSV_COLS = ["issued", "called", "served", "no_show", "transferred", "mean_wait_s", "p95_wait_s", "mean_service_s",
            "long_waits", "rated", "r5", "r4", "r3", "r2", "r1", "negative", "satisfaction", "follow_done",
            "follow_on_time", "follow_overdue"]


def safe_cell(v: Any) -> Any:
    """A cell a spreadsheet shows as text: one starting with = + - @ (a formula) gets a leading '."""
    if isinstance(v, str) and v.startswith(FORMULA_START):
        return "'" + v
    return v


def period_csv(report: dict[str, Any]) -> str:
    by = report["by"]
    keys = {"clerk": ["clerk", "name", "staff_no", "score", "grade"], "window": ["window", "name"],
            "queue": ["queue", "name"]}.get(by, [by])
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["from", "to", *keys, *CSV_COLS])
    for row in report["rows"]:
        r = row["ratings"]
        flat = {**row, "rated": r["rated"], **{f"r{k}": r["distribution"][str(k)] for k in range(1, 6)},
                "follow_done": r["follow_done"], "follow_on_time": r["follow_on_time"],
                "follow_overdue": r["follow_overdue"]}
        w.writerow([safe_cell(v) for v in (report["from"], report["to"], *(flat.get(k) for k in keys),
                                           *(flat.get(c) for c in CSV_COLS))])
    return out.getvalue()
