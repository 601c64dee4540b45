"""好差评 ratings in the database: requests, outcomes and the follow-up of negative ratings.

A visit has at most one row (``ticket_id`` is unique) and a row leaves ``pending`` once:
:meth:`RatingStore.resolve` updates only a row that is still pending, so two answers racing
for one visit cannot both count.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from queue_server.store.tables import rating_t

PENDING, RATED, NO_RATING = "pending", "rated", "no_rating"
FOLLOW_OPEN, FOLLOW_DONE = "open", "done"
#: 不满意 (2) and 非常不满意 (1) must each be answered (第五十四条)
NEGATIVE_MAX = 2


@dataclass(frozen=True)
class RatingRecord:
    id: int
    ticket_id: str
    day: date
    number: str
    queue: str
    window: int
    clerk: str | None
    item: str | None
    requested_at: datetime
    deadline: datetime
    outcome: str
    rating: int | None = None
    reason: str | None = None
    source: str | None = None
    answered_at: datetime | None = None
    follow_up: str | None = None
    follow_up_note: str | None = None
    follow_up_by: str | None = None
    follow_up_at: datetime | None = None

    @property
    def negative(self) -> bool:
        return self.rating is not None and self.rating <= NEGATIVE_MAX

    @classmethod
    def from_row(cls, r: Any) -> RatingRecord:
        return cls(**dict(r._mapping))


class RatingStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def insert(self, conn: Connection, *, ticket_id: str, day: date, number: str, queue: str, window: int,
               clerk: str | None, item: str | None, requested_at: datetime, deadline: datetime) -> RatingRecord:
        result = conn.execute(rating_t.insert().values(
            ticket_id=ticket_id, day=day, number=number, queue=queue, window=window, clerk=clerk, item=item,
            requested_at=requested_at, deadline=deadline, outcome=PENDING))
        rid = result.inserted_primary_key[0] if result.inserted_primary_key else None
        row = conn.execute(sa.select(rating_t).where(rating_t.c.id == rid)).first()
        assert row is not None
        return RatingRecord.from_row(row)

    def resolve(self, conn: Connection, rid: int, *, outcome: str, at: datetime, rating: int | None = None,
                reason: str | None = None, source: str | None = None) -> RatingRecord | None:
        """Close a pending row; None when it was no longer pending (answered or timed out)."""
        follow = FOLLOW_OPEN if rating is not None and rating <= NEGATIVE_MAX else None
        done = conn.execute(rating_t.update().where(rating_t.c.id == rid, rating_t.c.outcome == PENDING).values(
            outcome=outcome, rating=rating, reason=reason, source=source, answered_at=at, follow_up=follow))
        if done.rowcount != 1:
            return None
        return self._get(conn, rid)

    def follow_up(self, conn: Connection, rid: int, *, state: str, note: str | None, by: str,
                  at: datetime) -> RatingRecord | None:
        conn.execute(rating_t.update().where(rating_t.c.id == rid).values(
            follow_up=state, follow_up_note=note, follow_up_by=by, follow_up_at=at))
        return self._get(conn, rid)

    @staticmethod
    def _get(conn: Connection, rid: int) -> RatingRecord | None:
        row = conn.execute(sa.select(rating_t).where(rating_t.c.id == rid)).first()
        return RatingRecord.from_row(row) if row is not None else None

    def get(self, rid: int) -> RatingRecord | None:
        with self.engine.connect() as conn:
            return self._get(conn, rid)

    def by_ticket(self, ticket_id: str) -> RatingRecord | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(rating_t).where(rating_t.c.ticket_id == ticket_id)).first()
            return RatingRecord.from_row(row) if row is not None else None

    def pending(self) -> list[RatingRecord]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(rating_t).where(rating_t.c.outcome == PENDING).order_by(rating_t.c.id))
            return [RatingRecord.from_row(r) for r in rows]

    def between(self, first: date, last: date, negative_only: bool = False) -> list[RatingRecord]:
        q = sa.select(rating_t).where(rating_t.c.day >= first, rating_t.c.day <= last)
        if negative_only:
            q = q.where(rating_t.c.rating <= NEGATIVE_MAX)
        with self.engine.connect() as conn:
            return [RatingRecord.from_row(r) for r in conn.execute(q.order_by(rating_t.c.id))]

    def open_follow_ups(self) -> list[RatingRecord]:
        """Negative ratings not yet answered, of any day."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(rating_t).where(rating_t.c.follow_up == FOLLOW_OPEN)
                                .order_by(rating_t.c.id))
            return [RatingRecord.from_row(r) for r in rows]
