"""The audit trail for the admin and the auditor (第五十八条): search by time, actor, ticket and window;
CSV export."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import PlainTextResponse

from queue_server.api.deps import ServiceDep, require
from queue_server.api.errors import ApiError
from queue_server.audit_log import AuditFilter, rows_for_csv, search, to_csv
from queue_server.auth import Principal

router = APIRouter(prefix="/api", tags=["audit"])
Auditor = Annotated[Principal, Depends(require("admin", "auditor"))]
CSV_MAX_ROWS = 50_000


def _moment(value: str | None, tz: tzinfo, end: bool) -> datetime | None:
    """``YYYY-MM-DD`` (a whole day: ``to`` takes it in) or an ISO time; naive times are the hall's."""
    if value is None or not value.strip():
        return None
    try:
        if len(value) == 10:
            d = date.fromisoformat(value)
            return datetime.combine(d + timedelta(days=1) if end else d, time(0), tzinfo=tz)
        at = datetime.fromisoformat(value)
    except ValueError as err:
        raise ApiError(422, "validation_error", f"{'to' if end else 'from'}: YYYY-MM-DD or an ISO time") from err
    return at if at.tzinfo is not None else at.replace(tzinfo=tz)


def _filter(svc: Any, start: str | None, end: str | None, actor: str | None, ticket: str | None,
            window: int | None, action: str | None) -> AuditFilter:
    return AuditFilter(_moment(start, svc.tz, False), _moment(end, svc.tz, True), actor or None, ticket or None,
                       window, action or None)


MOMENT = r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?)?$"
From = Annotated[str | None, Query(alias="from", max_length=32, pattern=MOMENT, description="YYYY-MM-DD or ISO time")]
To = Annotated[str | None, Query(alias="to", max_length=32, pattern=MOMENT,
                                 description="YYYY-MM-DD (the whole day) or ISO time")]
ActorQ = Annotated[str | None, Query(max_length=64, description="part of the actor (staff:wang, device:kiosk-1)")]
TicketQ = Annotated[str | None, Query(max_length=16, pattern=r"^[A-Za-z]\d{1,4}$", description="a number: A001")]
WindowQ = Annotated[int | None, Query(ge=1, le=99)]
ActionQ = Annotated[str | None, Query(max_length=32)]


@router.get("/audit")
def audit(svc: ServiceDep, _p: Auditor, start: From = None, end: To = None, actor: ActorQ = None,
          ticket: TicketQ = None, window: WindowQ = None, action: ActionQ = None,
          limit: Annotated[int, Query(ge=1, le=1000)] = 200,
          offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0) -> dict[str, Any]:
    """Audit rows newest first: ``{"rows": [{id, at, actor, action, subject, detail}], "more"}``."""
    f = _filter(svc, start, end, actor, ticket, window, action)
    return search(svc.store.engine, f, svc.tz, limit, offset)


class CsvResponse(PlainTextResponse):
    media_type = "text/csv"


@router.get("/audit.csv", response_class=CsvResponse)
def audit_csv(svc: ServiceDep, _p: Auditor, start: From = None, end: To = None, actor: ActorQ = None,
              ticket: TicketQ = None, window: WindowQ = None, action: ActionQ = None) -> PlainTextResponse:
    """The same rows, oldest first, as CSV (at most 50,000); no cell runs as a spreadsheet formula."""
    f = _filter(svc, start, end, actor, ticket, window, action)
    body = to_csv(rows_for_csv(svc.store.engine, f, svc.tz, CSV_MAX_ROWS))
    return PlainTextResponse(body, media_type="text/csv; charset=utf-8",
                             headers={"content-disposition": 'attachment; filename="hall-audit.csv"'})
