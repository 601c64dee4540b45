"""The hall at a glance, and the manager's hall-wide commands."""
from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field, StrictBool

from hall_contract.protocol import Advice
from queue_server import payloads
from queue_server.api.deps import RuntimeDep, ServiceDep, require
from queue_server.auth import Principal
from queue_server.service import HallService

router = APIRouter(prefix="/api", tags=["hall"])
Manager = Annotated[Principal, Depends(require("manager", "admin"))]
Staff = Annotated[Principal, Depends(require("manager", "admin", "auditor"))]


def build_snapshot(svc: HallService) -> dict[str, Any]:
    """The hall at a glance (no personal data): what ``GET /api/hall`` and the live pages show."""
    with svc.lock:
        now = svc.now()
        hall = svc.hall
        s = svc.settings
        return {
            "hall": {"id": s.hall.id, "name": s.hall.name, "name_en": s.hall.name_en, "day": hall.day.isoformat(),
                     "now": payloads.iso(now, svc.tz)},
            "windows": [_clean(payloads.window_state(w, svc.tz).model_dump()) for w in hall.windows.values()],
            "queues": [_clean(payloads.queue_state(hall, c, now).model_dump()) for c in hall.queues],
            "calls": [_clean(payloads.call_message(c, svc.tz).model_dump()) for c in hall.recent],
            "advice": _clean(payloads.advice_message(svc.advice, svc.tz, s.advisor.auto_apply,
                                                     svc.dismissed).model_dump()),
            "issuing": hall.issuing,
            "notice": svc.notice,
        }


@router.get("/hall")
async def hall_snapshot(svc: ServiceDep) -> dict[str, Any]:
    return build_snapshot(svc)


def _clean(d: dict[str, Any]) -> dict[str, Any]:
    d.pop("v", None)
    return d


@router.get("/advice", response_model=Advice)
async def get_advice(svc: ServiceDep) -> Advice:
    with svc.lock:
        return payloads.advice_message(svc.advice, svc.tz, svc.settings.advisor.auto_apply, svc.dismissed)


@router.post("/advice/{rec_id}/accept", response_model=Advice)
async def accept_advice(rec_id: str, svc: ServiceDep, p: Manager) -> Advice:
    svc.accept_advice(rec_id, p.username)
    return await get_advice(svc)


@router.post("/advice/{rec_id}/dismiss", response_model=Advice)
async def dismiss_advice(rec_id: str, svc: ServiceDep, p: Manager) -> Advice:
    svc.dismiss_advice(rec_id, p.username)
    return await get_advice(svc)


class IssuingBody(BaseModel):
    issuing: StrictBool


@router.put("/hall/issuing")
async def set_issuing(body: IssuingBody, runtime: RuntimeDep, _svc: ServiceDep, p: Manager) -> dict[str, Any]:
    """Stop or resume issuing; every known kiosk gets ``stop_issuing``/``resume_issuing``."""
    kiosks = runtime.set_issuing(body.issuing, p.username)
    return {"issuing": body.issuing, "kiosks": kiosks}


class NoticeBody(BaseModel):
    text: str | None = Field(default=None, max_length=200)


@router.put("/hall/notice")
async def set_notice(body: NoticeBody, runtime: RuntimeDep, _svc: ServiceDep, p: Manager) -> dict[str, Any]:
    """The board's notice; every known display also gets a ``notice`` command."""
    displays = runtime.set_notice(body.text, p.username)
    return {"text": body.text, "displays": displays}


@router.get("/devices")
async def devices(runtime: RuntimeDep, svc: ServiceDep, _p: Staff) -> dict[str, Any]:
    """Every kiosk, display, printer, reader and window device: online state and faults."""
    if runtime.devices is None:
        return {"devices": [], "faulty": 0, "log": []}
    return runtime.devices.snapshot(svc.tz)
