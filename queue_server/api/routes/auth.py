"""Staff login."""
from __future__ import annotations

import time

from fastapi import APIRouter
from pydantic import BaseModel, Field

from hall_contract.passwords import verify_password
from queue_server.api.deps import CurrentStaff, RuntimeDep
from queue_server.api.errors import ApiError
from queue_server.auth import Principal, issue_token

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


@router.post("/login", response_model=TokenOut)
def login(body: Login, runtime: RuntimeDep) -> TokenOut:
    account = runtime.staff.get(body.username)
    # checked against a decoy hash when there is no such account: an unknown name answers as slowly
    matches = verify_password(body.password, account.password_hash if account is not None else None)
    if account is None or not account.active or not matches:
        raise ApiError(401, "invalid_credentials", "用户名或密码错误 (wrong username or password)")
    ttl = runtime.settings.server.token_ttl_s
    now = time.time()
    p = Principal(account.id, account.username, account.role, account.window, now + ttl)
    return TokenOut(access_token=issue_token(runtime.keyring, p, now), role=account.role, window=account.window,
                    username=account.username, expires_in=ttl)


class Me(BaseModel):
    username: str
    role: str
    window: int | None


@router.get("/me", response_model=Me)
def me(p: CurrentStaff) -> Me:
    return Me(username=p.username, role=p.role, window=p.window)
