"""The day's figures (manager, auditor) as JSON and CSV."""
from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import PlainTextResponse

from queue_server import stats
from queue_server.api.deps import ServiceDep, require
from queue_server.auth import Principal

router = APIRouter(prefix="/api/stats", tags=["stats"])
Reader = Annotated[Principal, Depends(require("manager", "auditor", "admin"))]


def _report(svc: Any, day: date | None) -> dict[str, Any]:
    d = day or svc.now().date()
    s = svc.settings
    tickets = svc.store.tickets_between(d, d)
    return stats.daily(tickets, d, {q.code: float(q.target_wait_s) for q in s.queues}, s.queue_names())


@router.get("/daily")
def daily(svc: ServiceDep, _p: Reader, date: Annotated[date | None, Query()] = None) -> dict[str, Any]:
    return _report(svc, date)


@router.get("/daily.csv", response_class=PlainTextResponse)
def daily_csv(svc: ServiceDep, _p: Reader, date: Annotated[date | None, Query()] = None) -> PlainTextResponse:
    report = _report(svc, date)
    return PlainTextResponse(stats.daily_csv(report), media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": f'attachment; filename="hall-{report["date"]}.csv"'})
