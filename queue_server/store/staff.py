"""Staff accounts: who may log in, with which role, at which window."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from hall_contract.passwords import hash_password
from queue_server.auth import ROLES
from queue_server.store.tables import staff_t


@dataclass(frozen=True)
class StaffAccount:
    id: int
    username: str
    password_hash: str
    role: str
    window: int | None
    active: bool


class StaffStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add(self, username: str, password: str, role: str, window: int | None = None,
            replace: bool = False) -> StaffAccount:
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        if not username or len(username) > 64:
            raise ValueError("username must be 1-64 characters")
        if len(password) < 8:
            raise ValueError("password must have at least 8 characters")
        values = {"password_hash": hash_password(password), "role": role, "window": window, "active": True}
        with self.engine.begin() as conn:
            existing = conn.execute(sa.select(staff_t.c.id).where(staff_t.c.username == username)).scalar()
            if existing is not None:
                if not replace:
                    raise ValueError(f"staff {username!r} already exists")
                conn.execute(staff_t.update().where(staff_t.c.id == existing).values(**values))
            else:
                conn.execute(staff_t.insert().values(username=username, created_at=datetime.now(UTC), **values))
        account = self.get(username)
        assert account is not None
        return account

    def get(self, username: str) -> StaffAccount | None:
        with self.engine.connect() as conn:
            r = conn.execute(sa.select(staff_t).where(staff_t.c.username == username)).first()
        if r is None:
            return None
        return StaffAccount(r.id, r.username, r.password_hash, r.role, r.window, bool(r.active))

    def all(self) -> list[StaffAccount]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(staff_t).order_by(staff_t.c.username))
            return [StaffAccount(r.id, r.username, r.password_hash, r.role, r.window, bool(r.active)) for r in rows]
