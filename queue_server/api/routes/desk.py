"""The guide desk (咨询引导): tickets for a citizen with a priority or a 代办, a lost ticket shown again,
feedback and complaints. Guides and managers only."""
from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from hall_contract.protocol import TicketPublic
from queue_server.api.deps import DayQuery, ServiceDep, require
from queue_server.api.errors import ApiError
from queue_server.api.routes.rectification import desk_of as rectification_desk
from queue_server.auth import Principal
from queue_server.frontdesk.citizens import CitizenInputError
from queue_server.frontdesk.desk import CATEGORIES, KINDS, RELATIONS, GuideDesk, Proxy
from queue_server.rectification import RectificationError
from queue_server.service import HallService

router = APIRouter(prefix="/api/desk", tags=["guide desk"])
Guide = Annotated[Principal, Depends(require("guide", "manager", "admin"))]
Number = Annotated[str, Path(min_length=2, max_length=8, pattern=r"^[A-Za-z][0-9]{1,6}$")]
#: 17 digits and a digit or X (the check digit is a rule: 409 invalid_citizen)
ID18 = r"^[0-9]{17}[0-9Xx]$"


def desk_of(request: Request, svc: HallService) -> GuideDesk:
    desk: GuideDesk | None = getattr(request.app.state, "guide_desk", None)
    if desk is None or desk.svc is not svc:
        salt = svc.settings.appointments.holder_salt
        desk = request.app.state.guide_desk = GuideDesk(svc, svc.store.engine, salt)
    return desk


class ProxyIn(BaseModel):
    name: str = Field(min_length=1, max_length=32)
    id_number: str = Field(min_length=18, max_length=18, pattern=ID18, description="typed once; kept only masked")
    relation: Literal["spouse", "child", "parent", "other"] = Field(description=", ".join(
        f"{k} {v}" for k, v in RELATIONS.items()))


class DeskTicketIn(BaseModel):
    queue: str | None = Field(default=None, max_length=4)
    item: str | None = Field(default=None, max_length=32)
    priority: Literal["normal", "elderly", "disabled"] = Field(
        default="normal", description="disabled: 残疾人 and the green channel (绿色通道)")
    id_number: str | None = Field(default=None, max_length=18, pattern=ID18,
                                  description="typed or read from the ID card; kept only masked and as the "
                                  "holder's reference")
    name: str | None = Field(default=None, max_length=32)
    proxy: ProxyIn | None = Field(default=None, description="代办: the person acting for the citizen")
    request_id: str | None = Field(default=None, max_length=128)


class DeskTicketOut(BaseModel):
    ticket: TicketPublic
    holder_id: str | None = Field(default=None, description="the ID number, masked")
    proxy: dict[str, str] | None = None


@router.post("/tickets", response_model=DeskTicketOut, status_code=201,
             responses={200: {"description": "the same request_id answered before", "model": DeskTicketOut}})
async def issue(body: DeskTicketIn, svc: ServiceDep, p: Guide, request: Request, response: Response) -> DeskTicketOut:
    if not (body.queue or body.item):
        raise ApiError(422, "validation_error", "请选择队列或事项 (give a queue or a service item)")
    proxy = Proxy(body.proxy.name, body.proxy.id_number, body.proxy.relation) if body.proxy else None
    try:
        out = desk_of(request, svc).issue(queue=body.queue, item=body.item, priority=body.priority,
                                          id_number=body.id_number, name=body.name, proxy=proxy,
                                          request_id=body.request_id, actor=p.actor())
    except CitizenInputError as err:  # a check digit that does not match, a name that cannot be printed
        raise ApiError(409, "invalid_citizen", str(err)) from err
    if not out.new:
        response.status_code = 200
    return DeskTicketOut(ticket=out.ticket, holder_id=out.holder_id, proxy=out.proxy)


@router.get("/tickets/{number}", response_model=DeskTicketOut)
async def reprint(number: Number, svc: ServiceDep, _p: Guide, request: Request) -> DeskTicketOut:
    """A lost ticket shown again (its number, place and masked holder)."""
    out = desk_of(request, svc).reprint(number)
    return DeskTicketOut(ticket=out.ticket, proxy=out.proxy)


class FeedbackIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["feedback", "complaint"] = Field(description=" or ".join(KINDS))
    category: Literal["attitude", "efficiency", "quality", "facilities", "other"] = Field(
        description=", ".join(f"{k} {v}" for k, v in CATEGORIES.items()))
    text: str = Field(min_length=1, max_length=500, pattern=r"[^\s\x00-\x1f\x7f-\x9f]",
                      description="1-500 characters, at least one of them visible")
    contact: str | None = Field(default=None, max_length=24, pattern=r"^\+?[0-9 -]{7,20}$",
                                description="a phone for the answer; kept masked")
    number: str | None = Field(default=None, max_length=8, pattern=r"^[A-Za-z][0-9]{1,6}$")
    window: int | None = Field(default=None, ge=1, le=999)


@router.post("/feedback", status_code=201)
def register(body: FeedbackIn, svc: ServiceDep, p: Guide, request: Request) -> dict[str, Any]:
    """Register feedback or a complaint (第五十三条); a complaint goes on to 整改."""
    if body.window is not None and body.window not in {w.number for w in svc.settings.windows}:
        raise ApiError(409, "unknown_window", f"没有 {body.window} 号窗口 (no window {body.window})")
    desk = desk_of(request, svc)
    try:
        out = desk.register(kind=body.kind, category=body.category, text=body.text, contact=body.contact,
                            number=body.number, window=body.window, actor=p.actor())
    except CitizenInputError as err:
        raise ApiError(409, "invalid_citizen", str(err)) from err
    if body.kind == "complaint":  # 第五十三/五十四条: a complaint is a 整改 case, owned by the window's clerk
        owner = svc.window_view(body.window).clerk if body.window is not None else None
        try:
            case = rectification_desk(svc).complaint(
                summary=f"{CATEGORIES[body.category]}：{body.text.strip()}", by=p.actor().audit_name, now=svc.now(),
                window=body.window, owner=owner, number=out["number"], contact=body.contact)
        except RectificationError:  # a contact that is no phone number: the case without it
            case = rectification_desk(svc).complaint(
                summary=f"{CATEGORIES[body.category]}：{body.text.strip()}", by=p.actor().audit_name, now=svc.now(),
                window=body.window, owner=owner, number=out["number"])
        desk.link_case(out["id"], case.id)
        out["case_id"] = case.id
    return out


@router.get("/feedback")
def feedback(svc: ServiceDep, _p: Annotated[Principal, Depends(require("guide", "manager", "admin", "auditor"))],
             request: Request, date: DayQuery = None) -> dict[str, Any]:
    d = date or svc.now().date()
    return {"date": d.isoformat(), "items": desk_of(request, svc).feedback_of(d)}
