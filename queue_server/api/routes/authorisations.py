"""前台主管 事前授权: a clerk asks from the window page (which business, which ticket, why); the manager
approves or refuses on the console. Both are stored and audited."""
from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from queue_server.api.deps import CurrentStaff, ServiceDep, at_window, require
from queue_server.api.routes.windows import WindowNo
from queue_server.auth import Principal
from queue_server.authorisations import KINDS, AuthorisationDesk
from queue_server.service import HallService

router = APIRouter(prefix="/api", tags=["authorisations"])
Manager = Annotated[Principal, Depends(require("manager"))]
Reader = Annotated[Principal, Depends(require("manager", "auditor"))]
Kind = Literal["correct_record", "correct_payment", "correct_benefit", "reverse", "other"]
assert set(Kind.__args__) == set(KINDS)  # type: ignore[attr-defined]


def desk(svc: HallService) -> AuthorisationDesk:
    return AuthorisationDesk(svc.store, svc.now, svc.tz)


class AskIn(BaseModel):
    kind: Kind = Field(description="correct_record 更正参保信息, correct_payment 更正缴费记录, correct_benefit "
                                   "更正待遇核定, reverse 业务撤销冲正, other 其他")
    number: str | None = Field(default=None, max_length=16, pattern=r"^[A-Za-z]{1,2}\d{1,4}$",
                               description="the ticket being served")
    reason: str = Field(min_length=2, max_length=600, description="why (kept to 300 characters)")


class AnswerIn(BaseModel):
    decision: Literal["approved", "refused"]
    note: str | None = Field(default=None, max_length=600, description="required when refusing")


@router.post("/windows/{n}/authorisations", status_code=201)
def ask(n: WindowNo, body: AskIn, svc: ServiceDep, p: CurrentStaff) -> dict[str, Any]:
    """The clerk at window n asks the manager before 纠错类 business."""
    svc.window_info(n)
    at_window(p, n, managers_too=False)
    if body.number:
        svc.ticket_public(body.number.upper())  # 404 for a ticket the hall does not have today
    return desk(svc).ask(n, p.username, body.kind, body.number, body.reason).public(svc.tz)


@router.get("/windows/{n}/authorisations")
def window_requests(n: WindowNo, svc: ServiceDep, p: CurrentStaff) -> list[dict[str, Any]]:
    """Window n's requests of today and any still waiting (the clerk at n, the manager)."""
    svc.window_info(n)
    at_window(p, n, managers_too=True)
    return [a.public(svc.tz) for a in desk(svc).for_window(n)]


@router.get("/authorisations")
def requests(svc: ServiceDep, _p: Reader) -> list[dict[str, Any]]:
    """Every request still waiting, then today's answered ones."""
    return [a.public(svc.tz) for a in desk(svc).for_manager()]


@router.put("/authorisations/{rid}")
def answer(rid: int, body: AnswerIn, svc: ServiceDep, p: Manager) -> dict[str, Any]:
    """The manager approves or refuses (with a note when refusing); answered once."""
    return desk(svc).answer(rid, body.decision, body.note, p.username).public(svc.tz)
