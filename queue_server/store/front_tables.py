"""The front office's tables: a poor rating's details (reasons, words, call-back phone) and the clerks'
requests for the manager's prior authorisation (事前授权). Created by migration ``0010_reports``."""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from queue_server.store.tables import AwareDateTime


class RatingDetailRow(SQLModel, table=True):
    """What a citizen added to a rating on the tablet: reasons by dimension, a comment, a phone to call back."""

    __tablename__ = "rating_detail"

    rating_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    #: reason codes, space-separated (each from ``[ratings] reasons``)
    reasons: str = Field(default="", max_length=200)
    text: str | None = Field(default=None, max_length=300)
    #: the number to call back (blanked after the retention period), and as shown to staff
    phone: str | None = Field(default=None, max_length=20)
    phone_masked: str | None = Field(default=None, max_length=20)
    at: datetime = Field(sa_type=AwareDateTime)


class AuthorisationRow(SQLModel, table=True):
    """事前授权: a clerk asks the 前台主管 before 纠错类 business; the manager approves or refuses."""

    __tablename__ = "authorisation"

    id: int | None = Field(default=None, primary_key=True)
    asked_at: datetime = Field(sa_type=AwareDateTime, index=True)
    window: int
    clerk: str = Field(max_length=64)
    kind: str = Field(max_length=32)
    number: str | None = Field(default=None, max_length=16)
    reason: str = Field(max_length=300)
    #: pending, approved or refused
    state: str = Field(default="pending", max_length=16, index=True)
    answered_by: str | None = Field(default=None, max_length=64)
    answered_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
    answer_note: str | None = Field(default=None, max_length=300)


rating_detail_t = RatingDetailRow.__table__  # type: ignore[attr-defined]
authorisation_t = AuthorisationRow.__table__  # type: ignore[attr-defined]
