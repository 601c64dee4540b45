"""Staff accounts: who may log in, with which role, at which window."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from hall_contract.passwords import hash_password, verify_password
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
    token_gen: int = 0


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
            old = conn.execute(sa.select(staff_t).where(staff_t.c.username == username)).first()
            if old is not None:
                if not replace:
                    raise ValueError(f"staff {username!r} already exists")
                # moved to another role or window, or a new password: the tokens issued before no longer work
                moved = (old.role, old.window, bool(old.active)) != (role, window, True) or \
                    not verify_password(password, old.password_hash)
                conn.execute(staff_t.update().where(staff_t.c.id == old.id)
                             .values(**values, token_gen=staff_t.c.token_gen + int(moved)))
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
        return _account(r)

    def all(self) -> list[StaffAccount]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(staff_t).order_by(staff_t.c.username))
            return [_account(r) for r in rows]

    def set_active(self, username: str, active: bool) -> StaffAccount:
        """Deactivate (or reactivate) an account; deactivating ends every token it holds."""
        with self.engine.begin() as conn:
            done = conn.execute(staff_t.update().where(staff_t.c.username == username)
                                .values(active=active, token_gen=staff_t.c.token_gen + (0 if active else 1)))
            if not done.rowcount:
                raise ValueError(f"no staff {username!r}")
        account = self.get(username)
        assert account is not None
        return account


def _account(r: Any) -> StaffAccount:
    return StaffAccount(r.id, r.username, r.password_hash, r.role, r.window, bool(r.active), int(r.token_gen or 0))
