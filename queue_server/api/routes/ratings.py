"""好差评: the window's rating request (public, for the customer-facing tablet), the tablet's answer,
and the manager's list of ratings with the follow-up of negative ones."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, Field

from queue_server import payloads
from queue_server.api.deps import DayQuery, MaybeStaff, RuntimeDep, ServiceDep, require
from queue_server.api.errors import ApiError
from queue_server.api.routes.rectification import desk_of as rectification_desk
from queue_server.api.routes.tablets import TabletToken, require_tablet
from queue_server.api.routes.windows import WindowNo
from queue_server.auth import Principal
from queue_server.frontdesk.staff_cards import staff_card, window_clerk
from queue_server.rating_detail import (
    REASONS_MAX,
    TEXT_MAX,
    DetailError,
    RatingDetail,
    clean_phone,
    clean_reasons,
    clean_text,
    details_for,
    phone_of,
)
from queue_server.ratings import RatingDesk
from queue_server.runtime import HallRuntime
from queue_server.settings import REASON_DIMENSIONS
from queue_server.store import RatingRecord

router = APIRouter(prefix="/api", tags=["ratings"])
Reader = Annotated[Principal, Depends(require("manager", "auditor", "admin"))]
Manager = Annotated[Principal, Depends(require("manager", "admin"))]
RatingId = Annotated[int, Path(ge=1, le=2**31 - 1)]


def desk_of(runtime: HallRuntime) -> RatingDesk:
    if runtime.ratings is None:
        raise ApiError(503, "starting", "服务正在启动 (the server is starting)")
    return runtime.ratings


class RatingOut(BaseModel):
    id: int
    day: str
    number: str
    queue: str
    window: int
    clerk: str | None
    requested_at: str
    outcome: str
    rating: int | None
    reason: str | None
    source: str | None
    answered_at: str | None
    follow_up: str | None
    follow_up_note: str | None
    follow_up_by: str | None
    follow_up_at: str | None
    reasons: list[str] = []
    dimensions: list[str] = []
    text: str | None = None
    phone_masked: str | None = None


def rating_out(r: RatingRecord, tz: Any, detail: dict[str, Any] | None = None) -> RatingOut:
    def t(v: datetime | None) -> str | None:
        return payloads.iso(v, tz)

    return RatingOut(id=r.id, day=r.day.isoformat(), number=r.number, queue=r.queue, window=r.window,
                     clerk=r.clerk, requested_at=t(r.requested_at) or "", outcome=r.outcome, rating=r.rating,
                     reason=r.reason, source=r.source, answered_at=t(r.answered_at), follow_up=r.follow_up,
                     follow_up_note=r.follow_up_note, follow_up_by=r.follow_up_by, follow_up_at=t(r.follow_up_at),
                     **(detail or {}))


def with_details(desk: RatingDesk, rows: list[RatingRecord], tz: Any) -> list[RatingOut]:
    found = details_for(desk.store.engine, [r.id for r in rows])
    return [rating_out(r, tz, found.get(r.id)) for r in rows]


def evaluation_view(desk: RatingDesk, n: int, now: datetime, tz: Any) -> dict[str, Any]:
    """What window n's rating tablet shows: the pending request and the last outcome (no personal data)."""
    pending = desk.pending_for(n)
    last = desk.last_for(n)
    engine = desk.store.engine
    clerk = pending.clerk if pending is not None else window_clerk(engine, n)
    return {
        "clerk": staff_card(engine, clerk),
        "window": n,
        "pending": None if pending is None else {
            "number": pending.number, "ticket_id": pending.ticket_id,
            "requested_at": payloads.iso(pending.requested_at, tz), "timeout_s": desk.cfg.timeout_s,
            "remaining_s": max(0, round(desk.cfg.timeout_s - (now - pending.requested_at).total_seconds()))},
        "last": None if last is None else {
            "number": last.number, "ticket_id": last.ticket_id, "outcome": last.outcome, "rating": last.rating,
            "at": payloads.iso(last.answered_at, tz)},
        "reasons": list(desk.cfg.reasons),
        "dimensions": {dim: [r for r in codes if r in desk.cfg.reasons] for dim, codes in REASON_DIMENSIONS.items()},
        "text_max": TEXT_MAX,
    }


def sees_evaluations(p: Principal, n: int) -> bool:
    """Managers, auditors and admins see every window's rating request; a clerk their own window's."""
    return p.role in ("manager", "auditor", "admin") or (p.role == "clerk" and p.window in (None, n))


@router.get("/evaluations/{n}")
def evaluation(n: WindowNo, runtime: RuntimeDep, svc: ServiceDep, staff: MaybeStaff,
               tablet: TabletToken = None) -> dict[str, Any]:
    """Window n's pending request: for its paired tablet, the clerk at n, managers and auditors only."""
    svc.window_info(n)  # 404 for a window the hall does not have
    if staff is None or not sees_evaluations(staff, n):
        require_tablet(runtime, n, tablet)
    return evaluation_view(desk_of(runtime), n, svc.now(), svc.tz)


_SEP = r"[\s()-]*"
#: what clean_phone takes: blank, or an 11-digit mobile or a landline with its area code, optionally after +86,
#: with spaces, dashes and brackets anywhere
PHONE = (rf"^\s*$|^{_SEP}(\+{_SEP}8{_SEP}6)?{_SEP}(1{_SEP}[3-9]({_SEP}[0-9]){{9}}|0({_SEP}[0-9]){{9,11}}){_SEP}$")


class RatingIn(BaseModel):
    rating: int = Field(ge=1, le=5, description="1 非常不满意 … 5 非常满意")
    reason: str | None = Field(default=None, max_length=64, description="after 1 or 2: one of the hall's reasons")
    ticket_id: str | None = Field(default=None, max_length=40)
    number: str | None = Field(default=None, max_length=16)
    reasons: list[Annotated[str, Field(max_length=32)]] | None = Field(
        default=None, max_length=REASONS_MAX, description="after 1 or 2: reasons from the hall's list, by dimension")
    text: str | None = Field(default=None, max_length=1000, description=f"the citizen's words; control "
                             f"characters removed, kept to {TEXT_MAX} characters")
    phone: str | None = Field(default=None, max_length=24, pattern=PHONE,
                              description="a mobile or landline for a call back (blank: none)")


@router.post("/evaluations/{n}/result", response_model=RatingOut, status_code=201)
def rate(n: WindowNo, body: RatingIn, runtime: RuntimeDep, svc: ServiceDep, tablet: TabletToken = None) -> RatingOut:
    """Window n's paired rating tablet answers its pending request (one rating per visit)."""
    svc.window_info(n)
    require_tablet(runtime, n, tablet)
    desk = desk_of(runtime)
    if body.reason == "":
        body.reason = None  # an empty reason is no reason
    if body.reason is not None and body.reason not in desk.cfg.reasons:
        raise ApiError(422, "unknown_reason", f"reason: one of {', '.join(desk.cfg.reasons)}")
    try:
        detail = RatingDetail(clean_reasons(body.reasons, list(desk.cfg.reasons)), clean_text(body.text),
                              clean_phone(body.phone))
    except DetailError as err:
        raise ApiError(422, err.code, str(err)) from err
    reason = body.reason or (detail.reasons[0] if detail.reasons else None)
    rec = desk.submit(n, body.rating, reason, ticket_id=body.ticket_id, number=body.number,
                      source=f"tablet:{n}", detail=None if detail.empty else detail)
    return with_details(desk, [rec], svc.tz)[0]


@router.get("/ratings", response_model=list[RatingOut])
def ratings(runtime: RuntimeDep, svc: ServiceDep, _p: Reader,
            date: DayQuery = None,
            negative: Annotated[bool, Query(description="only 不满意 and 非常不满意")] = False,
            open_only: Annotated[bool, Query(alias="open", description="negative ratings of any day still "
                                             "awaiting follow-up (待整改)")] = False) -> list[RatingOut]:
    desk = desk_of(runtime)
    if open_only:
        rows = desk.ratings.open_follow_ups()
    else:
        d = date or svc.now().date()
        rows = desk.ratings.between(d, d, negative_only=negative)
    return with_details(desk, rows, svc.tz)


class FollowUpIn(BaseModel):
    state: str = Field(pattern="^(open|done)$", description="open 待整改, done 已整改")
    note: str | None = Field(default=None, max_length=500)


@router.put("/ratings/{rid}/follow-up", response_model=RatingOut)
def follow_up(rid: RatingId, body: FollowUpIn, runtime: RuntimeDep, svc: ServiceDep, p: Manager) -> RatingOut:
    """The manager answers a negative rating (待整改 → 已整改, with a note); audited. Kept for older
    clients: done also closes the rating's open 整改 case with the note as the feedback given."""
    desk = desk_of(runtime)
    rec = desk.follow_up(rid, body.state, body.note, p.username)
    if body.state == "done" and rectification_desk(svc).close_for_rating(
            rid, feedback=body.note or "", by=p.username, now=svc.now()) is not None:
        rec = desk.ratings.get(rid) or rec
    return with_details(desk, [rec], svc.tz)[0]


@router.get("/ratings/{rid}/callback")
def callback(rid: RatingId, runtime: RuntimeDep, svc: ServiceDep, p: Manager) -> dict[str, Any]:
    """The full call-back number a citizen left with a rating, for the manager's call; each read is audited."""
    desk = desk_of(runtime)
    rec = desk.ratings.get(rid)
    phone = phone_of(desk.store.engine, rid) if rec is not None else None
    if rec is None or phone is None:
        raise ApiError(404, "no_callback", f"评价 {rid} 没有留下回访电话 (rating {rid} left no phone number)")
    now = svc.now()
    with desk.store.transaction() as conn:
        desk.store.audit(conn, p.username, "callback_phone_read", rec.number, {"rating_id": rid}, now)
    return {"rating_id": rid, "number": rec.number, "phone": phone}
