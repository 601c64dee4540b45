"""Reports over a period (manager, auditor): figures per hall, queue, window or clerk, the clerks'
grades A-E (第四十九条), the half-year risk summary (第六十条), and the CSV of each."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import PlainTextResponse

from queue_server import period
from queue_server.api.deps import DayQuery, ServiceDep, require
from queue_server.api.errors import ApiError
from queue_server.api.routes.rectification import desk_of as rectification_desk
from queue_server.api.routes.stats import CsvResponse
from queue_server.auth import Principal
from queue_server.frontdesk.staff_cards import staff_cards
from queue_server.rectification import rectification_t
from queue_server.service import HallService
from queue_server.store.period import PeriodStore

router = APIRouter(prefix="/api/reports", tags=["reports"])
Reader = Annotated[Principal, Depends(require("manager", "auditor"))]
ByQ = Annotated[Literal["hall", "queue", "window", "clerk"], Query(description="one row per …")]
PeriodQ = Annotated[str | None, Query(max_length=10, pattern=r"^(19|20)[0-9]{2}-(0[1-9]|1[0-2]|[Qq][1-4]|[Hh][12])$",
                                      description="2026-03, 2026-Q1 or 2026-H1 (instead of from/to)")]
NOTES = {"complaints": "本表按差评（不满意、非常不满意）统计；导办台登记的投诉另列入整改督办统计 "
                       "(rows count negative ratings; complaints registered at the guide desk are counted "
                       "with the 整改 cases, /api/rectifications/report)"}


def _range(svc: HallService, first: date | None, last: date | None, name: str | None) -> tuple[date, date]:
    try:
        if name:
            first, last = period.parse_period(name)
        else:
            today = svc.now().astimezone(svc.tz).date()
            last = last or today
            first = first or last.replace(day=1)
        period.check_range(first, last)
    except period.PeriodError as err:
        # the form of a period is the schema's (422); what is left is a range the rules refuse
        raise ApiError(409, "invalid_period", f"报表期间有误 ({err})") from err
    return first, last


def build(svc: HallService, first: date, last: date, by: str, totals: bool = True) -> dict[str, Any]:
    s = svc.settings
    store = PeriodStore(svc.store.engine, rectification_t)
    targets = {q.code: float(q.target_wait_s) * s.grades.long_wait_factor for q in s.queues}
    due_s = s.grades.follow_up_days * 86400.0
    if totals:
        rectification_desk(svc).sync()  # every negative rating has its 整改 case, counted by its due date
    rows = period.merge(store.tickets(first, last, by, targets),
                        store.ratings(first, last, by, svc.now(), due_s, svc.tz), s.grades)
    total = period.merge(store.tickets(first, last, "hall", targets),
                         store.ratings(first, last, "hall", svc.now(), due_s, svc.tz), s.grades
                         ).get("hall") if totals else None
    out: list[dict[str, Any]] = []
    names = s.queue_names()
    windows = {w.number: w.display_name() for w in s.windows}
    cards = staff_cards(svc.store.engine) if by == "clerk" else {}
    for k, row in rows.items():
        if by == "queue":
            row.update(queue=k, name=names.get(k, k))
        elif by == "window":
            row.update(window=k, name=windows.get(k, f"{k}号窗口"))
        elif by == "clerk":
            card = cards.get(k, {})
            row.update(clerk=k, name=card.get("name") or k, staff_no=card.get("staff_no"))
        out.append(row)
    if by == "clerk":
        period.add_grades(out, s.grades)
    g = s.grades
    return {"from": first.isoformat(), "to": last.isoformat(), "by": by, "rows": out,
            "totals": total or {**period.EMPTY_TICKETS, "ratings": period.EMPTY_RATINGS, "negative": 0,
                                "satisfaction": None, "follow_on_time_share": None},
            "grades": {"a": g.a, "b": g.b, "c": g.c, "d": g.d, "satisfaction_weight": g.satisfaction_weight,
                       "volume_weight": g.volume_weight, "negative_penalty": g.negative_penalty,
                       "min_rated": g.min_rated, "satisfied_min": g.satisfied_min},
            "hall": {"name": s.hall.name, "name_en": s.hall.name_en},
            "generated_at": svc.now().astimezone(svc.tz).isoformat(timespec="seconds"), "notes": NOTES}


@router.get("/period")
def period_report(svc: ServiceDep, _p: Reader, by: ByQ = "clerk",
                  first: Annotated[DayQuery, Query(alias="from")] = None,
                  last: Annotated[DayQuery, Query(alias="to")] = None, name: Annotated[PeriodQ, Query(
                      alias="period")] = None) -> dict[str, Any]:
    """Volume, waits (mean, p95, long), service time, ratings, negative ratings, 整改 on time; per clerk also
    the 绩效 score and grade A-E. Default: this month so far."""
    first, last = _range(svc, first, last, name)
    return build(svc, first, last, by)


@router.get("/period.csv", response_class=CsvResponse)
def period_csv(svc: ServiceDep, _p: Reader, by: ByQ = "clerk",
               first: Annotated[DayQuery, Query(alias="from")] = None,
               last: Annotated[DayQuery, Query(alias="to")] = None,
               name: Annotated[PeriodQ, Query(alias="period")] = None) -> PlainTextResponse:
    """The same rows as CSV; a cell that would start a spreadsheet formula starts with ' instead."""
    first, last = _range(svc, first, last, name)
    report = build(svc, first, last, by)
    return PlainTextResponse(period.period_csv(report), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="hall-{report["from"]}-{report["to"]}-{by}.csv"'})


@router.get("/risks")
def risks(svc: ServiceDep, _p: Reader, first: Annotated[DayQuery, Query(alias="from")] = None,
          last: Annotated[DayQuery, Query(alias="to")] = None,
          name: Annotated[PeriodQ, Query(alias="period")] = None) -> dict[str, Any]:
    """第六十条 risk summary: negative ratings, overdue 整改, long waits and no-shows by month, and the top
    risks in words. Default: the last six months."""
    if not (first or last or name):
        today = svc.now().astimezone(svc.tz).date()
        first = (today.replace(day=1) - timedelta(days=150)).replace(day=1)
        last = today
    first, last = _range(svc, first, last, name)
    s = svc.settings
    store = PeriodStore(svc.store.engine, rectification_t)
    targets = {q.code: float(q.target_wait_s) * s.grades.long_wait_factor for q in s.queues}
    due_s = s.grades.follow_up_days * 86400.0
    rectification_desk(svc).sync()
    by_month = period.merge(store.tickets(first, last, "month", targets),
                            store.ratings(first, last, "month", svc.now(), due_s, svc.tz), s.grades)
    for row in by_month.values():
        row["follow_overdue"] = row["ratings"]["follow_overdue"]
    clerks = build(svc, first, last, "clerk", totals=False)["rows"]
    queues = [{"queue": k, **v} for k, v in store.tickets(first, last, "queue", targets).items()]
    summary = period.risk_summary(period.months_of(first, last), by_month, clerks, queues)
    return {"from": first.isoformat(), "to": last.isoformat(), **summary, "notes": NOTES}
