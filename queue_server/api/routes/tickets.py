"""Issuing tickets and looking them up."""
from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Response
from pydantic import BaseModel, Field

from hall_contract.protocol import IssueTicketArgs, TicketPublic
from queue_server import payloads
from queue_server.api.deps import ServiceDep, require
from queue_server.auth import Principal
from queue_server.service import HallService

router = APIRouter(prefix="/api/tickets", tags=["tickets"])
Number = Annotated[str, Path(min_length=2, max_length=8, pattern=r"^[A-Za-z][0-9]{1,6}$")]


def public(svc: HallService, ticket: Any, with_holder: bool) -> TicketPublic:
    with svc.lock:
        out = payloads.ticket_public(svc.hall, ticket, svc.settings.status_url())
    if not with_holder:
        out.holder = None
    return out


@router.post("", response_model=TicketPublic, status_code=201,
             responses={200: {"description": "the same request_id answered before", "model": TicketPublic}})
async def issue_ticket(body: IssueTicketArgs, svc: ServiceDep, response: Response) -> TicketPublic:
    ticket, new = svc.issue(body, actor=body.source or "web")
    if not new:
        response.status_code = 200
    return public(svc, ticket, with_holder=True)


@router.get("/{number}", response_model=TicketPublic)
async def ticket_status(number: Number, svc: ServiceDep) -> TicketPublic:
    return public(svc, svc.find(number), with_holder=False)


class TransferBody(BaseModel):
    queue: str = Field(min_length=1, max_length=4)


@router.post("/{number}/cancel", response_model=TicketPublic)
async def cancel(number: Number, svc: ServiceDep,
           p: Annotated[Principal, Depends(require("clerk", "manager", "admin"))]) -> TicketPublic:
    svc.cancel(number, p.username)
    return public(svc, svc.find(number), with_holder=False)


@router.post("/{number}/transfer", response_model=TicketPublic)
async def transfer(number: Number, body: TransferBody, svc: ServiceDep,
             p: Annotated[Principal, Depends(require("manager", "admin"))]) -> TicketPublic:
    svc.transfer_ticket(number, body.queue, p.username)
    return public(svc, svc.find(number), with_holder=False)
