"""整改 (第五十四条): the cases opened for negative ratings and complaints, their extension with a
manager's approval, their closure with the feedback given, and the closure rate."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, BeforeValidator, Field

from queue_server.api.deps import CurrentStaff, RuntimeDep, ServiceDep, require
from queue_server.api.errors import ApiError
from queue_server.auth import Principal
from queue_server.rectification import Case, RectificationDesk
from queue_server.service import HallService

router = APIRouter(prefix="/api", tags=["rectification"])
Reader = Annotated[Principal, Depends(require("manager", "admin", "auditor", "clerk"))]
Manager = Annotated[Principal, Depends(require("manager", "admin"))]
APPROVER_ROLES = ("manager",)
CaseId = Annotated[int, Path(ge=1, le=2**31 - 1)]


def _strict_day(value: object) -> object:
    """Only ``YYYY-MM-DD`` (pydantic alone would take a number as a Unix time)."""
    if value is None or isinstance(value, date) or (isinstance(value, str) and len(value) == 10):
        return value
    raise ValueError("a day is written YYYY-MM-DD")


Day = Annotated[date | None, BeforeValidator(_strict_day)]


def desk_of(svc: HallService) -> RectificationDesk:
    return RectificationDesk(svc.store.engine, svc.settings.hours, svc.tz, svc.settings.retention.personal_data_days)


def _may_act(p: Principal, case: Case) -> None:
    """The owner (the window's clerk) or a manager acts on a case; an auditor only reads."""
    if p.role in ("manager", "admin"):
        return
    if p.role != "clerk" or case.owner != p.username:
        raise ApiError(403, "forbidden", "只有责任人或前台主管可以处理此整改 (only the owner or a manager may)")


@router.get("/rectifications")
def cases(svc: ServiceDep, p: Reader,
          open_only: Annotated[bool, Query(alias="open", description="only cases not yet closed")] = False
          ) -> dict[str, Any]:
    """The cases (a clerk sees their own), each with its ``overdue`` flag; the contact is masked."""
    desk = desk_of(svc)
    today = svc.now().date()
    desk.sync(today)
    rows = desk.cases(open_only=open_only, owner=p.username if p.role == "clerk" else None)
    out = [c.public(today, svc.tz) for c in rows]
    return {"cases": out, "overdue": sum(1 for c in out if c["overdue"] and c["state"] == "open")}


class ComplaintIn(BaseModel):
    summary: str = Field(min_length=1, max_length=500, description="what the citizen complains of")
    window: int | None = Field(default=None, ge=1, le=99)
    number: str | None = Field(default=None, max_length=16)
    owner: str | None = Field(default=None, max_length=64, description="default: the window's clerk")
    contact: str | None = Field(default=None, max_length=24, pattern=r"^\+?[0-9 -]{5,20}$",
                                description="a phone number for the call back (shown masked)")


@router.post("/rectifications/complaints", status_code=201)
def complaint(body: ComplaintIn, svc: ServiceDep, p: Manager) -> dict[str, Any]:
    """Register a complaint (第五十三条); it follows the same 整改 path as a negative rating."""
    owner = body.owner
    if owner is None and body.window is not None:
        owner = svc.window_view(body.window).clerk
    case = desk_of(svc).complaint(summary=body.summary, by=p.actor().audit_name, now=svc.now(), window=body.window,
                                  owner=owner, number=body.number, contact=body.contact)
    return case.public(svc.now().date(), svc.tz)


class ExtendIn(BaseModel):
    due: date = Field(description="the new due date, YYYY-MM-DD")
    approver: str = Field(min_length=1, max_length=64, pattern=r"^[^\x00-\x1f\x7f-\x9f]+$",
                          description="the manager who approved (an account with the manager role)")
    reason: str | None = Field(default=None, max_length=200)


@router.post("/rectifications/{cid}/extend")
def extend(cid: CaseId, body: ExtendIn, runtime: RuntimeDep, svc: ServiceDep, p: CurrentStaff) -> dict[str, Any]:
    """A later due date, only with a named approver who is a manager; audited."""
    desk = desk_of(svc)
    case = desk.get(cid)
    _may_act(p, case)
    if body.approver:
        account = runtime.staff.get(body.approver) if runtime.staff is not None else None
        if account is None or not account.active or account.role not in APPROVER_ROLES:
            raise ApiError(409, "approver_not_manager", f"{body.approver} 不是前台主管，不能批准延期 "
                           "(the approver must be a manager's account)")
    if body.due > svc.now().date() + timedelta(days=366):
        raise ApiError(422, "validation_error", "due: at most a year ahead")
    case = desk.extend(cid, new_due=body.due, approver=body.approver, reason=body.reason,
                       by=p.actor().audit_name, now=svc.now())
    return case.public(svc.now().date(), svc.tz)


class CloseIn(BaseModel):
    feedback: str = Field(min_length=1, max_length=500, description="what was done and told to the citizen")


@router.post("/rectifications/{cid}/close")
def close(cid: CaseId, body: CloseIn, svc: ServiceDep, p: CurrentStaff) -> dict[str, Any]:
    """整改 done, with the feedback given to the citizen; audited."""
    desk = desk_of(svc)
    _may_act(p, desk.get(cid))
    case = desk.close(cid, feedback=body.feedback, by=p.actor().audit_name, now=svc.now())
    return case.public(svc.now().date(), svc.tz)


@router.get("/rectifications/report")
def report(svc: ServiceDep, _p: Annotated[Principal, Depends(require("manager", "admin", "auditor"))],
           start: Annotated[Day, Query(alias="from", description="YYYY-MM-DD, default the 1st of this month")]
           = None,
           end: Annotated[Day, Query(alias="to", description="YYYY-MM-DD, default today")] = None) -> dict[str, Any]:
    """The period's cases (default: this month): opened, closed, closed on time, overdue, the rate on time."""
    desk = desk_of(svc)
    today = svc.now().date()
    desk.sync(today)
    return desk.report(start or today.replace(day=1), end or today, today)
