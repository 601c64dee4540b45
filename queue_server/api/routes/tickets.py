"""Issuing tickets and looking them up."""
from __future__ import annotations

import math
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response
from pydantic import BaseModel, Field

from hall_contract.protocol import IssueTicketArgs, TicketPublic
from queue_server.api.deps import MaybeStaff, ServiceDep, client_key, require
from queue_server.api.errors import ApiError
from queue_server.api.throttle import RateLimit
from queue_server.auth import Principal
from queue_server.service import Actor

router = APIRouter(prefix="/api/tickets", tags=["tickets"])
Number = Annotated[str, Path(min_length=2, max_length=8, pattern=r"^[A-Za-z][0-9]{1,6}$")]


def _without_holder(t: TicketPublic) -> TicketPublic:
    t.holder = None
    return t


def issue_limit_of(request: Request) -> RateLimit:
    limit: RateLimit | None = getattr(request.app.state, "issue_limit", None)
    if limit is None:
        s = request.app.state.runtime.settings.server
        limit = request.app.state.issue_limit = RateLimit(s.anonymous_issue_burst, s.anonymous_issue_per_minute)
    return limit


def _anonymous_may(body: IssueTicketArgs) -> None:
    """Without a token: a normal ticket for a queue or item, nothing about its holder or source."""
    asked = [f for f in ("holder", "holder_ref", "source") if getattr(body, f) is not None]
    if body.priority != "normal" or asked:
        what = ", ".join(([f"priority {body.priority}"] if body.priority != "normal" else []) + asked)
        raise ApiError(403, "priority_not_allowed", f"优先号及持证人信息须经导办台或自助机核验 (without a staff "
                       f"token only normal tickets are issued here; not allowed: {what})")


@router.post("", response_model=TicketPublic, status_code=201,
             responses={200: {"description": "the same request_id answered before", "model": TicketPublic},
                        429: {"description": "too many tickets from this address"}})
async def issue_ticket(body: IssueTicketArgs, svc: ServiceDep, response: Response, staff: MaybeStaff,
                       request: Request) -> TicketPublic:
    if staff is None:  # someone on the hall network: a normal ticket, a few at a time
        _anonymous_may(body)
        wait = issue_limit_of(request).take(client_key(request))
        if wait > 0:
            raise ApiError(429, "rate_limited", f"取号过于频繁，请 {math.ceil(wait)} 秒后再试 "
                           f"(too many tickets from this address: try again in {math.ceil(wait)} s)",
                           {"Retry-After": str(math.ceil(wait))})
        actor = Actor.anonymous("web")
    else:  # the guide desk: a staff member vouches for the priority and the holder
        actor = staff.actor()
    ticket, new = svc.issue(body, actor)
    if not new:
        response.status_code = 200
    return ticket if staff is not None else _without_holder(ticket)  # a guessed request_id shows no holder


@router.get("/{number}", response_model=TicketPublic)
async def ticket_status(number: Number, svc: ServiceDep) -> TicketPublic:
    return _without_holder(svc.ticket_public(number))


class TransferBody(BaseModel):
    queue: str = Field(min_length=1, max_length=4)


def _own_ticket(svc: ServiceDep, number: str, p: Principal) -> None:
    """A clerk acts only on the ticket now at their own window; a manager anywhere."""
    if p.role in ("manager", "admin"):
        return
    t = svc.ticket_public(number)
    mine = p.window is not None and t.window == p.window and svc.window_view(p.window).current == t.number
    if not mine:
        raise ApiError(403, "not_your_ticket", f"{t.number} 不在您的窗口办理，不能操作 "
                       f"(only the ticket at your own window: {t.number} is not)")


@router.post("/{number}/cancel", response_model=TicketPublic)
async def cancel(number: Number, svc: ServiceDep,
           p: Annotated[Principal, Depends(require("clerk", "manager", "admin"))]) -> TicketPublic:
    _own_ticket(svc, number, p)
    return _without_holder(svc.cancel(number, p.actor()))


@router.post("/{number}/transfer", response_model=TicketPublic)
async def transfer(number: Number, body: TransferBody, svc: ServiceDep,
             p: Annotated[Principal, Depends(require("manager", "admin"))]) -> TicketPublic:
    return _without_holder(svc.transfer_ticket(number, body.queue, p.actor()))
