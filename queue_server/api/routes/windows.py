"""A window's work: status, calling and the current ticket."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response
from pydantic import BaseModel, Field

from hall_contract.protocol import TicketPublic, WindowState
from queue_server import payloads
from queue_server.api.deps import CurrentStaff, ServiceDep, at_window
from queue_server.api.errors import ApiError
from queue_server.api.routes.tickets import TransferBody, public
from queue_server.engine import Change
from queue_server.service import HallService

router = APIRouter(prefix="/api/windows", tags=["windows"])
WindowNo = Annotated[int, Path(ge=1, le=999)]


def window_out(svc: HallService, n: int) -> WindowState:
    with svc.lock:
        return payloads.window_state(svc.hall.window(n), svc.tz)


def _status(n: int, action: str, svc: HallService, p: CurrentStaff) -> WindowState:
    at_window(p, n, managers_too=True)
    svc.window_op(n, action, p.username, clerk=p.username if p.role == "clerk" else None)
    return window_out(svc, n)


@router.get("/{n}", response_model=WindowState)
async def get_window(n: WindowNo, svc: ServiceDep) -> WindowState:
    return window_out(svc, n)


class WindowNow(BaseModel):
    """A window with its current ticket as the clerk sees it (masked holder included)."""

    window: WindowState
    ticket: TicketPublic | None = None
    waited_s: int | None = Field(default=None, description="the current ticket's wait: place in line to call")
    at: str


@router.get("/{n}/current", response_model=WindowNow)
async def current(n: WindowNo, svc: ServiceDep, p: CurrentStaff) -> WindowNow:
    at_window(p, n, managers_too=True)
    with svc.lock:
        w = svc.hall.window(n)
        t = w.current
        ticket = payloads.ticket_public(svc.hall, t, svc.settings.status_url()) if t is not None else None
        waited = round(t.waited_s(t.called_at)) if t is not None and t.called_at is not None else None
        return WindowNow(window=payloads.window_state(w, svc.tz), ticket=ticket, waited_s=waited,
                         at=payloads.iso(svc.now(), svc.tz) or "")


@router.post("/{n}/open", response_model=WindowState)
async def open_window(n: WindowNo, svc: ServiceDep, p: CurrentStaff) -> WindowState:
    return _status(n, "open", svc, p)


@router.post("/{n}/pause", response_model=WindowState)
async def pause_window(n: WindowNo, svc: ServiceDep, p: CurrentStaff) -> WindowState:
    return _status(n, "pause", svc, p)


@router.post("/{n}/close", response_model=WindowState)
async def close_window(n: WindowNo, svc: ServiceDep, p: CurrentStaff) -> WindowState:
    return _status(n, "close", svc, p)


def _ticket_of(svc: HallService, change: Change | None) -> TicketPublic:
    if change is None or not change.tickets:
        raise ApiError(409, "no_change", "没有可操作的号 (nothing to act on)")
    return public(svc, change.tickets[-1], with_holder=True)


@router.post("/{n}/call-next", response_model=TicketPublic,
             responses={204: {"description": "nobody waits for this window's queues"}})
async def call_next(n: WindowNo, svc: ServiceDep, p: CurrentStaff) -> TicketPublic | Response:
    at_window(p, n, managers_too=False)
    change = svc.window_op(n, "call_next", p.username)
    if change is None or change.call is None:
        return Response(status_code=204)
    return _ticket_of(svc, change)


def _act(n: int, action: str, svc: HallService, p: CurrentStaff, **kw: str) -> TicketPublic:
    at_window(p, n, managers_too=False)
    return _ticket_of(svc, svc.window_op(n, action, p.username, **kw))


@router.post("/{n}/recall", response_model=TicketPublic)
async def recall(n: WindowNo, svc: ServiceDep, p: CurrentStaff) -> TicketPublic:
    return _act(n, "recall", svc, p)


@router.post("/{n}/no-show", response_model=TicketPublic)
async def no_show(n: WindowNo, svc: ServiceDep, p: CurrentStaff) -> TicketPublic:
    return _act(n, "no_show", svc, p)


@router.post("/{n}/start", response_model=TicketPublic)
async def start(n: WindowNo, svc: ServiceDep, p: CurrentStaff) -> TicketPublic:
    return _act(n, "start", svc, p)


@router.post("/{n}/finish", response_model=TicketPublic)
async def finish(n: WindowNo, svc: ServiceDep, p: CurrentStaff) -> TicketPublic:
    return _act(n, "finish", svc, p)


@router.post("/{n}/transfer", response_model=TicketPublic)
async def transfer(n: WindowNo, body: TransferBody, svc: ServiceDep, p: CurrentStaff) -> TicketPublic:
    return _act(n, "transfer", svc, p, queue=body.queue)


class QueuesBody(BaseModel):
    queues: list[Annotated[str, Field(min_length=1, max_length=4)]] = Field(max_length=26)


@router.put("/{n}/queues", response_model=WindowState)
async def assign_queues(n: WindowNo, body: QueuesBody, svc: ServiceDep, p: CurrentStaff) -> WindowState:
    if p.role not in ("manager", "admin"):
        raise ApiError(403, "forbidden", "只有前台主管可以分配弹性窗口 (only a manager assigns queues)")
    svc.window_op(n, "assign", p.username, queues=body.queues)
    return window_out(svc, n)
