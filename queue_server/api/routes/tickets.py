"""Issuing tickets and looking them up."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response
from fastapi.security import HTTPBearer
from pydantic import BaseModel, Field

from hall_contract.protocol import IssueTicketArgs, TicketPublic
from queue_server.api.deps import ServiceDep, current_staff, get_runtime, require
from queue_server.api.errors import ApiError
from queue_server.auth import Principal
from queue_server.service import Actor

router = APIRouter(prefix="/api/tickets", tags=["tickets"])
_bearer = HTTPBearer(auto_error=False)
Number = Annotated[str, Path(min_length=2, max_length=8, pattern=r"^[A-Za-z][0-9]{1,6}$")]


async def optional_staff(request: Request) -> Principal | None:
    """The staff member when a token is sent (a wrong one is 401, as everywhere); None without one."""
    if not request.headers.get("authorization"):
        return None
    cred = await _bearer(request)
    return await current_staff(await get_runtime(request), cred)


def _without_holder(t: TicketPublic) -> TicketPublic:
    t.holder = None
    return t


@router.post("", response_model=TicketPublic, status_code=201,
             responses={200: {"description": "the same request_id answered before", "model": TicketPublic}})
async def issue_ticket(body: IssueTicketArgs, svc: ServiceDep, response: Response,
                       staff: Annotated[Principal | None, Depends(optional_staff)]) -> TicketPublic:
    # someone on the hall network without a token: a normal ticket only (a priority comes from the guide
    # desk, a kiosk that read the card, or an appointment check-in)
    if staff is None and (body.priority != "normal" or body.holder is not None or body.holder_ref is not None):
        raise ApiError(403, "priority_not_allowed", "优先号及持证人信息须经导办台或自助机核验 "
                       "(without a staff token only normal tickets are issued here)")
    actor = Actor.anonymous("web") if staff is None else staff.actor()
    ticket, new = svc.issue(body, actor)
    if not new:
        response.status_code = 200
    return ticket


@router.get("/{number}", response_model=TicketPublic)
async def ticket_status(number: Number, svc: ServiceDep) -> TicketPublic:
    return _without_holder(svc.ticket_public(number))


class TransferBody(BaseModel):
    queue: str = Field(min_length=1, max_length=4)


@router.post("/{number}/cancel", response_model=TicketPublic)
async def cancel(number: Number, svc: ServiceDep,
           p: Annotated[Principal, Depends(require("clerk", "manager", "admin"))]) -> TicketPublic:
    return _without_holder(svc.cancel(number, p.actor()))


@router.post("/{number}/transfer", response_model=TicketPublic)
async def transfer(number: Number, body: TransferBody, svc: ServiceDep,
             p: Annotated[Principal, Depends(require("manager", "admin"))]) -> TicketPublic:
    return _without_holder(svc.transfer_ticket(number, body.queue, p.actor()))
