"""The people the advice sends: their notices, and their arrival at the elastic window.

采纳 of an open (``POST /api/advice/{id}/accept``) names a person; their page polls
``GET /api/advice/notices`` and shows where to go. At the window they press 到岗开窗
(``POST /api/windows/{n}/arrive``): the window opens with them at it, serving the advice's queues.
"""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from hall_contract.protocol import WindowState
from queue_server.api.deps import CurrentStaff, ServiceDep
from queue_server.api.errors import ApiError

router = APIRouter(prefix="/api", tags=["advice"])
WindowNo = Annotated[int, Path(ge=1, le=999)]


class Notice(BaseModel):
    window: int
    window_name: str
    queues: list[str]
    accepted_at: str | None
    ready_at: str | None
    by: str
    text: str
    text_en: str


class Notices(BaseModel):
    notices: list[Notice] = Field(default_factory=list)


@router.get("/advice/notices", response_model=Notices)
async def my_notices(svc: ServiceDep, p: CurrentStaff) -> Notices:
    """The elastic windows the caller has been sent to and not reached yet."""
    return Notices(notices=[Notice(**n) for n in svc.advice_notices(p.username)])


@router.post("/windows/{n}/arrive", response_model=WindowState)
async def arrive(n: WindowNo, svc: ServiceDep, p: CurrentStaff) -> WindowState:
    """The person sent to window ``n`` is there: the window opens with them at it."""
    if p.role not in ("clerk", "manager", "admin"):
        raise ApiError(403, "forbidden", f"{p.role} 不能开放窗口 (a {p.role} does not staff a window)")
    if p.role == "clerk" and p.window is not None and p.window != n:
        raise ApiError(403, "wrong_window", f"您在 {p.window} 号窗口，不能操作 {n} 号窗口 "
                       f"(you are assigned to window {p.window}, not {n})")
    return svc.arrive(n, p.actor()).window
