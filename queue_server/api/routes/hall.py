"""The hall at a glance, and the manager's hall-wide commands."""
from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel, Discriminator, Field, StrictBool, Tag, field_validator

from hall_contract.protocol import Advice
from queue_server.api.deps import MaybeStaff, RuntimeDep, ServiceDep, require
from queue_server.auth import Principal

router = APIRouter(prefix="/api", tags=["hall"])
Manager = Annotated[Principal, Depends(require("manager", "admin"))]
Staff = Annotated[Principal, Depends(require("manager", "admin", "auditor"))]
AdviceId = Annotated[str, Path(max_length=64)]


def without_staff_names(snapshot: dict[str, Any]) -> dict[str, Any]:
    """The snapshot as anyone on the hall network sees it: no login names of the clerks at the windows."""
    return {**snapshot, "windows": [{k: v for k, v in w.items() if k != "clerk"} for w in snapshot["windows"]]}


@router.get("/hall")
async def hall_snapshot(svc: ServiceDep, staff: MaybeStaff) -> dict[str, Any]:
    """The hall at a glance (no personal data): windows, queues, calls, advice, issuing, notice. The clerk
    at each window is named to staff only."""
    snap = svc.snapshot()
    return snap if staff is not None else without_staff_names(snap)


@router.get("/advice", response_model=Advice)
async def get_advice(svc: ServiceDep) -> Advice:
    return svc.advice_view()


@router.post("/advice/{rec_id}/accept", response_model=Advice)
async def accept_advice(rec_id: AdviceId, svc: ServiceDep, p: Manager) -> Advice:
    return svc.accept_advice(rec_id, p.actor())


@router.post("/advice/{rec_id}/dismiss", response_model=Advice)
async def dismiss_advice(rec_id: AdviceId, svc: ServiceDep, p: Manager) -> Advice:
    return svc.dismiss_advice(rec_id, p.actor())


class ResumeIssuing(BaseModel):
    issuing: StrictBool = Field(json_schema_extra={"const": True})
    reason: str | None = Field(default=None, max_length=200)

    @field_validator("issuing")
    @classmethod
    def _true(cls, v: bool) -> bool:
        if v is not True:
            raise ValueError("must be true")
        return v


class StopIssuing(BaseModel):
    issuing: StrictBool = Field(json_schema_extra={"const": False})
    reason: str = Field(min_length=1, max_length=200, pattern=r"\S", description="why issuing stops (kept in the "
                        "audit trail, shown on the kiosks and displays)")

    @field_validator("issuing")
    @classmethod
    def _false(cls, v: bool) -> bool:
        if v is not False:
            raise ValueError("must be false")
        return v


def _which(body: Any) -> str:
    issuing = body.get("issuing") if isinstance(body, dict) else getattr(body, "issuing", None)
    return "stop" if issuing is False else "resume"


#: ``{"issuing": true}`` resumes; ``{"issuing": false, "reason": "…"}`` stops, and the reason is required
IssuingBody = Annotated[Annotated[ResumeIssuing, Tag("resume")] | Annotated[StopIssuing, Tag("stop")],
                        Discriminator(_which)]


@router.put("/hall/issuing")
async def set_issuing(body: IssuingBody, runtime: RuntimeDep, _svc: ServiceDep,
                      p: Manager) -> dict[str, Any]:
    """Stop (with a reason) or resume issuing; every known kiosk gets ``stop_issuing``/``resume_issuing``."""
    kiosks = runtime.set_issuing(body.issuing, p.actor(), body.reason)
    return {"issuing": body.issuing, "kiosks": kiosks}


@router.get("/hall/issuing-state")
async def get_issuing(svc: ServiceDep) -> dict[str, Any]:
    """Whether tickets are issued now; when not, why and when issuing resumes (the snapshot's ``issuing``)."""
    return svc.issuing_now()


class NoticeBody(BaseModel):
    text: str | None = Field(default=None, max_length=200)


@router.put("/hall/notice")
async def set_notice(body: NoticeBody, runtime: RuntimeDep, _svc: ServiceDep, p: Manager) -> dict[str, Any]:
    """The board's notice; every known display also gets a ``notice`` command."""
    displays = runtime.set_notice(body.text, p.actor())
    return {"text": body.text, "displays": displays}


@router.get("/devices")
async def devices(runtime: RuntimeDep, svc: ServiceDep, _p: Staff) -> dict[str, Any]:
    """Every kiosk, display, printer, reader and window device: online state and faults."""
    if runtime.devices is None:
        return {"devices": [], "faulty": 0, "log": []}
    return runtime.devices.snapshot(svc.tz)
