"""Staff login."""
from __future__ import annotations

import math
import time

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from hall_contract.passwords import verify_password
from queue_server.api.deps import CurrentStaff, RuntimeDep, client_key
from queue_server.api.errors import ApiError
from queue_server.api.throttle import LoginThrottle, minutes
from queue_server.auth import Principal, issue_token
from queue_server.store.identity import revoke_tokens

router = APIRouter(prefix="/api/auth", tags=["auth"])


class Login(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    role: str
    window: int | None = None
    username: str
    expires_in: int


def throttle_of(request: Request) -> LoginThrottle:
    throttle: LoginThrottle | None = getattr(request.app.state, "login_throttle", None)
    if throttle is None:
        s = request.app.state.runtime.settings.server
        throttle = request.app.state.login_throttle = LoginThrottle(
            s.login_max_failures, s.login_lockout_s, s.login_max_failures_per_client)
    return throttle


def _locked(wait_s: float) -> ApiError:
    m = minutes(wait_s)
    return ApiError(429, "too_many_attempts", f"密码错误次数过多，请 {m} 分钟后再试 "
                    f"(too many wrong passwords: try again in {m} min)", {"Retry-After": str(math.ceil(wait_s))})


@router.post("/login", response_model=TokenOut, responses={429: {"description": "too many wrong passwords"}})
def login(body: Login, runtime: RuntimeDep, request: Request) -> TokenOut:
    throttle, client = throttle_of(request), client_key(request)
    wait = throttle.wait_s(body.username, client)
    if wait > 0:  # the same answer for every name, known or not, without looking at the password
        raise _locked(wait)
    account = runtime.staff.get(body.username)
    # checked against a decoy hash when there is no such account: an unknown name answers as slowly
    matches = verify_password(body.password, account.password_hash if account is not None else None)
    if account is None or not account.active or not matches:
        throttle.failed(body.username, client)
        raise ApiError(401, "invalid_credentials", "用户名或密码错误 (wrong username or password)")
    throttle.succeeded(body.username)
    ttl = runtime.settings.server.token_ttl_s
    now = time.time()
    p = Principal(account.id, account.username, account.role, account.window, now + ttl, account.token_gen)
    return TokenOut(access_token=issue_token(runtime.keyring, p, now), role=account.role, window=account.window,
                    username=account.username, expires_in=ttl)


@router.post("/logout", status_code=204, response_class=Response)
def logout(p: CurrentStaff, runtime: RuntimeDep) -> Response:
    """The token stops working (every token of this account: logging out ends the account's sessions)."""
    assert runtime.store is not None
    revoke_tokens(runtime.store.engine, p.staff_id)
    return Response(status_code=204)


class Me(BaseModel):
    username: str
    role: str
    window: int | None


@router.get("/me", response_model=Me)
def me(p: CurrentStaff) -> Me:
    return Me(username=p.username, role=p.role, window=p.window)
