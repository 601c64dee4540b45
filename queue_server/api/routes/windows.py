"""A window's work: status, calling and the current ticket."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response
from pydantic import BaseModel, Field

from hall_contract.protocol import TicketPublic, WindowState
from queue_server.api.deps import CurrentStaff, MaybeStaff, ServiceDep, at_window
from queue_server.api.errors import ApiError
from queue_server.api.routes.tickets import TransferBody
from queue_server.service import Actor, WindowOutcome

router = APIRouter(prefix="/api/windows", tags=["windows"])
WindowNo = Annotated[int, Path(ge=1, le=999)]


@router.get("/{n}", response_model=WindowState)
async def get_window(n: WindowNo, svc: ServiceDep, staff: MaybeStaff) -> WindowState:
    w = svc.window_view(n)
    if staff is None:
        w.clerk = None  # login names are for staff
    return w


class WindowNow(BaseModel):
    """A window with its current ticket as the clerk sees it (masked holder included)."""

    window: WindowState
    ticket: TicketPublic | None = None
    waited_s: int | None = Field(default=None, description="the current ticket's wait: place in line to call")
    at: str


@router.get("/{n}/current", response_model=WindowNow)
async def current(n: WindowNo, svc: ServiceDep, p: CurrentStaff) -> WindowNow:
    at_window(p, n, managers_too=True)
    now = svc.window_now(n)
    return WindowNow(window=now.window, ticket=now.ticket, waited_s=now.waited_s, at=now.at)


@router.post("/{n}/open", response_model=WindowState)
async def open_window(n: WindowNo, svc: ServiceDep, p: CurrentStaff) -> WindowState:
    at_window(p, n, managers_too=True)
    actor = p.actor()
    return svc.open_window(n, actor, clerk=actor.clerk).window


@router.post("/{n}/pause", response_model=WindowState)
async def pause_window(n: WindowNo, svc: ServiceDep, p: CurrentStaff) -> WindowState:
    at_window(p, n, managers_too=True)
    return svc.pause_window(n, p.actor()).window


@router.post("/{n}/close", response_model=WindowState)
async def close_window(n: WindowNo, svc: ServiceDep, p: CurrentStaff) -> WindowState:
    at_window(p, n, managers_too=True)
    return svc.close_window(n, p.actor()).window


def _ticket_of(out: WindowOutcome) -> TicketPublic:
    if out.ticket is None:
        raise ApiError(409, "no_change", "没有可操作的号 (nothing to act on)")
    return out.ticket


@router.post("/{n}/call-next", response_model=TicketPublic,
             responses={204: {"description": "nobody waits for this window's queues"}})
async def call_next(n: WindowNo, svc: ServiceDep, p: CurrentStaff) -> TicketPublic | Response:
    at_window(p, n, managers_too=False)
    out = svc.call_next(n, p.actor())
    return Response(status_code=204) if out.ticket is None else out.ticket


def _clerk(p: CurrentStaff, n: int) -> Actor:
    at_window(p, n, managers_too=False)
    return p.actor()


@router.post("/{n}/recall", response_model=TicketPublic)
async def recall(n: WindowNo, svc: ServiceDep, p: CurrentStaff) -> TicketPublic:
    return _ticket_of(svc.recall(n, _clerk(p, n)))


@router.post("/{n}/no-show", response_model=TicketPublic)
async def no_show(n: WindowNo, svc: ServiceDep, p: CurrentStaff) -> TicketPublic:
    return _ticket_of(svc.no_show(n, _clerk(p, n)))


@router.post("/{n}/start", response_model=TicketPublic)
async def start(n: WindowNo, svc: ServiceDep, p: CurrentStaff) -> TicketPublic:
    return _ticket_of(svc.start(n, _clerk(p, n)))


@router.post("/{n}/finish", response_model=TicketPublic)
async def finish(n: WindowNo, svc: ServiceDep, p: CurrentStaff) -> TicketPublic:
    return _ticket_of(svc.finish(n, _clerk(p, n)))


@router.post("/{n}/transfer", response_model=TicketPublic)
async def transfer(n: WindowNo, body: TransferBody, svc: ServiceDep, p: CurrentStaff) -> TicketPublic:
    return _ticket_of(svc.transfer(n, body.queue, _clerk(p, n)))


class QueuesBody(BaseModel):
    queues: list[Annotated[str, Field(min_length=1, max_length=4)]] = Field(max_length=26)


@router.put("/{n}/queues", response_model=WindowState)
async def assign_queues(n: WindowNo, body: QueuesBody, svc: ServiceDep, p: CurrentStaff) -> WindowState:
    if p.role not in ("manager", "admin"):
        raise ApiError(403, "forbidden", "只有前台主管可以分配弹性窗口 (only a manager assigns queues)")
    return svc.assign_queues(n, body.queues, p.actor()).window
