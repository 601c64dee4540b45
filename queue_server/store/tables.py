"""Database tables (SQLModel). The schema is created and changed only by Alembic migrations."""
from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class AwareDateTime(sa.types.TypeDecorator[datetime]):
    """Stores UTC without a zone (SQLite has none), hands back aware UTC datetimes."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class TicketRow(SQLModel, table=True):
    __tablename__ = "ticket"
    __table_args__ = (sa.Index("ix_ticket_day_state", "day", "state"),)

    id: str = Field(primary_key=True, max_length=40)
    day: date = Field(index=True)
    number: str = Field(max_length=16)
    queue: str = Field(max_length=4)
    seq: int
    priority: str = Field(max_length=16)
    state: str = Field(max_length=16)
    issued_at: datetime = Field(sa_type=AwareDateTime)
    queued_at: datetime = Field(sa_type=AwareDateTime)
    item: str | None = Field(default=None, max_length=32)
    source: str | None = Field(default=None, max_length=64)
    holder: str | None = Field(default=None, max_length=64)
    holder_ref: str | None = Field(default=None, max_length=128)
    request_id: str | None = Field(default=None, max_length=128, unique=True)
    window: int | None = None
    attempts: int = 0
    called_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
    started_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
    ended_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
    hop: int = 0
    origin_id: str | None = Field(default=None, max_length=40)
    clerk: str | None = Field(default=None, max_length=64)


class TicketCounter(SQLModel, table=True):
    __tablename__ = "ticket_counter"

    day: date = Field(primary_key=True)
    queue: str = Field(primary_key=True, max_length=4)
    last: int = 0


class WindowRow(SQLModel, table=True):
    __tablename__ = "window_state"

    number: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    status: str = Field(max_length=16)
    queues: str = Field(default="", max_length=64)
    current_id: str | None = Field(default=None, max_length=40)
    since: datetime | None = Field(default=None, sa_type=AwareDateTime)
    clerk: str | None = Field(default=None, max_length=64)


class Staff(SQLModel, table=True):
    __tablename__ = "staff"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, unique=True)
    password_hash: str = Field(max_length=256)
    role: str = Field(max_length=16)
    window: int | None = None
    active: bool = True
    created_at: datetime = Field(sa_type=AwareDateTime)
    #: raised when the account logs out, is deactivated or moves: every token of an older generation stops working
    token_gen: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class AuditRow(SQLModel, table=True):
    __tablename__ = "audit"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_type=AwareDateTime, index=True)
    actor: str = Field(max_length=64)
    action: str = Field(max_length=32)
    subject: str = Field(default="", max_length=64)
    detail: str = Field(default="{}")


class Meta(SQLModel, table=True):
    __tablename__ = "hall_meta"

    key: str = Field(primary_key=True, max_length=64)
    value: str = ""


class RatingRow(SQLModel, table=True):
    """好差评: one row per finished visit that was put to the evaluator (one rating per visit)."""

    __tablename__ = "rating"
    __table_args__ = (sa.Index("ix_rating_day_window", "day", "window"),)

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: str = Field(max_length=40, unique=True)
    day: date
    number: str = Field(max_length=16)
    queue: str = Field(max_length=4)
    window: int
    clerk: str | None = Field(default=None, max_length=64)
    item: str | None = Field(default=None, max_length=32)
    requested_at: datetime = Field(sa_type=AwareDateTime)
    deadline: datetime = Field(sa_type=AwareDateTime)
    #: pending, rated or no_rating
    outcome: str = Field(max_length=16)
    rating: int | None = None
    reason: str | None = Field(default=None, max_length=64)
    source: str | None = Field(default=None, max_length=64)
    answered_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
    #: negative ratings only: open (待整改) or done (已整改)
    follow_up: str | None = Field(default=None, max_length=16)
    follow_up_note: str | None = Field(default=None, max_length=500)
    follow_up_by: str | None = Field(default=None, max_length=64)
    follow_up_at: datetime | None = Field(default=None, sa_type=AwareDateTime)


ticket_t = TicketRow.__table__  # type: ignore[attr-defined]
counter_t = TicketCounter.__table__  # type: ignore[attr-defined]
window_t = WindowRow.__table__  # type: ignore[attr-defined]
staff_t = Staff.__table__  # type: ignore[attr-defined]
audit_t = AuditRow.__table__  # type: ignore[attr-defined]
meta_t = Meta.__table__  # type: ignore[attr-defined]
rating_t = RatingRow.__table__  # type: ignore[attr-defined]
