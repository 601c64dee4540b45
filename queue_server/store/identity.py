"""Who a request proves to be, beyond a signed token: token generations and paired rating tablets.

A staff token names the account's token generation; logging out, deactivating the account or
moving it to another window or role raises the generation, and every older token stops working.
A rating tablet is paired to one window by a manager; the tablet keeps a random token and the
database only its SHA-256, so a backup lets no one rate in a citizen's place.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Field, SQLModel

from queue_server.store.tables import AwareDateTime, staff_t


class RatingTablet(SQLModel, table=True):
    __tablename__ = "rating_tablet"

    window: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    token_hash: str = Field(max_length=64)
    paired_at: datetime = Field(sa_type=AwareDateTime)
    paired_by: str = Field(max_length=64)


tablet_t = RatingTablet.__table__  # type: ignore[attr-defined]


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class TabletStore:
    """The one paired tablet of each window."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def pair(self, window: int, by: str, at: datetime) -> str:
        """A new tablet token for ``window``; the window's earlier tablet no longer counts."""
        token = secrets.token_urlsafe(32)
        row = {"window": window, "token_hash": _digest(token), "paired_at": at, "paired_by": by[:64]}
        with self.engine.begin() as conn:
            conn.execute(tablet_t.delete().where(tablet_t.c.window == window))
            conn.execute(tablet_t.insert().values(**row))
        return token

    def unpair(self, window: int) -> bool:
        with self.engine.begin() as conn:
            return bool(conn.execute(tablet_t.delete().where(tablet_t.c.window == window)).rowcount)

    def window_of(self, token: str | None) -> int | None:
        """The window a tablet token is paired to; None for anything else."""
        if not token or len(token) > 128:
            return None
        digest = _digest(token)
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(tablet_t.c.window, tablet_t.c.token_hash)
                                .where(tablet_t.c.token_hash == digest)).all()
        for window, stored in rows:
            if hmac.compare_digest(stored, digest):
                return int(window)
        return None

    def paired(self) -> dict[int, datetime]:
        with self.engine.connect() as conn:
            return {int(r.window): r.paired_at for r in conn.execute(sa.select(tablet_t))}


def token_generation(engine: Engine, staff_id: int) -> tuple[int, bool] | None:
    """``(generation, active)`` of an account; None when there is no such account."""
    with engine.connect() as conn:
        r = conn.execute(sa.select(staff_t.c.token_gen, staff_t.c.active).where(staff_t.c.id == staff_id)).first()
    return None if r is None else (int(r.token_gen or 0), bool(r.active))


def revoke_tokens(engine: Engine, staff_id: int) -> None:
    """Every token the account holds now stops working."""
    with engine.begin() as conn:
        conn.execute(staff_t.update().where(staff_t.c.id == staff_id).values(token_gen=staff_t.c.token_gen + 1))
