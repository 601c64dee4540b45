"""Rating tablets (好差评平板): each is paired once to its window by a manager.

Pairing: a manager asks for a pairing code for window n (six digits, 10 minutes, five tries) and
types it on the tablet, or logs in on the tablet itself; either way the tablet gets a random
token that it keeps. Only that tablet (header ``X-Rating-Tablet``) sees window n's pending
rating and may answer it; a new pairing replaces the old tablet. The window's evaluator device
rates over MQTT as before.
"""
from __future__ import annotations

import hmac
import secrets
import threading
import time
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request, Response
from pydantic import BaseModel, Field

from queue_server.api.deps import MaybeStaff, RuntimeDep, ServiceDep, require
from queue_server.api.errors import ApiError
from queue_server.api.routes.windows import WindowNo
from queue_server.auth import Principal
from queue_server.runtime import HallRuntime
from queue_server.store.identity import TabletStore

router = APIRouter(prefix="/api/evaluations", tags=["ratings"])
Manager = Annotated[Principal, Depends(require("manager", "admin"))]
TABLET_HEADER = "X-Rating-Tablet"
CODE_TTL_S = 600
CODE_TRIES = 5


class PairingCodes:
    """One pending pairing code per window, in memory (a restart voids them)."""

    def __init__(self) -> None:
        self._codes: dict[int, tuple[str, float, int]] = {}
        self._lock = threading.Lock()

    def new(self, window: int) -> str:
        code = f"{secrets.randbelow(10**6):06d}"
        with self._lock:
            self._codes[window] = (code, time.monotonic() + CODE_TTL_S, CODE_TRIES)
        return code

    def redeem(self, window: int, code: str) -> bool:
        with self._lock:
            held = self._codes.get(window)
            if held is None or held[1] < time.monotonic():
                self._codes.pop(window, None)
                return False
            if hmac.compare_digest(held[0], code):
                del self._codes[window]
                return True
            tries = held[2] - 1
            if tries <= 0:
                del self._codes[window]
            else:
                self._codes[window] = (held[0], held[1], tries)
            return False


def tablets_of(runtime: HallRuntime) -> TabletStore:
    if runtime.tablets is None:
        raise ApiError(503, "starting", "服务正在启动 (the server is starting)")
    return runtime.tablets


def codes_of(request: Request) -> PairingCodes:
    codes: PairingCodes | None = getattr(request.app.state, "pairing_codes", None)
    if codes is None:
        codes = request.app.state.pairing_codes = PairingCodes()
    return codes


TabletToken = Annotated[str | None, Header(alias=TABLET_HEADER, max_length=128)]


def tablet_may(runtime: HallRuntime, n: int, token: str | None) -> bool:
    return token is not None and tablets_of(runtime).window_of(token) == n


def require_tablet(runtime: HallRuntime, n: int, token: str | None) -> None:
    """Window n's paired tablet, else 401 (no token) or 403 (a token of another window or none valid)."""
    if not token:
        raise ApiError(401, "tablet_not_paired", f"本平板尚未与 {n} 号窗口配对，请主管配对 "
                       f"(this tablet is not paired with window {n}: a manager pairs it)")
    if not tablet_may(runtime, n, token):
        raise ApiError(403, "wrong_tablet", f"本平板不是 {n} 号窗口的评价器，请主管重新配对 "
                       f"(this is not window {n}'s paired rating tablet)")


class PairingCode(BaseModel):
    window: int
    code: str
    expires_in: int


@router.post("/{n}/pairing", response_model=PairingCode, status_code=201)
def pairing_code(n: WindowNo, request: Request, svc: ServiceDep, _p: Manager) -> PairingCode:
    """A one-time code (10 minutes, five tries) to type on window n's tablet."""
    svc.window_info(n)
    return PairingCode(window=n, code=codes_of(request).new(n), expires_in=CODE_TTL_S)


class PairIn(BaseModel):
    code: str | None = Field(default=None, min_length=6, max_length=6, pattern=r"^\d{6}$")


class Paired(BaseModel):
    window: int
    tablet_token: str


@router.post("/{n}/pair", response_model=Paired, status_code=201)
def pair(n: WindowNo, body: PairIn, request: Request, runtime: RuntimeDep, svc: ServiceDep,
         staff: MaybeStaff) -> Paired:
    """Pair the tablet that sends this with window n: with a pairing code, or a manager's token."""
    svc.window_info(n)
    if staff is not None and staff.role in ("manager", "admin"):
        by = f"staff:{staff.username}"
    elif body.code is not None and codes_of(request).redeem(n, body.code):
        by = "pairing_code"
    else:
        raise ApiError(403, "pairing_refused", "配对码无效或已过期，请主管重新生成 "
                       "(the pairing code is wrong or expired: a manager makes a new one)")
    token = tablets_of(runtime).pair(n, by, svc.now())
    return Paired(window=n, tablet_token=token)


@router.delete("/{n}/tablet", status_code=204, response_class=Response)
def unpair(n: WindowNo, runtime: RuntimeDep, _p: Manager) -> Response:
    """Window n's tablet no longer counts."""
    tablets_of(runtime).unpair(n)
    return Response(status_code=204)
