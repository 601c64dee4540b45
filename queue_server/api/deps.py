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
from queue_server.store.identity import token_generation

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


def staff_of(runtime: HallRuntime, token: str | None) -> Principal | None:
    """The staff member a token proves: signed, unexpired, of the account's current generation, active."""
    p = read_token(runtime.keyring, token) if token else None
    if p is None or runtime.store is None:
        return None
    known = token_generation(runtime.store.engine, p.staff_id)
    if known is None or known != (p.gen, True):
        return None
    return p


async def current_staff(runtime: RuntimeDep,
                  cred: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> Principal:
    if cred is None or not cred.credentials:
        raise ApiError(401, "unauthorized", "请先登录 (log in first: Authorization: Bearer <token>)")
    p = staff_of(runtime, cred.credentials)
    if p is None:
        raise ApiError(401, "invalid_token", "登录已失效，请重新登录 (the token is invalid or expired)")
    return p


CurrentStaff = Annotated[Principal, Depends(current_staff)]


async def optional_staff(runtime: RuntimeDep, request: Request) -> Principal | None:
    """The staff member when a token is sent (a wrong token is 401, as everywhere); None without one.

    Read from the header itself, so the operation stays open to everyone in the OpenAPI document."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return await current_staff(runtime, HTTPAuthorizationCredentials(scheme="Bearer", credentials=token.strip()))


MaybeStaff = Annotated[Principal | None, Depends(optional_staff)]


def client_key(request: Request) -> str:
    """The address a request came from (behind the hall's front, uvicorn's proxy headers set it)."""
    return request.client.host if request.client is not None else "unknown"


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
