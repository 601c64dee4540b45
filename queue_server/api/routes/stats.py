"""The day's figures (manager, auditor) as JSON and CSV, and the day as a time series."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import PlainTextResponse

from queue_server import reports, timeline
from queue_server.api.deps import DayQuery, RuntimeDep, ServiceDep, require
from queue_server.auth import Principal
from queue_server.frontdesk.appointments import AppointmentBook
from queue_server.runtime import HallRuntime
from queue_server.service import HallService

router = APIRouter(prefix="/api/stats", tags=["stats"])
Reader = Annotated[Principal, Depends(require("manager", "auditor", "admin"))]
DateQ = DayQuery
Part = Literal["queues", "windows", "clerks", "half_hours", "close"]


def build_report(runtime: HallRuntime, svc: HallService, day: date | None) -> dict[str, Any]:
    d = day or svc.now().date()
    s = svc.settings
    tickets = svc.store.tickets_between(d, d)
    ratings = runtime.ratings.ratings.between(d, d) if runtime.ratings is not None else []
    report = reports.daily_report(
        tickets, ratings, d, svc.tz, targets={q.code: float(q.target_wait_s) for q in s.queues},
        names=s.queue_names(), windows={w.number: w.display_name() for w in s.windows},
        sessions=s.hours.sessions)
    report["hall"] = {"name": s.hall.name, "name_en": s.hall.name_en}
    report["appointments"] = AppointmentBook(svc, svc.store.engine, s.appointments).figures(d)
    report["generated_at"] = svc.now().isoformat(timespec="seconds")
    return report


@router.get("/daily")
def daily(runtime: RuntimeDep, svc: ServiceDep, _p: Reader, date: DateQ = None) -> dict[str, Any]:
    """Per queue (issued, served, no-show, transferred, waits, service time, share within target),
    per window and clerk (served, service time, ratings, complaints), by half hour, and the close."""
    return build_report(runtime, svc, date)


class CsvResponse(PlainTextResponse):
    media_type = "text/csv"


@router.get("/daily.csv", response_class=CsvResponse)
def daily_csv(runtime: RuntimeDep, svc: ServiceDep, _p: Reader, date: DateQ = None,
              part: Annotated[Part, Query(description="which table")] = "queues") -> PlainTextResponse:
    report = build_report(runtime, svc, date)
    suffix = "" if part == "queues" else f"-{part.replace('_', '-')}"
    return PlainTextResponse(reports.report_csv(report, part), media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition":
                                      f'attachment; filename="hall-{report["date"]}{suffix}.csv"'})


@router.get("/series")
def series(svc: ServiceDep, _p: Reader, date: DateQ = None,
           step_s: Annotated[int, Query(ge=60, le=3600)] = 60) -> dict[str, Any]:
    """Per queue and minute (``step_s``): people waiting and the longest wait, rebuilt from the tickets."""
    now = svc.now()
    d = date or now.date()
    tickets = svc.tickets_of(d)
    sessions = svc.settings.hours.sessions
    start = datetime.combine(d, sessions[0][0] if sessions else time(9), svc.tz)
    end = datetime.combine(d, sessions[-1][1] if sessions else time(17), svc.tz)
    if tickets:
        start = min(start, min(t.issued_at for t in tickets).astimezone(svc.tz))
        last = max((t.ended_at or t.called_at or t.issued_at) for t in tickets).astimezone(svc.tz)
        end = max(end, last)
    start = start.replace(second=0, microsecond=0)
    end = min(now, end + timedelta(hours=1)) if d == now.date() else end
    out = timeline.series(tickets, [q.code for q in svc.settings.queues], start, end, step_s)
    out.update(date=d.isoformat(), targets={q.code: q.target_wait_s for q in svc.settings.queues})
    return out
