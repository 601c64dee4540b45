"""Request dependencies: the running hall, and who is asking.

They and the command endpoints are ``async``: the command path is short and serialised by the
service's lock anyway, and a threadpool hop costs more than the command itself. Endpoints that
wait on something slow (login's password hash, report queries) stay synchronous.
"""
from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BeforeValidator

from queue_server.api.errors import ApiError
from queue_server.auth import Principal, read_token
from queue_server.runtime import HallRuntime
from queue_server.service import HallService

_bearer = HTTPBearer(auto_error=False)


async def get_runtime(request: Request) -> HallRuntime:
    runtime: HallRuntime = request.app.state.runtime
    return runtime


async def get_service(request: Request) -> HallService:
    service = (await get_runtime(request)).service
    if service is None:
        raise ApiError(503, "starting", "服务正在启动 (the server is starting)")
    return service


RuntimeDep = Annotated[HallRuntime, Depends(get_runtime)]
ServiceDep = Annotated[HallService, Depends(get_service)]


async def current_staff(runtime: RuntimeDep,
                  cred: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> Principal:
    if cred is None or not cred.credentials:
        raise ApiError(401, "unauthorized", "请先登录 (log in first: Authorization: Bearer <token>)")
    p = read_token(runtime.keyring, cred.credentials)
    if p is None:
        raise ApiError(401, "invalid_token", "登录已失效，请重新登录 (the token is invalid or expired)")
    return p


CurrentStaff = Annotated[Principal, Depends(current_staff)]


def require(*roles: str) -> Callable[[Principal], Awaitable[Principal]]:
    async def check(p: CurrentStaff) -> Principal:
        if p.role not in roles:
            raise ApiError(403, "forbidden", f"{p.role} 无权执行此操作 (role {p.role} may not do this; "
                           f"needs {' or '.join(roles)})")
        return p
    return check


def _iso_day(value: object) -> object:
    """Only ``YYYY-MM-DD`` (pydantic alone would also take a number as a Unix time)."""
    if value is None or isinstance(value, date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return value
    raise ValueError("a day is written YYYY-MM-DD")


#: a ``?date=`` query parameter: the hall's day, today when absent
DayQuery = Annotated[date | None, BeforeValidator(_iso_day), Query(description="YYYY-MM-DD, default today")]


def at_window(p: Principal, n: int, managers_too: bool) -> None:
    """A clerk works at the window assigned to them (a clerk with none may work at any)."""
    if managers_too and p.role in ("manager", "admin"):
        return
    if p.role != "clerk":
        raise ApiError(403, "forbidden", f"{p.role} 不能操作窗口 (only the clerk at window {n} may do this)")
    if p.window is not None and p.window != n:
        raise ApiError(403, "wrong_window", f"您在 {p.window} 号窗口，不能操作 {n} 号窗口 "
                       f"(you are assigned to window {p.window}, not {n})")
